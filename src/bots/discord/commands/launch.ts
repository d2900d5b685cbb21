import type { ChatInputCommandInteraction, MessageContextMenuCommandInteraction } from 'discord.js';
import { UpstreamError, ValidationError } from '../../../core/errors.js';
import type { CatalogModelWithFields } from '../../../core/replicate/catalog.js';
import type { RawValue } from '../../../core/replicate/coerce.js';
import { imageFields, promptField } from '../../../core/replicate/schema.js';
import { within } from '../../../core/timers.js';
import type { BotContext } from '../context.js';
import { attachmentInput, type DiscordImage, openFormPage, startFromDraft } from '../form-flow.js';
import { startModelGeneration } from '../generation-start.js';
import { startGroup } from '../group-start.js';

/** What `/video`, `/animate` and the "Animate this image" message command ask for. */
export interface LaunchRequest {
  model: string;
  prompt?: string;
  image?: DiscordImage | null;
  /** Open the form even when nothing is missing. */
  advanced: boolean;
  /** A batch: that many clips of the same values, each with its own seed (`/video count:`). */
  count?: number;
  /** What is left of the time to look the model up; `lookupTimeoutMs` by default. */
  lookupMs?: number;
}

/** Required inputs that have no default and were not given. */
function missingRequired(
  model: CatalogModelWithFields,
  values: Record<string, RawValue>,
  withImages: Set<string>,
) {
  return model.fields.filter(
    (field) =>
      field.required &&
      field.default === undefined &&
      !withImages.has(field.name) &&
      (values[field.name] === undefined || values[field.name] === ''),
  );
}

/**
 * Starts a model with the model's defaults, or opens its form when `advanced` is set or a required
 * input is missing. The model is looked up within Discord's 3 s (a modal must be the first answer);
 * when Replicate is too slow for that, the generation starts and the service reports what is missing.
 */
export async function launchModel(
  interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction,
  ctx: BotContext,
  request: LaunchRequest,
): Promise<void> {
  const requester = {
    platform: 'discord' as const,
    workspaceId: interaction.guildId ?? undefined,
    userId: interaction.user.id,
  };
  // Before any form and before Replicate is asked about it: a model the server does not allow.
  await ctx.rules?.assertModelAllowed(requester, request.model);
  // Before any form: a person past a daily quota is told now, not after filling it in.
  // A batch counts each of its clips.
  await ctx.service.checkQuota(requester, request.count ?? 1);
  const lookupMs = request.lookupMs ?? ctx.lookupTimeoutMs;
  const model = await within(ctx.catalog.getModel(request.model), lookupMs, ctx.timers);
  if (!model) {
    if (request.advanced)
      throw new UpstreamError(`Replicate took longer than ${lookupMs} ms to describe ${request.model}`);
    const started = {
      model: request.model,
      values: request.prompt ? { prompt: request.prompt } : {},
      attachments: request.image ? [attachmentInput(request.image)] : [],
    };
    if ((request.count ?? 1) > 1)
      await startGroup(interaction, ctx, {
        kind: 'batch',
        models: [started.model],
        count: request.count,
        values: started.values,
        attachments: started.attachments,
      });
    else await startModelGeneration(interaction, ctx, started);
    return;
  }

  const values: Record<string, RawValue> = {};
  const prompt = promptField(model.fields);
  if (request.prompt) values[prompt?.name ?? 'prompt'] = request.prompt;
  const attachments: Record<string, ReturnType<typeof attachmentInput>[]> = {};
  if (request.image) {
    const field = imageFields(model.fields)[0];
    if (!field)
      throw new ValidationError([
        {
          field: 'image',
          message: `${model.model.ref} makes videos from text only and takes no image: leave the image out, or pick an image-to-video model`,
        },
      ]);
    attachments[field.name] = [attachmentInput(request.image, field.name)];
  }
  const draft = ctx.drafts.create({
    userId: interaction.user.id,
    model,
    values,
    attachments,
    ...(request.count && request.count > 1 ? { count: request.count } : {}),
  });
  const missing = missingRequired(model, values, new Set(Object.keys(attachments)));
  // A model that takes no input (andreasjansson/plasma) has no form to show: it starts at once.
  if (model.fields.length > 0 && (request.advanced || missing.length > 0)) {
    await openFormPage(interaction, draft, 0);
    return;
  }
  await startFromDraft(interaction, ctx, draft);
}
