import type { GalleryLinks } from '../../core/chat/gallery-links.js';
import type { Config } from '../../core/config.js';
import type { FavoriteStore } from '../../core/generations/favorites.js';
import type { GenerationStore } from '../../core/generations/generation-store.js';
import type { GroupService } from '../../core/generations/groups/group-service.js';
import type { ServerRules } from '../../core/generations/server-rules.js';
import type { GenerationService } from '../../core/generations/service-types.js';
import type { Logger } from '../../core/logger.js';
import type { Catalog } from '../../core/replicate/catalog.js';
import type { Timers } from '../../core/timers.js';
import type { FormDrafts } from './drafts.js';
import type { GroupMessages } from './status/group-message.js';
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
  /** Compare and batch; absent when the bot was built without them. */
  groups?: GroupService;
  /** The one message of each group. */
  groupMessages?: GroupMessages;
  /** Where the Favorite button keeps its marks; without it the button says favorites are off. */
  favorites?: FavoriteStore;
  /** The model `/animate` uses when none is given; the most run image-to-video model otherwise. */
  defaultImageModel?: string;
  /** Each server's settings (allowed models and channels, `/settings`); none: the environment's everywhere. */
  rules?: ServerRules;
  /** How long to wait for the catalog before answering an interaction anyway (Discord allows 3 s). */
  lookupTimeoutMs: number;
}
