/** Replicate's own error, as text (it is a string, an object, or absent). */
export function upstreamErrorText(error: unknown): string | undefined {
  if (error === undefined || error === null || error === '') return undefined;
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

const reasons: { test: RegExp; reason: string }[] = [
  {
    test: /nsfw|sensitive|safety|flagged|content polic|moderation/i,
    reason: "The model's safety filter refused this prompt or image. Try wording it differently.",
  },
  {
    test: /out of memory|\boom\b|cuda error: out of memory|memoryerror/i,
    reason: 'The model ran out of memory. Try a smaller size, fewer frames or fewer steps.',
  },
  {
    test: /timed? ?out|timeout|deadline/i,
    reason: 'The model took too long, and Replicate stopped it. Try a shorter or smaller video.',
  },
  {
    test: /(invalid|unsupported|cannot identify) (image|file)|image.*(format|decode)|failed to (load|download|read) (image|file)/i,
    reason: 'The model could not read the image. Try a JPEG or PNG of normal size.',
  },
  {
    test: /validation|must be|is not a valid|greater than|less than|out of range|invalid input/i,
    reason: 'The model did not accept these settings.',
  },
  {
    test: /insufficient credit|billing|payment|spend limit/i,
    reason: 'Replicate says the account behind reelbot is out of credit. An admin needs to top it up.',
  },
  {
    test: /rate limit|too many requests|throttl/i,
    reason: 'Replicate is busy right now. Please try again in a minute.',
  },
];

/**
 * A sentence a person understands for a failed prediction, from Replicate's error text and the
 * final status (`aborted` means Replicate stopped it, e.g. a machine went away). Replicate's own
 * text is kept separately (`upstreamError`) and shown whole where there is room.
 */
export function friendlyFailure(error: unknown, status: 'failed' | 'aborted' = 'failed'): string {
  const text = upstreamErrorText(error);
  if (status === 'aborted') return 'Replicate stopped this run before it finished. Please try again.';
  if (!text) return 'The model failed without saying why. Please try again.';
  const known = reasons.find((r) => r.test.test(text));
  if (known) return known.reason;
  const firstLine =
    text
      .split('\n')
      .find((line) => line.trim())
      ?.trim() ?? text;
  const short = firstLine.length > 150 ? `${firstLine.slice(0, 149)}…` : firstLine;
  return `The model failed: ${short}`;
}
