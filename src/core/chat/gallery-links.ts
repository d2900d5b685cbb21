import type { Config } from '../config.js';

/**
 * Links into the web gallery, for chat messages. The paths are the web app's: `GET /g/:id`
 * (src/web/routes/detail.ts) and `GET /?user=` (src/web/routes/gallery.ts); a test serves both.
 */
export interface GalleryLinks {
  /** The gallery filtered to one user. */
  user(userId: string): string;
  /** The page of one video. */
  generation(generationId: string): string;
}

/** Links under `PUBLIC_URL`, or under the local web server when no public URL is set. */
export function createGalleryLinks(config: Pick<Config, 'publicUrl' | 'port'>): GalleryLinks {
  const base = config.publicUrl ?? `http://localhost:${config.port}`;
  return {
    user: (userId) => `${base}/?user=${encodeURIComponent(userId)}`,
    generation: (generationId) => `${base}/g/${encodeURIComponent(generationId)}`,
  };
}
