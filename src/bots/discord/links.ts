import type { Config } from '../../core/config.js';

/** Links into the web gallery. */
export interface GalleryLinks {
  /** The gallery filtered to one user. */
  user(userId: string): string;
  /** The page of one video. */
  generation(generationId: string): string;
}

export function createGalleryLinks(config: Pick<Config, 'publicUrl' | 'port'>): GalleryLinks {
  const base = config.publicUrl ?? `http://localhost:${config.port}`;
  return {
    user: (userId) => `${base}/?user=${encodeURIComponent(userId)}`,
    generation: (generationId) => `${base}/g/${encodeURIComponent(generationId)}`,
  };
}
