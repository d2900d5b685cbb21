import type { GalleryLinks } from '../../core/chat/gallery-links.js';
import type { Config } from '../../core/config.js';
import type { FavoriteStore } from '../../core/generations/favorites.js';
import type { GenerationStore } from '../../core/generations/generation-store.js';
import type { GenerationService } from '../../core/generations/service-types.js';
import type { Logger } from '../../core/logger.js';
import type { Catalog } from '../../core/replicate/catalog.js';
import type { Timers } from '../../core/timers.js';
import type { FormDrafts } from './drafts.js';
import type { StatusMessages } from './status/tracker.js';

/** What every interaction handler works with. */
export interface BotContext {
  config: Config;
  service: GenerationService;
  catalog: Catalog;
  generations: Pick<GenerationStore, 'list' | 'get'>;
  logger: Logger;
  clock: () => number;
  timers: Timers;
  links: GalleryLinks;
  statuses: StatusMessages;
  drafts: FormDrafts;
  /** Where the Favorite button keeps its marks; without it the button says favorites are off. */
  favorites?: FavoriteStore;
  /** The model `/animate` uses when none is given; the most run image-to-video model otherwise. */
  defaultImageModel?: string;
  /** How long to wait for the catalog before answering an interaction anyway (Discord allows 3 s). */
  lookupTimeoutMs: number;
}
