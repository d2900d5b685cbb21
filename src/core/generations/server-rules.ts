import { type BlockedTerms, createBlockedTerms } from '../blocked-terms.js';
import type { Config } from '../config.js';
import { ReelbotError } from '../errors.js';
import type { Catalog } from '../replicate/catalog.js';
import type {
  ServerSettings,
  ServerSettingsStore,
  SettingKey,
  SettingsActor,
  SettingsAuditEntry,
  SettingsPlace,
} from './server-settings.js';
import { createLimitsFor, type LimitsFor } from './spend/limits.js';

/** The fields of a requester the rules read: where the request comes from. */
export interface RuleSubject {
  platform: string;
  workspaceId?: string;
  channelId?: string;
}

/** Everything a server's own settings decide, with the environment's defaults beneath them. */
export interface ServerRules {
  /** The server's own settings (cached; `{}` outside a server). */
  settings(subject: RuleSubject): Promise<ServerSettings>;
  /** The daily quotas: `config.spend` with the server's own on top. */
  limitsFor: LimitsFor;
  /** The blocked terms of the server, BLOCKED_TERMS when it set none. */
  blockedTerms(subject: RuleSubject): Promise<BlockedTerms>;
  /** The allow-list entries in force: the server's, or ALLOWED_MODELS. */
  allowedEntries(subject: RuleSubject): Promise<string[]>;
  /** A test of which models may run here; the command line (the operator) may run any. */
  allows(subject: RuleSubject): Promise<(ref: string) => boolean>;
  /** Refuses a model outside the allow-list with `MODEL_NOT_ALLOWED`. */
  assertModelAllowed(subject: RuleSubject, ref: string): Promise<void>;
  /** Refuses a request from a channel the server did not open to the bot (`CHANNEL_NOT_ALLOWED`). */
  assertChannelAllowed(subject: RuleSubject): Promise<void>;
  /** What a server that set nothing gets: the environment's values. */
  defaults(): Required<ServerSettings>;
  /** Changes one setting (one transaction with its audit row) and forgets the cached settings. */
  change(
    place: SettingsPlace,
    key: SettingKey,
    value: unknown,
    actor: SettingsActor,
  ): Promise<{ oldValue: unknown; newValue: unknown }>;
  listAudit(place?: SettingsPlace, limit?: number): Promise<SettingsAuditEntry[]>;
}

/** What the rules are built from. */
export interface ServerRulesDeps {
  /** `allowedModels` matters only with a catalog. */
  config: Pick<Config, 'spend' | 'moderation'> & Partial<Pick<Config, 'allowedModels'>>;
  /** The store's settings; without it every server keeps the environment's defaults. */
  store?: ServerSettingsStore;
  /**
   * Resolves `collection:SLUG` entries. Without it no allow-list is enforced (a service built
   * without the runtime, as unit tests build it).
   */
  catalog?: Pick<Catalog, 'listModels'>;
  clock?: () => number;
  /** How long a server's settings are reused before being read again (default 5 s). */
  ttlMs?: number;
}

/** The server a subject belongs to, if any: Discord DMs and the command line have none. */
export function settingsPlaceOf(subject: RuleSubject): SettingsPlace | undefined {
  if ((subject.platform !== 'discord' && subject.platform !== 'slack') || !subject.workspaceId)
    return undefined;
  return { platform: subject.platform, workspaceId: subject.workspaceId };
}

const maxListedChars = 300;

/** The allow-list as a refusal shows it, cut short when long. */
function listedEntries(entries: string[]): string {
  const text = entries.join(', ');
  if (text.length <= maxListedChars) return text;
  const cut = text.slice(0, maxListedChars);
  return `${cut.slice(0, cut.lastIndexOf(', '))}, and more`;
}

/** The refusal of a model outside the allow-list, naming the ones allowed. */
export function modelNotAllowed(ref: string, entries: string[]): ReelbotError {
  const allowed = entries.map((entry) => entry.replace(/^collection:/, 'the collection '));
  return new ReelbotError('MODEL_NOT_ALLOWED', `model ${ref} is not on the allow-list`, {
    userMessage: `The model ${ref} is not allowed here. Allowed: ${listedEntries(allowed)}.`,
    context: { model: ref },
  });
}

/**
 * Builds the rules with a per-server cache: a lookup is one store read per server every `ttlMs`
 * (other processes may change settings; they are seen within that time), and a change made here
 * is seen at once.
 */
