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
  /**
   * The video file itself, sent as a download (`GET /media/:id?download=1`, src/web/routes/media.ts),
   * with the same one-video token as {@link GalleryLinks.generation}.
   */
  download(generation: Pick<Generation, 'id' | 'requester'>): string;
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
  const videoKey = (id: string, requester: Generation['requester']) =>
    signer.sign({ place: placeOf(requester), generationId: id });
  return {
    place: (place) => `${base}/?${linkKeyParam}=${signer.sign({ place })}`,
    generation: ({ id, requester }) =>
      `${base}/g/${encodeURIComponent(id)}?${linkKeyParam}=${videoKey(id, requester)}`,
    download: ({ id, requester }) =>
      `${base}/media/${encodeURIComponent(id)}?download=1&${linkKeyParam}=${videoKey(id, requester)}`,
  };
}
