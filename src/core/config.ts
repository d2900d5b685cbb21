import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { readShardPlan, type ShardPlan } from './shard-plan.js';

/** Everything reelbot reads from its environment, validated once at start. */
export interface Config {
  dataDir: string;
  port: number;
  /** Public base URL for links and webhooks, without a trailing slash. */
  publicUrl?: string;
  logLevel: string;
  replicate: {
    token?: string;
    apiUrl: string;
    webhookSecret?: string;
    /** The longest wait between two polls of a running prediction (`REPLICATE_POLL_SECONDS`). */
    pollMaxMs: number;
  };
  download: {
    /** Host patterns; `*.x` allows every subdomain of x. */
    allowedHosts: string[];
    maxBytes: number;
  };
  limits: {
    /** Running generations of one person; more wait in line. */
    perUser: number;
    /** Waiting generations of one person, past which a request is refused. */
    queuedPerUser: number;
    total: number;
  };
  catalogTtlMs: number;
  /** Chains of extends: how many parts one may have, and the model that continues a clip whose own model takes no image. */
  chains: { maxParts: number; defaultImageModel?: string };
  /** Prices and the daily quotas every server gets unless its own settings say otherwise. */
  spend: {
    /** A JSON price table merged over the shipped one. */
    pricesFile?: string;
    /** Replicate videos one person may ask for per UTC day; 0 means no limit. */
    dailyVideosPerUser: number;
    /** Replicate compute seconds one server may use per UTC day; unset means no limit. */
    dailyGpuSecondsPerServer?: number;
    /** Estimated US dollars one server may spend per UTC day; unset means no limit. */
    dailyUsdPerServer?: number;
  };
  /** `shards` is set when the gateway is sharded (DISCORD_SHARDS); absent, one connection. */
  discord?: { token: string; applicationId: string; apiUrl: string; shards?: ShardPlan };
  slack?: { botToken: string; signingSecret?: string; appToken?: string; apiUrl: string };
  openai?: { apiKey: string; baseUrl?: string; model: string };
  adminToken?: string;
  /**
   * Who may see the gallery. `secret` (LINK_SECRET) signs links; unset, a key generated once is
   * kept in DATA_DIR. `public` (GALLERY_PUBLIC) opens every video to anyone, as before privacy.
   */
  gallery: { linkSecret?: string; public: boolean };
  /**
   * What a prompt is checked against before anything is predicted. `blockedTerms` (BLOCKED_TERMS):
   * words no prompt may use, matched ignoring case and accents, on word boundaries. With `openai`
   * set, prompts and images also go through OpenAI moderation: `fail` (MODERATION_FAIL) says what
   * happens when it cannot answer, `nsfwCategories` (MODERATION_NSFW_CATEGORIES) which flagged
   * categories are let through but shown plainly only in age-restricted channels.
   */
  moderation: {
    blockedTerms: string[];
    fail: 'open' | 'closed';
    nsfwCategories: string[];
    timeoutMs: number;
  };
  /**
   * The models chat may run (ALLOWED_MODELS): `owner/name` or `collection:SLUG` entries; by default
   * the text-to-video and image-to-video collections. A server's own list replaces it; the command
   * line (the operator) is not held to it.
   */
  allowedModels: string[];
  /** The X display for the simulation renderer; unset means the renderer starts its own Xvfb. */
  display?: string;
  /**
   * When `reelbot start` runs its render worker (and Xvfb): `lazy` from the first simulation until
   * `idleMs` pass without one, `eager` from start to stop.
   */
  renderWorker: { mode: 'lazy' | 'eager'; idleMs: number };
  /**
   * Finished media in an S3-compatible bucket (S3_*) instead of DATA_DIR/media. `endpoint` is unset
   * for AWS itself; `forcePathStyle` is on by default with an endpoint (MinIO, s3rver want it).
   */
  s3?: {
    bucket: string;
    endpoint?: string;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
    forcePathStyle: boolean;
  };
  /**
   * REDIS_URL: jobs go to BullMQ queues on this Redis and events travel over its pub/sub, so bots,
   * web and workers can be separate processes. Unset, everything runs in one process.
   */
  redis?: { url: string };
  /**
   * DATABASE_URL: the store runs on this PostgreSQL database, shared by every process of the
   * deployment. Unset, it is SQLite under DATA_DIR.
   */
  database?: { url: string };
}

