import { type ServerSettings, type SettingKey, settingInvalid, settingKeys } from './server-settings.js';

const modelEntry = /^(?:[\w.-]+\/[\w.-]+|collection:[\w-]+)$/;

/** Reads a comma list: blank entries dropped, each trimmed. */
function list(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function count(key: SettingKey, text: string): number {
  const n = Number(text.trim());
  if (!Number.isInteger(n) || n < 0) throw settingInvalid(key, 'give a whole number, 0 or more');
  return n;
}

/** A budget: a non-negative number, or "none"/"off" to lift the limit. */
function budget(key: SettingKey, text: string): number | null {
  if (/^(none|off|unlimited)$/i.test(text.trim())) return null;
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n) || n < 0)
    throw settingInvalid(key, 'give a number, 0 or more, or "none"');
  return n;
}

/**
 * Reads a value typed in chat for `key`: numbers for quotas, comma lists for models, channels and
 * terms. Channel mentions (`<#123>`, Slack's `<#C1|name>`) are read as their id.
 */
export function parseSettingValue(key: SettingKey, text: string): ServerSettings[SettingKey] {
  switch (key) {
    case 'dailyVideosPerUser':
    case 'maxJobs':
      return count(key, text);
    case 'dailyGpuSecondsPerServer':
    case 'dailyUsdPerServer':
      return budget(key, text);
    case 'allowedModels': {
      const entries = list(text);
      const wrong = entries.find((entry) => !modelEntry.test(entry));
      if (wrong !== undefined)
        throw settingInvalid(key, `"${wrong}" is neither owner/name nor collection:SLUG`);
      if (entries.length === 0) throw settingInvalid(key, 'name at least one model or collection');
      return entries;
    }
    case 'channels':
      return list(text).map((entry) => entry.replace(/^<#(\w+)(?:\|[^>]*)?>$/, '$1').replace(/^#/, ''));
    case 'blockedTerms':
      return list(text);
  }
}

/** A setting's value as `/settings show` prints it. */
export function settingValueText(key: SettingKey, value: unknown): string {
  if (value === undefined) return 'default';
  if (value === null) return 'no limit';
  if (Array.isArray(value)) {
    if (value.length === 0) return key === 'channels' ? 'every channel' : 'none';
    return key === 'channels' ? value.map((id) => `<#${id}>`).join(', ') : value.join(', ');
  }
  if (value === 0 && (key === 'dailyVideosPerUser' || key === 'maxJobs')) return 'no limit';
  return String(value);
}

/** What each setting is, in the words `/settings show` uses. */
export const settingLabels: Record<SettingKey, string> = {
  dailyVideosPerUser: 'Videos per person per day',
  dailyGpuSecondsPerServer: 'GPU seconds per server per day',
  dailyUsdPerServer: 'US dollars per server per day',
  allowedModels: 'Allowed models',
  channels: 'Channels where reelbot answers',
  maxJobs: 'Most jobs at once',
  blockedTerms: 'Blocked terms',
};

/**
 * The lines of `/settings show`: each setting with the server's own value, or the default it
 * inherits (`defaults`), so an admin sees what is in force.
 */
export function settingsLines(own: ServerSettings, defaults: Required<ServerSettings>): string[] {
  return settingKeys.map((key) => {
    const set = own[key] !== undefined;
    const value = settingValueText(key, set ? own[key] : defaults[key]);
    return `${settingLabels[key]} (\`${key}\`): ${value}${set ? '' : ' (default)'}`;
  });
}
