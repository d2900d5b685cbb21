import { loadLinkSecret } from '../access/link-secret.js';
import { createLinkSigner, type LinkSigner } from '../access/link-token.js';
import { type Place, placeOf } from '../access/place.js';
import type { Config } from '../config.js';
import type { Generation } from '../generations/types.js';

/** The query parameter a signed link carries its token in. */
export const linkKeyParam = 'key';

/**
 * Signed links into the web gallery, for chat messages. The paths are the web app's: `GET /`
 * (src/web/routes/gallery.ts) and `GET /g/:id` (src/web/routes/detail.ts); each carries a token
 * from {@link createLinkSigner} that expires in 7 days.
 */
export interface GalleryLinks {
  /** The gallery of one place: a server's, a workspace's, or one person's direct messages. */
  place(place: Place): string;
  /** The page of one video, and nothing else of its place. */
  generation(generation: Pick<Generation, 'id' | 'requester'>): string;
}

/**
 * Links under `PUBLIC_URL`, or under the local web server when no public URL is set, signed with
 * `signer` or else with the key from `LINK_SECRET` or the data folder.
 */
export function createGalleryLinks(
  config: Pick<Config, 'publicUrl' | 'port' | 'dataDir' | 'gallery'>,
  signer: LinkSigner = createLinkSigner({ secret: loadLinkSecret(config) }),
): GalleryLinks {
  const base = config.publicUrl ?? `http://localhost:${config.port}`;
  return {
    place: (place) => `${base}/?${linkKeyParam}=${signer.sign({ place })}`,
    generation: ({ id, requester }) =>
      `${base}/g/${encodeURIComponent(id)}?${linkKeyParam}=${signer.sign({ place: placeOf(requester), generationId: id })}`,
  };
}
