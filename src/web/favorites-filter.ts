import type { Grant } from '../core/access/grant.js';
import { ValidationError } from '../core/errors.js';
import { type Fan, fanKey, parseFanKey } from '../core/generations/favorites.js';

/**
 * Who the gallery's `favorites` filter may name. Whose favorites a video is counts as private: the
 * operator's session may name anyone (`favorites=discord:123`); a signed link to a person's own
 * direct-message gallery (`/gallery` in a DM) names its person, as `favorites=mine` or their key.
 * A link to a server's gallery is shared by everyone in it, so it may not filter by a person.
 */
export function favoriteFilterOf(value: string | undefined, grant: Grant): Fan | undefined {
  if (!value) return undefined;
  if (grant.kind === 'everything') {
    const fan = parseFanKey(value);
    if (!fan)
      throw new ValidationError([
        { field: 'favorites', message: 'favorites must read <platform>:<user id>, e.g. discord:123' },
      ]);
    return fan;
  }
  if (grant.kind === 'place' && grant.place.kind === 'dm') {
    const viewer: Fan = { platform: grant.place.platform, userId: grant.place.userId };
    if (value === 'mine' || value === fanKey(viewer)) return viewer;
  }
  throw new ValidationError([
    {
      field: 'favorites',
      message:
        'favorites needs the operator session, or your own gallery link from /gallery in a direct message',
    },
  ]);
}
