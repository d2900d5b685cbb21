import { Router } from 'express';
import { canSee } from '../../core/access/grant.js';
import { NotFoundError } from '../../core/errors.js';
import type { GenerationStore } from '../../core/generations/generation-store.js';
import { grantOf, linkKeyOf } from '../access.js';
import { favoriteFilterOf } from '../favorites-filter.js';
import { encodeCursor, generationIdPattern, pageSize, parseListQuery, queryString } from '../filters.js';
import { sendNoStoreJson } from '../no-store-json.js';
import { toPublicGeneration, withLinkKey } from '../public-generation.js';

/**
 * `GET /api/generations` (the gallery's filters and cursor) and `GET /api/generations/:id`.
 * Answers carry only {@link toPublicGeneration} fields: no output URLs, claims or file paths.
 * Only what the request's link or session may see is listed; without one, nothing.
 */
export function apiRoutes(deps: { store: GenerationStore }): Router {
  const router = Router();

  router.get('/api/generations', async (req, res) => {
    const query = parseListQuery(req.query);
    const grant = grantOf(res);
    const key = linkKeyOf(res);
    if (grant.kind === 'nothing' || grant.kind === 'generation') {
      const only = grant.kind === 'generation' ? await deps.store.get(grant.generationId) : undefined;
      const items = only && canSee(grant, only) ? [toPublicGeneration(only, key)] : [];
      sendNoStoreJson(res, { items, next: null, nextUrl: null });
      return;
    }
    const filter = {
      ...query.filter,
      ...(grant.kind === 'place' ? { place: grant.place } : {}),
      ...favoriteFilterOf(query.params.favorites, grant),
    };
    const page = await deps.store.list(filter, { cursor: query.cursor, limit: pageSize });
    const next = page.next ? encodeCursor(page.next) : null;
    sendNoStoreJson(res, {
      items: page.items.map((generation) => toPublicGeneration(generation, key)),
      next,
      // A script has only the key it was given: the next page's URL carries it, as media URLs do.
      nextUrl: next
        ? withLinkKey(`/api/generations${queryString(query.params, { after: next })}`, key)
        : null,
    });
  });

  router.get('/api/generations/:id', async (req, res) => {
    const { id } = req.params;
    const generation = generationIdPattern.test(id) ? await deps.store.get(id) : undefined;
    if (!generation || !canSee(grantOf(res), generation)) throw new NotFoundError('generation', id);
    sendNoStoreJson(res, toPublicGeneration(generation, linkKeyOf(res)));
  });

  return router;
}
