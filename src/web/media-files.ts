import path from 'node:path';
import type { Generation } from '../core/generations/types.js';
import { mediaTypeOf, mediaTypesByExtension } from '../core/media/media-types.js';

// Only media may be served, so even a corrupt row can never point at the database or a config file.
const servableExtensions = new Set(Object.keys(mediaTypesByExtension));

const extensionsByType: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
  'image/gif': 'gif',
};

/**
 * The storage key of a file the store recorded, or undefined when it would leave the storage
 * (absolute, `..`) or is not a media file. Only store values reach this, never request paths.
 */
export function servableKey(stored: string | undefined): string | undefined {
  if (!stored || stored.includes('\0') || path.isAbsolute(stored)) return undefined;
  const key = path.posix.normalize(stored.replaceAll('\\', '/'));
  if (key.startsWith('../') || key === '..' || key.startsWith('/')) return undefined;
  if (!servableExtensions.has(path.extname(key).toLowerCase())) return undefined;
  return key;
}

/** The Content-Type of a stored file: the recorded one when it is a plain media type, else by extension. */
export function contentTypeOf(file: string, recorded?: string): string {
  if (recorded && /^(video|image)\/[\w.+-]+$/.test(recorded)) return recorded;
  return mediaTypeOf(file);
}

/** A download name people can keep: `reelbot-<owner>-<model>-<id>.mp4`. */
export function downloadName(generation: Generation): string {
  const model = generation.model
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  const fromPath = generation.media ? path.extname(generation.media.path).slice(1).toLowerCase() : '';
  const extension = extensionsByType[generation.media?.mime ?? ''] ?? (fromPath || 'mp4');
  return `reelbot-${model || 'video'}-${generation.id}.${extension}`;
}
