import type { ApplicationCommandOptionChoiceData, AutocompleteInteraction } from 'discord.js';
import { codeOf } from '../../core/errors.js';
import { truncate } from '../../core/forms/text.js';
import type { CatalogModel } from '../../core/replicate/catalog.js';
import { within } from '../../core/timers.js';
import type { BotContext } from './context.js';

const maxChoices = 25;
const choiceMax = 100;
const refPattern = /^[\w.-]+\/[\w.-]+$/;

/** Choices for a typed text: the catalog's best matches, and the text itself when it is a ref. */
export function modelChoices(
  typed: string,
  models: CatalogModel[],
): ApplicationCommandOptionChoiceData<string>[] {
  const choices = models
    .filter((model) => model.ref.length <= choiceMax)
    .map((model) => ({
      name: truncate(
        model.description ? `${model.ref} · ${model.description.replace(/\s+/g, ' ')}` : model.ref,
        choiceMax,
      ),
      value: model.ref,
    }));
  const text = typed.trim();
  if (refPattern.test(text) && text.length <= choiceMax && !choices.some((choice) => choice.value === text))
    choices.unshift({ name: text, value: text });
  return choices.slice(0, maxChoices);
}

/**
 * Answers model autocomplete from the cached catalog. Discord drops answers after 3 s, so a slow
 * Replicate gets `lookupTimeoutMs` and then the answer goes out with what is known.
 */
export async function handleAutocomplete(
  interaction: AutocompleteInteraction,
  ctx: BotContext,
): Promise<void> {
  const focused = interaction.options.getFocused(true);
  // `model` on /video and /animate; model1 to model4 on /compare.
  if (!/^model\d?$/.test(focused.name)) {
    await interaction.respond([]);
    return;
  }
  const collection = interaction.commandName === 'animate' ? 'image-to-video' : undefined;
  let models: CatalogModel[] = [];
  // Only what the server allows is offered; typed refs outside it are not echoed back either.
  const allowed =
    (await ctx.rules?.allows({
      platform: 'discord',
      workspaceId: interaction.guildId ?? undefined,
    })) ?? (() => true);
  try {
    models =
      (await within(
        ctx.catalog.search(focused.value, {
          collection,
          limit: maxChoices,
          timeoutMs: ctx.lookupTimeoutMs - 200,
        }),
        ctx.lookupTimeoutMs,
        ctx.timers,
      )) ?? [];
  } catch (error) {
    ctx.logger.warn(
      { err: error, code: codeOf(error) },
      'autocomplete search failed; answering without the catalog',
    );
  }
  await interaction.respond(
    modelChoices(
      focused.value,
      models.filter((model) => allowed(model.ref)),
    ).filter((choice) => allowed(choice.value)),
  );
}