/** Defaults for every optional variable; one object, checked against the options it fills. */
export const configDefaults = {
  DATA_DIR: './data',
  PORT: 3000,
  LOG_LEVEL: 'info',
  REPLICATE_API_URL: 'https://api.replicate.com/v1',
  REPLICATE_POLL_SECONDS: 5,
  DOWNLOAD_ALLOWED_HOSTS: 'replicate.delivery,*.replicate.delivery',
  DOWNLOAD_MAX_BYTES: 500 * 1024 * 1024,
  MAX_JOBS_PER_USER: 2,
  MAX_QUEUED_PER_USER: 5,
  MAX_JOBS_TOTAL: 8,
  MAX_CHAIN: 5,
  CATALOG_TTL_SECONDS: 3600,
  DAILY_VIDEOS_PER_USER: 20,
  DISCORD_API_URL: 'https://discord.com/api',
  SLACK_API_URL: 'https://slack.com/api/',
  OPENAI_MODEL: 'gpt-4o-mini',
  RENDER_WORKER: 'lazy' as 'lazy' | 'eager',
  RENDER_IDLE_SECONDS: 300,
  MODERATION_FAIL: 'closed' as 'open' | 'closed',
  MODERATION_NSFW_CATEGORIES: 'sexual',
  MODERATION_TIMEOUT_SECONDS: 5,
} satisfies Record<string, string | number>;

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
const url = (hint: string) =>
  z
    .string()
    .trim()
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
      message: `must be an http(s) URL, ${hint}`,
    });
const positiveInt = (hint: string) =>
  z.coerce
    .number({ message: `must be a whole number, ${hint}` })
    .int(`must be a whole number, ${hint}`)
    .positive(`must be above 0, ${hint}`);

