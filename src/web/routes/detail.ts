import { type Response, Router } from 'express';
import { canSee } from '../../core/access/grant.js';
import { NotFoundError } from '../../core/errors.js';
import type { GenerationStore } from '../../core/generations/generation-store.js';
import { grantOf } from '../access.js';
import { generationIdPattern } from '../filters.js';
import { downloadName } from '../media-files.js';
import { detailPage } from '../views/detail-page.js';
import { groupLabel } from '../views/group-page.js';
import type { PageContext } from '../views/layout.js';
import type { WebGroups } from './groups.js';

/** `GET /g/:id`: the page of one generation, for whoever may see it (else 404, as if it did not exist). */
export function detailRoutes(deps: {
  store: GenerationStore;
  pageContext: (res?: Response) => PageContext;
  /** Groups, to link a clip to its comparison or batch. */
  groups?: WebGroups;
}): Router {
  const router = Router();
  router.get('/g/:id', async (req, res) => {
    const { id } = req.params;
    const generation = generationIdPattern.test(id) ? await deps.store.get(id) : undefined;
    if (!generation || !canSee(grantOf(res), generation)) throw new NotFoundError('generation', id);
    const name = generation.media ? downloadName(generation) : undefined;
    // The parts of its chain that this visitor may see, for the links between them.
    const parts = generation.chainId
      ? (await deps.store.chain(generation.chainId)).filter((part) => canSee(grantOf(res), part))
      : [];
    const groupId = await deps.groups?.groupIdOf(generation.id);
    const group = groupId ? await deps.groups?.get(groupId) : undefined;
    const groupLink =
      group && canSee(grantOf(res), group) ? { id: group.id, label: groupLabel(group) } : undefined;
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(detailPage(deps.pageContext(res), generation, name, parts, groupLink).value);
  });
  return router;
}
