import { type Response, Router } from 'express';
import { canSee } from '../../core/access/grant.js';
import { type Place, placeKey } from '../../core/access/place.js';
import { NotFoundError } from '../../core/errors.js';
import type { FavoriteStore } from '../../core/generations/favorites.js';
import type { GenerationStore } from '../../core/generations/generation-store.js';
import type { Generation } from '../../core/generations/types.js';
import { grantOf } from '../access.js';
import { favoriteFilterOf } from '../favorites-filter.js';
import { encodeCursor, generationIdPattern, pageSize, parseListQuery } from '../filters.js';
import { type EntryDecorations, entryCard } from '../views/gallery-entry.js';
import { galleryPage } from '../views/gallery-page.js';
import type { PageContext } from '../views/layout.js';
import { groupsOfEntries, type WebGroups } from './groups.js';

/** How many places' model lists are kept at once; past it the one read longest ago is dropped. */
const cachedPlacesMax = 256;

/**
 * Distinct models for the filter, of one place (a link's) or of all, each list refreshed at most
 * every `ttlMs`: a scan per page view is waste. The read in flight is what is kept, so page views
 * during a refresh share it; a failed read is forgotten, so the next view tries again.
 */
export function cachedModels(store: Pick<GenerationStore, 'models'>, clock: () => number, ttlMs = 30_000) {
  const cached = new Map<string, { models: Promise<string[]>; at: number }>();
  return (place?: Place): Promise<string[]> => {
    const key = place ? placeKey(place) : '*';
    const now = clock();
    const kept = cached.get(key);
    if (kept && now - kept.at <= ttlMs) return kept.models;
    const entry = { models: store.models(place), at: now };
    entry.models.catch(() => {
      if (cached.get(key) === entry) cached.delete(key);
    });
    cached.delete(key);
    cached.set(key, entry);
    // Maps keep insertion order: the first key is the list read longest ago.
    if (cached.size > cachedPlacesMax) cached.delete(cached.keys().next().value!);
    return entry.models;
  };
}

/**
 * How many finished parts each chain on the page has, in one read. The store already folded each
 * chain into its newest finished part (`foldChains`), which plays the joined video and is marked
 * "Part N of N"; the older parts are reached from that part's page.
 */
async function chainLengthsOf(
  store: Pick<GenerationStore, 'finishedChainParts'>,
  items: readonly Generation[],
): Promise<Map<string, number>> {
  const shown = items.filter((item) => item.chainId && item.status === 'succeeded');
  if (shown.length === 0) return new Map();
  const parts = await store.finishedChainParts(shown.map((item) => item.chainId!));
  const chainLengths = new Map<string, number>();
  for (const item of shown) {
    const length = parts.get(item.chainId!) ?? 0;
    if (length > 1) chainLengths.set(item.id, length);
  }
  return chainLengths;
}

/**
 * What the cards of `items` show beside their rows (chain parts, groups, stars), each one read for
 * them all. The page and the one card the live script fetches both read it here.
 */
async function decorationsOf(
  deps: Pick<GalleryDeps, 'store' | 'favorites' | 'groups'>,
  items: readonly Generation[],
): Promise<EntryDecorations> {
  const [chainLengths, groups, stars] = await Promise.all([
    chainLengthsOf(deps.store, items),
    groupsOfEntries(deps.groups, items),
    deps.favorites?.counts(items.map((item) => item.id)),
  ]);
  return { chainLengths, ...groups, stars };
}

interface GalleryDeps {
  store: GenerationStore;
  /** The models for the filter: of `place` when given, else of every place. */
  models: (place?: Place) => Promise<string[]>;
  pageContext: (res?: Response) => PageContext;
  /** The star count of each card; no stars shown without it. */
  favorites?: Pick<FavoriteStore, 'counts'>;
  /** Groups (compare, batch), so their finished members show as one card. */
  groups?: WebGroups;
}

/**
 * `GET /`: the gallery, with `status`, `model`, `platform`, `source`, `user`, `q` and the keyset
 * cursor `after`. `GET /g/:id/card`: one card, for the live script to swap in when a job ends.
 */
export function galleryRoutes(deps: GalleryDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const grant = grantOf(res);
    // A link to one video opens that video's page, not its place's gallery.
    if (grant.kind === 'nothing' || grant.kind === 'generation') throw new NotFoundError('page', req.path);
    const query = parseListQuery(req.query);
    const filter = {
      ...query.filter,
      ...(grant.kind === 'place' ? { place: grant.place } : {}),
      ...favoriteFilterOf(query.params.favorites, grant),
      // One entry per chain and per finished group, counted by the page's LIMIT.
      foldChains: true,
      foldGroups: deps.groups !== undefined,
    };
    const [page, models] = await Promise.all([
      deps.store.list(filter, { cursor: query.cursor, limit: pageSize }),
      // A link of one place names only the models of the videos it may see.
      deps.models(grant.kind === 'place' ? grant.place : undefined),
    ]);
    const { items } = page;
    const body = galleryPage(deps.pageContext(res), {
      items,
      ...(await decorationsOf(deps, items)),
      next: page.next && encodeCursor(page.next),
      params: query.params,
      models,
    });
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(body.value);
  });

  router.get('/g/:id/card', async (req, res) => {
    const { id } = req.params;
    const generation = generationIdPattern.test(id) ? await deps.store.get(id) : undefined;
    if (!generation || !canSee(grantOf(res), generation)) throw new NotFoundError('generation', id);
    const decorations = await decorationsOf(deps, [generation]);
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(entryCard(generation, deps.pageContext().now, decorations).value);
  });

  return router;
}