const envSchema = z.object({
  DATA_DIR: z.string().trim().min(1).default(configDefaults.DATA_DIR),
  PORT: z.coerce
    .number({ message: 'must be a port number such as 3000' })
    .int('must be a port number such as 3000')
    .min(0, 'must be a port number such as 3000')
    .max(65535, 'must be a port number such as 3000')
    .default(configDefaults.PORT),
  PUBLIC_URL: url('for example https://reelbot.example.com').optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  REPLICATE_API_TOKEN: optionalText,
  REPLICATE_API_URL: url('for example https://api.replicate.com/v1').default(
    configDefaults.REPLICATE_API_URL,
  ),
  REPLICATE_WEBHOOK_SECRET: z
    .string()
    .trim()
    .regex(
      /^whsec_[A-Za-z0-9+/=]+$/,
      'must look like whsec_<base64>, as shown by GET /v1/webhooks/default/secret',
    )
    .optional(),
  REPLICATE_POLL_SECONDS: positiveInt('such as 5, or 30 with webhooks on').default(
    configDefaults.REPLICATE_POLL_SECONDS,
  ),
  DOWNLOAD_ALLOWED_HOSTS: z.string().default(configDefaults.DOWNLOAD_ALLOWED_HOSTS),
  DOWNLOAD_MAX_BYTES: positiveInt('a size in bytes such as 524288000').default(
    configDefaults.DOWNLOAD_MAX_BYTES,
  ),
  MAX_JOBS_PER_USER: positiveInt('such as 2').default(configDefaults.MAX_JOBS_PER_USER),
  MAX_QUEUED_PER_USER: z.coerce
    .number({ message: 'must be a whole number, such as 5 (0 refuses instead of queueing)' })
    .int('must be a whole number, such as 5 (0 refuses instead of queueing)')
    .min(0, 'must be 0 or more, such as 5 (0 refuses instead of queueing)')
    .default(configDefaults.MAX_QUEUED_PER_USER),
  MAX_JOBS_TOTAL: positiveInt('such as 8').default(configDefaults.MAX_JOBS_TOTAL),
  MAX_CHAIN: positiveInt('such as 5').default(configDefaults.MAX_CHAIN),
  DEFAULT_IMAGE_MODEL: optionalText,
  CATALOG_TTL_SECONDS: positiveInt('such as 3600').default(configDefaults.CATALOG_TTL_SECONDS),
  PRICES_FILE: optionalText,
  DAILY_VIDEOS_PER_USER: z.coerce
    .number({ message: 'must be a whole number, such as 20 (0 for no limit)' })
    .int('must be a whole number, such as 20 (0 for no limit)')
    .min(0, 'must be 0 or more, such as 20 (0 for no limit)')
    .default(configDefaults.DAILY_VIDEOS_PER_USER),
  DAILY_GPU_SECONDS_PER_SERVER: positiveInt(
    'compute seconds such as 3600 (leave it unset for no limit)',
  ).optional(),
  DAILY_USD_PER_SERVER: z.coerce
    .number({ message: 'must be an amount in US dollars, such as 5 or 2.50' })
    .positive('must be above 0, such as 5 or 2.50 (leave it unset for no limit)')
    .finite('must be an amount in US dollars, such as 5 or 2.50')
    .optional(),
  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: z
    .string()
    .trim()
    .regex(/^\d{5,25}$/, 'must be the numeric Application ID from the Discord developer portal')
    .optional(),
  DISCORD_API_URL: url('for example https://discord.com/api').default(configDefaults.DISCORD_API_URL),
  // Checked by readShardPlan, which reads both together.
  DISCORD_SHARDS: optionalText,
  DISCORD_SHARD_IDS: optionalText,
  SLACK_BOT_TOKEN: z
    .string()
    .trim()
    .regex(/^xoxb-/, 'must be a bot token starting with xoxb-')
    .optional(),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: z
    .string()
    .trim()
    .regex(/^xapp-/, 'must be an app-level token starting with xapp-')
    .optional(),
  SLACK_API_URL: url('for example https://slack.com/api/').default(configDefaults.SLACK_API_URL),
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: url('for example https://api.openai.com/v1').optional(),
  OPENAI_MODEL: z.string().trim().min(1).default(configDefaults.OPENAI_MODEL),
  ADMIN_TOKEN: z
    .string()
    .trim()
    .min(16, 'must be at least 16 characters; generate one with `openssl rand -hex 24`')
    .optional(),
  LINK_SECRET: z
    .string()
    .trim()
    .min(32, 'must be at least 32 characters; generate one with `openssl rand -hex 32`')
    .optional(),
  GALLERY_PUBLIC: z.enum(['true', 'false', '1', '0'], { message: 'must be true or false' }).default('false'),
  BLOCKED_TERMS: optionalText,
  MODERATION_FAIL: z
    .enum(['open', 'closed'], {
      message:
        'must be closed (refuse prompts while OpenAI moderation is unreachable) or open (let them through)',
    })
    .default(configDefaults.MODERATION_FAIL),
  MODERATION_NSFW_CATEGORIES: z.string().trim().default(configDefaults.MODERATION_NSFW_CATEGORIES),
  MODERATION_TIMEOUT_SECONDS: positiveInt('such as 5').default(configDefaults.MODERATION_TIMEOUT_SECONDS),
  ALLOWED_MODELS: z
    .string()
    .trim()
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    )
    .refine(
      (entries) => entries.every((entry) => /^(?:[\w.-]+\/[\w.-]+|collection:[\w-]+)$/.test(entry)),
      'must be a comma list of owner/name or collection:SLUG, such as collection:text-to-video,minimax/video-01',
    )
    .optional(),
  DISPLAY: optionalText,
  RENDER_WORKER: z
    .enum(['lazy', 'eager'], {
      message: 'must be lazy (start at the first simulation, stop when idle) or eager (always up)',
    })
    .default(configDefaults.RENDER_WORKER),
  RENDER_IDLE_SECONDS: positiveInt('such as 300').default(configDefaults.RENDER_IDLE_SECONDS),
  S3_BUCKET: optionalText,
  S3_ENDPOINT: url('for example http://minio:9000 or https://<account>.r2.cloudflarestorage.com').optional(),
  S3_REGION: optionalText,
  S3_ACCESS_KEY_ID: optionalText,
  S3_SECRET_ACCESS_KEY: optionalText,
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false', '1', '0'], { message: 'must be true or false' }).optional(),
  REDIS_URL: z
    .string()
    .trim()
    .refine((value) => URL.canParse(value) && /^rediss?:$/.test(new URL(value).protocol), {
      message: 'must be a redis:// or rediss:// URL, for example redis://127.0.0.1:6379',
    })
    .optional(),
  DATABASE_URL: z
    .string()
    .trim()
    .refine((value) => URL.canParse(value) && /^postgres(ql)?:$/.test(new URL(value).protocol), {
      message:
        'must be a postgres:// URL, for example postgres://reelbot:secret@127.0.0.1:5432/reelbot (unset it to keep SQLite)',
    })
    .optional(),
});