export function createServerRules(deps: ServerRulesDeps): ServerRules {
  const { config } = deps;
  const clock = deps.clock ?? Date.now;
  const ttlMs = deps.ttlMs ?? 5_000;
  const cache = new Map<string, { at: number; settings: Promise<ServerSettings> }>();
  const matchers = new Map<string, BlockedTerms>();
  const envTerms = createBlockedTerms(config.moderation.blockedTerms);

  function settings(subject: RuleSubject): Promise<ServerSettings> {
    const place = settingsPlaceOf(subject);
    if (!place || !deps.store) return Promise.resolve({});
    const key = `${place.platform}:${place.workspaceId}`;
    const cached = cache.get(key);
    if (cached && clock() - cached.at < ttlMs) return cached.settings;
    const read = deps.store.get(place);
    cache.set(key, { at: clock(), settings: read });
    // A failed read is not kept: the next lookup asks again.
    read.catch(() => cache.get(key)?.settings === read && cache.delete(key));
    return read;
  }

  async function allowedEntries(subject: RuleSubject): Promise<string[]> {
    return (await settings(subject)).allowedModels ?? config.allowedModels ?? [];
  }

  async function allows(subject: RuleSubject): Promise<(ref: string) => boolean> {
    if (subject.platform === 'cli' || !deps.catalog) return () => true;
    const entries = await allowedEntries(subject);
    const refs = new Set(entries.filter((entry) => !entry.startsWith('collection:')));
    const catalog = deps.catalog;
    const lists = await Promise.all(
      entries
        .filter((entry) => entry.startsWith('collection:'))
        .map((entry) =>
          catalog
            .listModels(entry.slice('collection:'.length) as Parameters<typeof catalog.listModels>[0])
            // A collection reelbot does not read allows nothing.
            .catch(() => []),
        ),
    );
    for (const models of lists) for (const model of models) refs.add(model.ref);
    return (ref) => refs.has(ref.split(':')[0]!);
  }

  return {
    settings,
    limitsFor: createLimitsFor(config.spend, async (place) => {
      const own = await settings(place);
      return {
        ...(own.dailyVideosPerUser === undefined ? {} : { videosPerUser: own.dailyVideosPerUser }),
        ...(own.dailyGpuSecondsPerServer === undefined
          ? {}
          : { gpuSecondsPerServer: own.dailyGpuSecondsPerServer }),
        ...(own.dailyUsdPerServer === undefined ? {} : { usdPerServer: own.dailyUsdPerServer }),
      };
    }),
    async blockedTerms(subject) {
      const terms = (await settings(subject)).blockedTerms;
      if (terms === undefined) return envTerms;
      const key = JSON.stringify(terms);
      let matcher = matchers.get(key);
      if (!matcher) {
        matcher = createBlockedTerms(terms);
        matchers.set(key, matcher);
      }
      return matcher;
    },
    allowedEntries,
    allows,
    defaults: () => ({
      dailyVideosPerUser: config.spend.dailyVideosPerUser,
      dailyGpuSecondsPerServer: config.spend.dailyGpuSecondsPerServer ?? null,
      dailyUsdPerServer: config.spend.dailyUsdPerServer ?? null,
      allowedModels: config.allowedModels ?? [],
      channels: [],
      maxJobs: 0,
      blockedTerms: config.moderation.blockedTerms,
    }),
    async assertModelAllowed(subject, ref) {
      if (!(await allows(subject))(ref)) throw modelNotAllowed(ref, await allowedEntries(subject));
    },
    async assertChannelAllowed(subject) {
      const channels = (await settings(subject)).channels ?? [];
      // A Slack direct message (D…) is the person's own, as a Discord DM (which has no server) is.
      const direct = subject.platform === 'slack' && subject.channelId?.startsWith('D');
      if (channels.length === 0 || !subject.channelId || direct || channels.includes(subject.channelId))
        return;
      throw new ReelbotError('CHANNEL_NOT_ALLOWED', `channel ${subject.channelId} is not open to the bot`, {
        userMessage: `reelbot answers in ${channels.map((id) => `<#${id}>`).join(', ')} here.`,
        context: { channelId: subject.channelId },
      });
    },
    async change(place, key, value, actor) {
      if (!deps.store) throw new Error('server settings need the store');
      try {
        return await deps.store.change(place, key, value, actor);
      } finally {
        cache.delete(`${place.platform}:${place.workspaceId}`);
      }
    },
    async listAudit(place, limit) {
      return deps.store ? deps.store.listAudit(place, limit) : [];
    },
  };
}
