/**
 * The ffmpeg output options that make an H.264 MP4 play everywhere reelbot posts it: 4:2:0 chroma
 * (Discord, Slack, Safari and phones refuse 4:4:4), and the index first, so chat clients and
 * browsers start playing before the end has arrived.
 */
export const playableMp4OutputArgs: readonly string[] = [
  '-pix_fmt',
  'yuv420p',
  '-movflags',
  '+faststart',
  '-f',
  'mp4',
];
