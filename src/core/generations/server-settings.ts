import { ReelbotError } from '../errors.js';

/**
 * What a server's admins may set for their own server (Discord `/settings`, Slack `/reelbot
 * settings`). A key left out keeps the environment's default.
 */
export interface ServerSettings {
  /** Replicate videos per person per UTC day; 0 lifts the limit. */
  dailyVideosPerUser?: number;
  /** Replicate compute seconds per UTC day for the whole server; null lifts the limit. */
  dailyGpuSecondsPerServer?: number | null;
  /** Estimated US dollars per UTC day for the whole server; null lifts the limit. */
  dailyUsdPerServer?: number | null;
  /** `owner/name` or `collection:SLUG` entries; replaces ALLOWED_MODELS for this server. */
  allowedModels?: string[];
  /** Channel ids where the bot answers; empty means every channel. */
  channels?: string[];
  /** Generations of the server running or waiting at once; 0 means no limit of its own. */
  maxJobs?: number;
  /** Words no prompt may use here; replaces BLOCKED_TERMS for this server. */
  blockedTerms?: string[];
}

/** The keys of {@link ServerSettings}, in the order `/settings show` lists them. */
export const settingKeys = [
  'dailyVideosPerUser',
  'dailyGpuSecondsPerServer',
  'dailyUsdPerServer',
  'allowedModels',
  'channels',
  'maxJobs',
  'blockedTerms',
] as const satisfies readonly (keyof ServerSettings)[];

export type SettingKey = (typeof settingKeys)[number];

/** A server: a Discord guild or a Slack workspace. Settings belong to one. */
export interface SettingsPlace {
  platform: 'discord' | 'slack';
  workspaceId: string;
}

/** Who changed a setting, as the platform names them. */
export interface SettingsActor {
  userId: string;
  userName?: string;
}

/** One change of one setting, as the audit log keeps it. `undefined` values mean "not set". */
export interface SettingsAuditEntry {
  id: number;
  platform: string;
  workspaceId: string;
  key: string;
  oldValue: unknown;
  newValue: unknown;
  userId: string;
  userName?: string;
  /** Milliseconds since the epoch. */
  at: number;
}

/**
 * The port the store implements: each server's settings, and the audit log of every change.
 * `change` writes the setting and its audit row in one transaction; `value` undefined resets the
 * key to the environment's default.
 */
export interface ServerSettingsStore {
  get(place: SettingsPlace): Promise<ServerSettings>;
  change(
    place: SettingsPlace,
    key: SettingKey,
    value: unknown,
    actor: SettingsActor,
  ): Promise<{ oldValue: unknown; newValue: unknown }>;
  /** The newest changes first, of one server or of all; at most `limit` (default 50). */
  listAudit(place?: SettingsPlace, limit?: number): Promise<SettingsAuditEntry[]>;
}

/** Whether `key` names a setting (for rows and chat input read back as text). */
export function isSettingKey(key: string): key is SettingKey {
  return (settingKeys as readonly string[]).includes(key);
}

/** The refusal of a setting value that does not fit its key. */
export function settingInvalid(key: string, detail: string): ReelbotError {
  return new ReelbotError('SETTING_INVALID', `setting ${key}: ${detail}`, {
    userMessage: `That value does not fit ${key}: ${detail}.`,
    context: { key },
  });
}
