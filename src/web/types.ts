import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LinkSigner } from '../core/access/link-token.js';
import type { Config } from '../core/config.js';
import type { FavoriteStore } from '../core/generations/favorites.js';
import type { GenerationStore } from '../core/generations/generation-store.js';
import type { GroupStore } from '../core/generations/groups/group-store.js';
import type { GroupListener } from '../core/generations/groups/types.js';
import type { GenerationService } from '../core/generations/service-types.js';
import type { SpendOverview } from '../core/generations/spend/overview.js';
import type { GenerationListener } from '../core/generations/types.js';
import type { Logger } from '../core/logger.js';
import type { MediaStorage } from '../core/media/storage.js';
import type { OperatorSessions } from './operator-sessions.js';

/** The Replicate webhook as the generation service offers it: a pure function over the raw body. */
export type ReplicateWebhookHandler = (request: {
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  /** Path and query as requested (the service puts `?generation=<id>` in the webhook URL). */
  url?: string;
}) => Promise<{ status: number; body?: unknown }>;

/** A raw Node handler mounted before any body parser, e.g. Slack's Bolt receiver at `/slack/events`. */
export interface RawMount {
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/** What the gallery does with stored media: stream it, list it for stats and clean-up, remove it, check it. */
export type WebMedia = Pick<MediaStorage, 'stat' | 'open' | 'list' | 'remove' | 'check'>;

/** What the web app needs from the rest of reelbot. */
export interface WebDeps {
  config: Config;
  store: GenerationStore;
  /** Favorites, for the star count of each card. */
  favorites?: Pick<FavoriteStore, 'counts'>;
  /** Groups (compare, batch): one gallery card each, a page and the grid's media. */
  groups?: Pick<GroupStore, 'get' | 'groupIdOf' | 'groupsOf'>;
  logger: Logger;
  /** Live events for SSE; optional. The generation service's `subscribe` fits. */
  events?: { subscribe(listener: GenerationListener): () => void };
  /** Groups' ends for SSE, so open pages fold a group's members into its card; the group service's `subscribe` fits. */
  groupEvents?: { subscribe(listener: GroupListener): () => void };
  /** Replicate webhook handler, provided by the generation service: a pure function over the raw body. */
  replicateWebhook?: ReplicateWebhookHandler;
  /** The core's delete, for the operator's delete (the one delete every surface uses). */
  service?: Pick<GenerationService, 'delete'>;
  /** The operator's spend aggregates (`GET /api/admin/usage`, `/admin/usage`); 404 without. */
  spendOverview?: SpendOverview;
  /** Raw Node handlers mounted before any body parser, e.g. Slack's Bolt receiver at /slack/events. */
  mounts?: RawMount[];
  clock?: () => number;
  /**
   * Who may see what: the signer of gallery links (by default keyed from LINK_SECRET or DATA_DIR,
   * without revocations) and the operator's sessions (`reelbot start` passes its own, to print a
   * sign-in link).
   */
  access?: { signer?: LinkSigner; sessions?: OperatorSessions };
  /** Where the videos and posters are; the one `config` names (DATA_DIR or S3) by default. */
  media?: WebMedia;
  /** The ffmpeg the health check runs (`ffmpeg -version`); `ffmpeg` from PATH by default. */
  ffmpegPath?: string;
}
