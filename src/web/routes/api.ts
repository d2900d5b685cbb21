import { Router } from 'express';
import { NotFoundError } from '../../core/errors.js';
import type { GenerationStore } from '../../core/generations/generation-store.js';
import { encodeCursor, generationIdPattern, pageSize, parseListQuery, queryString } from '../filters.js';
import { toPublicGeneration } from '../public-generation.js';

/**
 * `GET /api/generations` (the gallery's filters and cursor) and `GET /api/generations/:id`.
 * Answers carry only {@link toPublicGeneration} fields: no output URLs, claims or file paths.
 */
export function apiRoutes(deps: { store: GenerationStore }): Router {
  const router = Router();

  router.get('/api/generations', (req, res) => {
    const query = parseListQuery(req.query);
    const page = deps.store.list(query.filter, { cursor: query.cursor, limit: pageSize });
    const next = page.next ? encodeCursor(page.next) : null;
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      items: page.items.map(toPublicGeneration),
      next,
      nextUrl: next ? `/api/generations${queryString(query.params, { after: next })}` : null,
    });
  });

  router.get('/api/generations/:id', (req, res) => {
    const { id } = req.params;
    const generation = generationIdPattern.test(id) ? deps.store.get(id) : undefined;
    if (!generation) throw new NotFoundError('generation', id);
    res.setHeader('Cache-Control', 'no-store');
    res.json(toPublicGeneration(generation));
  });

  return router;
}
