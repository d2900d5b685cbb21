import type { Grant } from '../core/access/grant.js';
import { ValidationError } from '../core/errors.js';
import { type Fan, fanKey, parseFanKey } from '../core/generations/favorites.js';
import type { GenerationFilter } from '../core/generations/generation-store.js';

/** `favorites=anyone`: what anyone marked, most marked first; no person is named. */
export const favoritedByAnyone = 'anyone';

/**
 * Who the gallery's `favorites` filter may name. Whose favorites a video is counts as private: the
 * operator's session may name anyone (`favorites=discord:123`); a signed link to a person's own
 * direct-message gallery (`/gallery` in a DM) names its person, as `favorites=mine` or their key.
 * A link to a server's gallery is shared by everyone in it, so it may not filter by a person; it,
 * and every other grant, may ask for `favorites=anyone`, which counts favorites without saying whose.
 */
export function favoriteFilterOf(
  value: string | undefined,
  grant: Grant,
): Pick<GenerationFilter, 'favoriteOf' | 'favorited'> {
  if (!value) return {};
  if (value === favoritedByAnyone) return { favorited: true };
  if (grant.kind === 'everything') {
    const fan = parseFanKey(value);
    if (!fan)
      throw new ValidationError([
        {
          field: 'favorites',
          message: 'favorites must read anyone, or <platform>:<user id>, e.g. discord:123',
        },
      ]);
    return { favoriteOf: fan };
  }
  if (grant.kind === 'place' && grant.place.kind === 'dm') {
    const viewer: Fan = { platform: grant.place.platform, userId: grant.place.userId };
    if (value === 'mine' || value === fanKey(viewer)) return { favoriteOf: viewer };
  }
  throw new ValidationError([
    {
      field: 'favorites',
      message:
        "favorites=anyone shows what anyone favorited; a person's favorites need the operator session, or your own gallery link from /gallery in a direct message",
    },
  ]);
}
