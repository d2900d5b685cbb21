import type { webApi } from '@slack/bolt';
import type { Config } from '../../core/config.js';
import type { FavoriteStore } from '../../core/generations/favorites.js';
import type { GenerationStore } from '../../core/generations/generation-store.js';
import type { GroupService } from '../../core/generations/groups/group-service.js';
import type { ServerRules } from '../../core/generations/server-rules.js';
import type { GenerationService } from '../../core/generations/service-types.js';
import type { Logger } from '../../core/logger.js';
import type { MediaStorage } from '../../core/media/storage.js';
import type { FitVideo } from '../../core/media/upload.js';
import type { Catalog } from '../../core/replicate/catalog.js';
import type { Timers } from '../../core/timers.js';

/** Everything the Slack bot needs; I/O comes in, nothing is reached for. */
export interface SlackBotDeps {
  /** `config.slack` must be set; `publicUrl`/`port` make gallery links, `dataDir`/`s3` find media. */
  config: Pick<Config, 'slack' | 'publicUrl' | 'port' | 'dataDir' | 'gallery' | 's3'>;
  service: GenerationService;
  catalog: Pick<Catalog, 'search' | 'getModel'>;
  logger: Logger;
  /** Lets the bot deliver videos that finished while it was down (optional). */
  store?: Pick<GenerationStore, 'list'>;
  /** Where the Favorite button keeps its marks; the button is shown only when given. */
  favorites?: FavoriteStore;
  clock?: () => number;
  /** Timers for the status throttle and the submit deadline; Node's by default. */
  timers?: Timers;
  /** Status message edits per generation: at most one per this many ms (default 1500). */
  statusIntervalMs?: number;
  /** Largest video uploaded into Slack (default 1 GB, Slack's own limit). */
  uploadLimitBytes?: number;
  /** Re-encodes a video over `uploadLimitBytes`; core's ffmpeg `fitToSize` by default. */
  fitVideo?: FitVideo;
  /** Where finished videos are read from; the one `config` names (DATA_DIR or S3) by default. */
  media?: MediaStorage;
  /**
   * How long a modal submit waits for the service before closing the modal; a later failure is
   * then told as an ephemeral message (Slack wants an answer within 3 s).
   */
  submitDeadlineMs?: number;
  /** Groups of generations shown as one: `/reelbot compare` is offered only with it. */
  groups?: GroupService;
  /** Each workspace's settings (allowed models, `/reelbot settings`); none: the environment's everywhere. */
  rules?: ServerRules;
  /** Extra Web API client options (tests turn retries off). */
  clientOptions?: Omit<webApi.WebClientOptions, 'slackApiUrl'>;
}

/** The Slack settings, checked once: the bot cannot run without them. */
export function slackSettings(config: SlackBotDeps['config']): NonNullable<Config['slack']> {
  if (!config.slack) throw new Error('createSlackBot needs config.slack (SLACK_BOT_TOKEN is not set)');
  if (!config.slack.appToken && !config.slack.signingSecret)
    throw new Error('createSlackBot needs SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)');
  return config.slack;
}
