import { type ChatInputCommandInteraction, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { ReelbotError } from '../../../core/errors.js';
import { truncate } from '../../../core/forms/text.js';
import {
  parseSettingValue,
  settingLabels,
  settingsLines,
  settingValueText,
} from '../../../core/generations/server-setting-values.js';
import { isSettingKey } from '../../../core/generations/server-settings.js';
import type { BotContext } from '../context.js';

function refused(message: string, code = 'SETTINGS_FORBIDDEN'): ReelbotError {
  return new ReelbotError(code, message, { userMessage: message });
}

/**
 * `/settings action:show|set|reset [key] [value]`: a server's own quotas, models, channels, most
 * jobs at once and blocked terms. Registered for Manage Server only (default_member_permissions),
 * and checked again here: a server may have given the command to other roles, and the
 * interaction's own permissions are what Discord vouches for.
 */
export async function runSettingsCommand(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<void> {
  if (!interaction.guildId) throw refused('Settings belong to a server: use /settings in one.');
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild))
    throw refused('Only members who may manage this server can change its reelbot settings.');
  const rules = ctx.rules;
  if (!rules) throw refused('Server settings are not available on this reelbot.', 'SETTINGS_UNAVAILABLE');
  const place = { platform: 'discord' as const, workspaceId: interaction.guildId };
  const action = interaction.options.getString('action', true);
  const keyName = interaction.options.getString('key');
  let content: string;
  if (action === 'show') {
    const own = await rules.settings(place);
    content = `**This server's reelbot settings**\n${settingsLines(own, rules.defaults()).join('\n')}`;
  } else {
    if (!keyName || !isSettingKey(keyName))
      throw refused('Pick the setting to change with `key:`.', 'SETTING_INVALID');
    const actor = {
      userId: interaction.user.id,
      userName: interaction.user.globalName ?? interaction.user.username,
    };
    let value: unknown;
    if (action === 'set') {
      const text = interaction.options.getString('value');
      if (text === null)
        throw refused(`Give the new value of ${keyName} with \`value:\`.`, 'SETTING_INVALID');
      value = parseSettingValue(keyName, text);
    }
    const change = await rules.change(place, keyName, value, actor);
    ctx.logger.info(
      { setting: keyName, guild: interaction.guildId, user: actor.userId },
      'server setting changed',
    );
    const now = value === undefined ? rules.defaults()[keyName] : value;
    content = `${settingLabels[keyName]} is now ${settingValueText(keyName, now)}${value === undefined ? ' (default)' : ''} (was ${settingValueText(keyName, change.oldValue)}).`;
  }
  await interaction.reply({ content: truncate(content, 2000), flags: MessageFlags.Ephemeral });
}
