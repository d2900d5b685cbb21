import { type Response, Router } from 'express';
import { canSee } from '../../core/access/grant.js';
import { NotFoundError } from '../../core/errors.js';
import type { GenerationStore } from '../../core/generations/generation-store.js';
import type { GroupStore } from '../../core/generations/groups/group-store.js';
import type { GenerationGroup } from '../../core/generations/groups/types.js';
import type { Generation } from '../../core/generations/types.js';
import { grantOf } from '../access.js';
import { generationIdPattern } from '../filters.js';
import { contentTypeOf, servableKey } from '../media-files.js';
import { sendFile } from '../send-file.js';
import type { WebMedia } from '../types.js';
import type { EntryDecorations } from '../views/gallery-entry.js';
import { groupPage } from '../views/group-page.js';
import type { PageContext } from '../views/layout.js';

/** The groups the web reads: a group by id, the group a generation belongs to, a page's groups. */
export type WebGroups = Pick<GroupStore, 'get' | 'groupIdOf' | 'groupsOf'>;

/**
 * The groups of a gallery page's entries, read in one query: the finished group each entry stands
 * for (the store already folded each finished group into one entry, `foldGroups`), and the group
 * not yet ended that each member of a running or composing group waits on (such members show as
 * they are, until the group ends). A failed group's members show as they are for good.
 */
export async function groupsOfEntries(
  groups: WebGroups | undefined,
  items: readonly Generation[],
): Promise<Pick<EntryDecorations, 'groupOf' | 'pendingGroupOf'>> {
  if (!groups) return {};
  const found = await groups.groupsOf(items.map((item) => item.id));
  const groupOf = new Map<string, GenerationGroup>();
  const pendingGroupOf = new Map<string, string>();
  for (const [id, group] of found) {
    if (group.status === 'succeeded') groupOf.set(id, group);
    else if (group.status === 'running' || group.status === 'composing') pendingGroupOf.set(id, group.id);
  }
  return { groupOf, pendingGroupOf };
}

// A grid never changes once composed; private, since who may see it depends on the link.
const mediaCacheControl = 'private, max-age=86400';

/**
 * `GET /grp/:id` (a group's page: the grid plays, each clip linked), `GET /media/grp/:id` (the grid)
 * and `GET /media/grp/:id/poster`. Seen by whoever may see the group's place (a signed gallery
 * link, the operator, a public gallery), as its clips are; else 404.
 */
export function groupRoutes(deps: {
  groups?: WebGroups;
  store: Pick<GenerationStore, 'get'>;
  media: WebMedia;
  pageContext: (res?: Response) => PageContext;
}): Router {
  const router = Router();
  if (!deps.groups) return router;
  const groups = deps.groups;

  async function groupOf(id: string, res: Response): Promise<GenerationGroup> {
    const group = generationIdPattern.test(id) ? await groups.get(id) : undefined;
    if (!group || !canSee(grantOf(res), group)) throw new NotFoundError('group', id);
    return group;
  }

  router.get('/grp/:id', async (req, res) => {
    const group = await groupOf(req.params.id, res);
    const members = (await Promise.all(group.memberIds.map((id) => deps.store.get(id)))).filter(
      (member): member is Generation => member !== undefined && canSee(grantOf(res), member),
    );
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(groupPage(deps.pageContext(res), group, members).value);
  });

  async function send(req: Parameters<Parameters<Router['get']>[1]>[0], res: Response, poster: boolean) {
    const group = await groupOf(String(req.params.id), res);
    const key = servableKey(poster ? group.media?.posterPath : group.media?.path);
    const sent =
      key &&
      (await sendFile(req, res, {
        storage: deps.media,
        key,
        contentType: contentTypeOf(key, poster ? undefined : group.media?.mime),
        cacheControl: mediaCacheControl,
      }));
    if (!sent) throw new NotFoundError('video', group.id);
  }

  router.get('/media/grp/:id', (req, res) => send(req, res, false));
  router.get('/media/grp/:id/poster', (req, res) => send(req, res, true));
  return router;
}
