import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { concatVideos } from '../media/chain-video.js';
import type { LocalCopy } from '../media/storage.js';
import type { LifecycleContext } from './context.js';
import { lineageOf } from './extend.js';
import type { Generation, StoredMedia } from './types.js';

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Joins a finished extend with the parts before it into one video, kept as
 * `media/<id>.joined.mp4` and recorded as the part's `joinedMedia` (the chain's main video from
 * then on). Returns undefined when the part is no extend or a part before it has no video; the
 * caller logs a failure and keeps the part itself, which is finished either way.
 */
export async function joinChain(
  ctx: Pick<LifecycleContext, 'store' | 'storage' | 'logger'>,
  generation: Generation,
  options: { signal?: AbortSignal } = {},
): Promise<StoredMedia | undefined> {
  if (generation.origin?.kind !== 'extend') return undefined;
  const parts = await lineageOf(ctx.store, generation);
  if (parts.length < 2 || parts.some((part) => !part.media?.mime.startsWith('video/'))) return undefined;
  const copies: LocalCopy[] = [];
  const out = path.join(ctx.storage.tempDir, `${generation.id}.joined.mp4`);
  try {
    for (const part of parts) copies.push(await ctx.storage.fetchLocal(part.media!.path));
    const joined = await concatVideos(
      copies.map((copy) => copy.path),
      out,
      { signal: options.signal },
    );
    const sha256 = await sha256Of(out);
    const key = `media/${generation.id}.joined.mp4`;
    await ctx.storage.commit(out, key);
    const media: StoredMedia = {
      path: key,
      sha256,
      bytes: joined.probe.bytes,
      mime: 'video/mp4',
      width: joined.probe.width,
      height: joined.probe.height,
      durationSeconds: joined.probe.durationSeconds,
      posterPath: parts[0]!.media!.posterPath,
    };
    await ctx.store.update(generation.id, { joinedMedia: media });
    ctx.logger
      .child({ generationId: generation.id })
      .info({ parts: parts.length, method: joined.method, bytes: media.bytes }, 'chain joined');
    return media;
  } finally {
    for (const copy of copies) await copy.release();
    await fs.promises.rm(out, { force: true });
  }
}
