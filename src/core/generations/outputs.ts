const videoExtensions = /\.(mp4|m4v|mov|webm|gif)$/i;
const imageExtensions = /\.(png|jpe?g|webp)$/i;

/** The outputs of a prediction: the one reelbot keeps, and the rest, recorded but not downloaded. */
export interface PickedOutputs {
  primary?: string;
  extras: string[];
}

function urlsIn(output: unknown): string[] {
  if (typeof output === 'string') return /^https?:\/\//i.test(output) ? [output] : [];
  if (Array.isArray(output)) return output.flatMap(urlsIn);
  // Some models answer `{ video: url, poster: url }`.
  if (output && typeof output === 'object') return Object.values(output).flatMap(urlsIn);
  return [];
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** Keeps the first video of an output (a URL, an array of URLs, or an object of them), else the first URL. */
export function pickOutputs(output: unknown): PickedOutputs {
  const urls = urlsIn(output);
  const primary = urls.find((url) => videoExtensions.test(pathOf(url))) ?? urls[0];
  return { primary, extras: urls.filter((url) => url !== primary) };
}

/** Whether an output URL names an image (a still, not a video), by its extension. */
export function isImageUrl(url: string): boolean {
  return imageExtensions.test(pathOf(url));
}
