import path from 'node:path';

/** The media files reelbot keeps and serves, by extension, with their Content-Type. */
export const mediaTypesByExtension: Readonly<Record<string, string>> = {
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
  '.gif': 'image/gif',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
};

/** The Content-Type of a stored media file by its extension; `application/octet-stream` for others. */
export function mediaTypeOf(file: string): string {
  return mediaTypesByExtension[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
