import { discordModalLimits } from './limits.js';

/** What a reelbot form custom_id asks for: submit a modal page, open a page, or generate. */
export type DiscordFormStep =
  | { step: 'page'; page: number }
  | { step: 'more'; page: number }
  | { step: 'go' };

/** FNV-1a, 32 bit: a short stable tag for names too long to be a custom_id. */
function tag(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * The custom_id of the component of one field: the field name, or for names over Discord's 100
 * characters a cut name with a tag (`parseDiscordModalSubmit` maps it back when given the fields).
 */
export function discordComponentId(fieldName: string): string {
  if (fieldName.length <= discordModalLimits.customId) return fieldName;
  return `${fieldName.slice(0, discordModalLimits.customId - 9)}~${tag(fieldName)}`;
}

function checked(customId: string): string {
  if (customId.length > discordModalLimits.customId)
    throw new RangeError(
      `custom_id "${customId.slice(0, 40)}…" is ${customId.length} characters; Discord allows ${discordModalLimits.customId}: use a shorter prefix`,
    );
  return customId;
}

/** The modal custom_id of page `page` (0-based). */
export function discordModalCustomId(prefix: string, page: number): string {
  return checked(`${prefix}:page:${page}`);
}

/** The custom_id of the "More options" button that opens page `page`. */
export function discordMoreOptionsCustomId(prefix: string, page: number): string {
  return checked(`${prefix}:more:${page}`);
}

/** The custom_id of the "Generate now" button. */
export function discordGenerateCustomId(prefix: string): string {
  return checked(`${prefix}:go`);
}

/** Reads a custom_id made by the functions above; undefined when it is not one of this prefix. */
export function parseDiscordFormCustomId(customId: string, prefix: string): DiscordFormStep | undefined {
  if (!customId.startsWith(`${prefix}:`)) return undefined;
  const rest = customId.slice(prefix.length + 1);
  if (rest === 'go') return { step: 'go' };
  const match = /^(page|more):(\d+)$/.exec(rest);
  if (!match) return undefined;
  return { step: match[1] as 'page' | 'more', page: Number(match[2]) };
}