/** The variables that together name a bucket; all or none must be set (S3_ENDPOINT may be left out for AWS). */
const s3Required = ['S3_BUCKET', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;

/** What is missing from a half-configured bucket, in one sentence; nothing when S3 is off or complete. */
function s3Problems(set: Partial<Record<string, string>>): string[] {
  const given = Object.keys(set).filter((name) => name.startsWith('S3_'));
  if (given.length === 0) return [];
  const missing = s3Required.filter((name) => !set[name]);
  if (missing.length === 0) return [];
  return [
    `${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: media in S3 needs the bucket, its region (auto for R2) and an access key pair; unset every S3_ variable to keep media in DATA_DIR/media`,
  ];
}

/**
 * Reads and validates the environment. Throws one {@link ConfigError} that lists every missing or
 * malformed variable, so a person fixes them all in one go.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "unset": people write `DISCORD_TOKEN=` in .env files to switch things off.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.')} ${issue.message}`);
    }
  }
  // Pairs are checked on what is set, even when a value is malformed, so one run shows everything.
  const set = cleaned as Partial<Record<string, string>>;
  if (set.DISCORD_TOKEN && !set.DISCORD_APPLICATION_ID)
    problems.push(
      'DISCORD_TOKEN is set but DISCORD_APPLICATION_ID is missing: copy it from the General Information page of your Discord application',
    );
  if (!set.DISCORD_TOKEN && set.DISCORD_APPLICATION_ID)
    problems.push(
      'DISCORD_APPLICATION_ID is set but DISCORD_TOKEN is missing: reset and copy the token on the Bot page of your Discord application',
    );
  if (set.SLACK_BOT_TOKEN && !set.SLACK_SIGNING_SECRET && !set.SLACK_APP_TOKEN)
    problems.push(
      'SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode) is: copy one from your Slack app settings',
    );
  if (!set.SLACK_BOT_TOKEN && (set.SLACK_SIGNING_SECRET || set.SLACK_APP_TOKEN))
    problems.push(
      'SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is missing: install the app to your workspace and copy the xoxb- token',
    );
  const shards = readShardPlan(set.DISCORD_SHARDS, set.DISCORD_SHARD_IDS, problems);
  // Read from the raw value, not the parsed one, so a bad host is named beside every other problem.
  const allowedHosts = (set.DOWNLOAD_ALLOWED_HOSTS ?? configDefaults.DOWNLOAD_ALLOWED_HOSTS)
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean);
  for (const host of allowedHosts) {
    if (!/^(\*\.)?[a-z0-9.-]+(:\d+)?$/.test(host))
      problems.push(
        `DOWNLOAD_ALLOWED_HOSTS has "${host}", which is not a host name; write e.g. replicate.delivery,*.replicate.delivery`,
      );
  }
  problems.push(...s3Problems(set));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;

  return {
    dataDir: path.resolve(e.DATA_DIR),
    port: e.PORT,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    replicate: {
      token: e.REPLICATE_API_TOKEN,
      apiUrl: e.REPLICATE_API_URL.replace(/\/+$/, ''),
      webhookSecret: e.REPLICATE_WEBHOOK_SECRET,
      pollMaxMs: e.REPLICATE_POLL_SECONDS * 1000,
    },
    download: { allowedHosts, maxBytes: e.DOWNLOAD_MAX_BYTES },
    limits: {
      perUser: e.MAX_JOBS_PER_USER,
      queuedPerUser: e.MAX_QUEUED_PER_USER,
      total: e.MAX_JOBS_TOTAL,
    },
    catalogTtlMs: e.CATALOG_TTL_SECONDS * 1000,
    chains: { maxParts: e.MAX_CHAIN, defaultImageModel: e.DEFAULT_IMAGE_MODEL },
    spend: {
      pricesFile: e.PRICES_FILE ? path.resolve(e.PRICES_FILE) : undefined,
      dailyVideosPerUser: e.DAILY_VIDEOS_PER_USER,
      dailyGpuSecondsPerServer: e.DAILY_GPU_SECONDS_PER_SERVER,
      dailyUsdPerServer: e.DAILY_USD_PER_SERVER,
    },
    discord:
      e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID
        ? {
            token: e.DISCORD_TOKEN,
            applicationId: e.DISCORD_APPLICATION_ID,
            apiUrl: e.DISCORD_API_URL.replace(/\/+$/, ''),
            ...(shards ? { shards } : {}),
          }
        : undefined,
    slack: e.SLACK_BOT_TOKEN
      ? {
          botToken: e.SLACK_BOT_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET,
          appToken: e.SLACK_APP_TOKEN,
          apiUrl: e.SLACK_API_URL,
        }
      : undefined,
    openai: e.OPENAI_API_KEY
      ? { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, model: e.OPENAI_MODEL }
      : undefined,
    adminToken: e.ADMIN_TOKEN,
    gallery: { linkSecret: e.LINK_SECRET, public: e.GALLERY_PUBLIC === 'true' || e.GALLERY_PUBLIC === '1' },
    moderation: {
      blockedTerms: (e.BLOCKED_TERMS ?? '')
        .split(',')
        .map((term) => term.trim())
        .filter((term) => term !== ''),
      fail: e.MODERATION_FAIL,
      nsfwCategories: e.MODERATION_NSFW_CATEGORIES.split(',')
        .map((category) => category.trim().toLowerCase())
        .filter((category) => category !== ''),
      timeoutMs: e.MODERATION_TIMEOUT_SECONDS * 1000,
    },
    allowedModels:
      e.ALLOWED_MODELS && e.ALLOWED_MODELS.length > 0
        ? e.ALLOWED_MODELS
        : ['collection:text-to-video', 'collection:image-to-video'],
    display: e.DISPLAY,
    renderWorker: { mode: e.RENDER_WORKER, idleMs: e.RENDER_IDLE_SECONDS * 1000 },
    s3:
      e.S3_BUCKET && e.S3_REGION && e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
        ? {
            bucket: e.S3_BUCKET,
            endpoint: e.S3_ENDPOINT?.replace(/\/+$/, ''),
            region: e.S3_REGION,
            accessKeyId: e.S3_ACCESS_KEY_ID,
            secretAccessKey: e.S3_SECRET_ACCESS_KEY,
            forcePathStyle: e.S3_FORCE_PATH_STYLE
              ? e.S3_FORCE_PATH_STYLE === 'true' || e.S3_FORCE_PATH_STYLE === '1'
              : e.S3_ENDPOINT !== undefined,
          }
        : undefined,
    redis: e.REDIS_URL ? { url: e.REDIS_URL } : undefined,
    database: e.DATABASE_URL ? { url: e.DATABASE_URL } : undefined,
  };
}

/**
 * The environment for a child process: `defaults` under this process's own, with `overrides` on
 * top. The simulation renderer runs in a child whose DISPLAY names the Xvfb it started; setting
 * DISPLAY here instead would change it for the whole process, and headless-gl binds to one display
 * per process for good.
 */
export function childEnvironment(
  overrides: Record<string, string>,
  env: NodeJS.ProcessEnv = process.env,
  defaults: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return { ...defaults, ...env, ...overrides };
}
