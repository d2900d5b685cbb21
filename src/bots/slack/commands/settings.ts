import type { webApi } from '@slack/bolt';
import { userMessageOf } from '../../../core/errors.js';
import type { ServerRules } from '../../../core/generations/server-rules.js';
import {
  parseSettingValue,
  settingLabels,
  settingsLines,
  settingValueText,
} from '../../../core/generations/server-setting-values.js';
import { isSettingKey, settingKeys } from '../../../core/generations/server-settings.js';
import type { Logger } from '../../../core/logger.js';
import { isWorkspaceAdmin } from './usage.js';

const usage = `Use \`/reelbot settings show\`, \`/reelbot settings set KEY VALUE\` or \`/reelbot settings reset KEY\`; keys: ${settingKeys.join(', ')}.`;

/**
 * `/reelbot settings [show | set KEY VALUE | reset KEY]`: the workspace's own quotas, models,
 * channels, most jobs at once and blocked terms, for workspace admins and owners only (Slack's
 * users.info says who they are). Every change writes an audit row.
 */
export async function settingsText(
  deps: { rules?: ServerRules; client: webApi.WebClient; logger: Logger },
  command: { user_id: string; user_name?: string; team_id: string; text: string },
): Promise<string> {
  if (!(await isWorkspaceAdmin(deps.client, command.user_id, deps.logger)))
    return 'Only workspace admins and owners can change reelbot settings.';
  const rules = deps.rules;
  if (!rules) return 'Workspace settings are not available on this reelbot.';
  const place = { platform: 'slack' as const, workspaceId: command.team_id };
  // "settings set allowedModels a/b, c/d": the value is everything after the key, as typed.
  const [, action = 'show', key = '', ...rest] = command.text.trim().split(/\s+/);
  if (action.toLowerCase() === 'show')
    return [
      `*This workspace's reelbot settings*`,
      ...settingsLines(await rules.settings(place), rules.defaults()),
    ].join('\n');
  if (!['set', 'reset'].includes(action.toLowerCase()) || !isSettingKey(key)) return usage;
  try {
    const value = action.toLowerCase() === 'set' ? parseSettingValue(key, rest.join(' ')) : undefined;
    const change = await rules.change(place, key, value, {
      userId: command.user_id,
      userName: command.user_name,
    });
    deps.logger.info(
      { setting: key, team: command.team_id, user: command.user_id },
      'workspace setting changed',
    );
    const now = value === undefined ? rules.defaults()[key] : value;
    return `${settingLabels[key]} is now ${settingValueText(key, now)}${value === undefined ? ' (default)' : ''} (was ${settingValueText(key, change.oldValue)}).`;
  } catch (error) {
    return userMessageOf(error);
  }
}
