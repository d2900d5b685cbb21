import { type Response, Router } from 'express';
import { canSee } from '../../core/access/grant.js';
import { NotFoundError } from '../../core/errors.js';
import type { Generation } from '../../core/generations/types.js';
import { grantOf } from '../access.js';
import { generationIdPattern } from '../filters.js';
import { contentTypeOf, downloadName, servableKey } from '../media-files.js';
import { sendFile } from '../send-file.js';
import type { WebDeps, WebMedia } from '../types.js';

// Media of a generation never changes once written; a day keeps browsers from asking again.
// Private: who may see it depends on the link or session, so no shared cache may keep it.
const mediaCacheControl = 'private, max-age=86400';

/**
 * `GET /media/:id` (the video), `GET /media/:id/joined` (a chain joined) and `GET /media/:id/poster`. The id is looked up in the store and
 * only the keys recorded there are opened: nothing from the request reaches the storage.
 * A signed link (`?key=`, or the cookie it left) or the operator's session is needed: else 404.
 * Media in a bucket streams through this process too, so browsers never need to reach the bucket.
 */
export function mediaRoutes(deps: Pick<WebDeps, 'store'> & { media: WebMedia }): Router {
  const router = Router();

  async function generationOf(id: string, res: Response): Promise<Generation> {
    const generation = generationIdPattern.test(id) ? await deps.store.get(id) : undefined;
    if (!generation?.media || !canSee(grantOf(res), generation)) throw new NotFoundError('video', id);
    return generation;
  }

  router.get('/media/:id', async (req, res) => {
    const generation = await generationOf(req.params.id, res);
    const media = generation.media!;
    const key = servableKey(media.path);
    const sent =
      key &&
      (await sendFile(req, res, {
        storage: deps.media,
        key,
        contentType: contentTypeOf(key, media.mime),
        etag: /^[0-9a-f]{64}$/i.test(media.sha256) ? `"${media.sha256.toLowerCase()}"` : undefined,
        cacheControl: mediaCacheControl,
        downloadName: req.query.download === '1' ? downloadName(generation) : undefined,
      }));
    if (!sent) throw new NotFoundError('video', generation.id);
  });

  // The chain of extends joined up to this part: the chain's main video.
  router.get('/media/:id/joined', async (req, res) => {
    const generation = await generationOf(req.params.id, res);
    const joined = generation.joinedMedia;
    const key = servableKey(joined?.path);
    const sent =
      key &&
      joined &&
      (await sendFile(req, res, {
        storage: deps.media,
        key,
        contentType: contentTypeOf(key, joined.mime),
        etag: /^[0-9a-f]{64}$/i.test(joined.sha256) ? `"${joined.sha256.toLowerCase()}"` : undefined,
        cacheControl: mediaCacheControl,
      }));
    if (!sent) throw new NotFoundError('video', generation.id);
  });

  router.get('/media/:id/poster', async (req, res) => {
    const generation = await generationOf(req.params.id, res);
    const key = servableKey(generation.media?.posterPath);
    const sent =
      key &&
      (await sendFile(req, res, {
        storage: deps.media,
        key,
        contentType: contentTypeOf(key),
        cacheControl: mediaCacheControl,
      }));
    if (!sent) throw new NotFoundError('poster', generation.id);
  });

  return router;
}
