import type { FormPlan } from '../../../core/forms/plan.js';
import { discordGenerateCustomId, discordMoreOptionsCustomId } from './custom-id.js';
import type { DiscordButton, DiscordFormStepMessage } from './types.js';

export interface DiscordFormStepOptions {
  customIdPrefix: string;
  plan: FormPlan;
  /** The page just submitted (0-based). */
  submittedPage: number;
  /** Field names already answered on earlier pages, to tell whether "Generate now" may run. */
  answered?: Iterable<string>;
}

/**
 * The ephemeral message shown after a modal page is submitted while more pages exist: a
 * "More options" button that opens the next page and a "Generate now" button. "Generate now" is
 * disabled while a required field on a later page is still unanswered. Returns undefined after the
 * last page: the bot generates at once.
 */
export function buildDiscordFormStepMessage(
  options: DiscordFormStepOptions,
): DiscordFormStepMessage | undefined {
  const { plan, submittedPage, customIdPrefix } = options;
  const next = submittedPage + 1;
  if (next >= plan.pages.length) return undefined;
  const answered = new Set(options.answered ?? []);
  const missing = plan.pages
    .slice(next)
    .flatMap((page) => page.fields)
    .filter((planned) => planned.required && !answered.has(planned.field.name));
  const more: DiscordButton = {
    type: 2,
    style: missing.length > 0 ? 1 : 2,
    label: `More options (${next + 1}/${plan.pages.length})`,
    custom_id: discordMoreOptionsCustomId(customIdPrefix, next),
  };
  const generate: DiscordButton = {
    type: 2,
    style: 3,
    label: 'Generate now',
    custom_id: discordGenerateCustomId(customIdPrefix),
  };
  if (missing.length > 0) generate.disabled = true;
  const content =
    missing.length > 0
      ? `Still needed: ${missing.map((planned) => planned.label).join(', ')}. Open the next page to fill ${missing.length === 1 ? 'it' : 'them'}.`
      : 'Ready. Generate now with the defaults for everything else, or set more options first.';
  return { content, flags: 64, components: [{ type: 1, components: [more, generate] }] };
}
