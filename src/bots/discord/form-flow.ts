import {
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type Attachment,
  type ButtonInteraction,
  ButtonStyle,
  type ChatInputCommandInteraction,
  ComponentType,
  type MessageContextMenuCommandInteraction,
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from 'discord.js';
import { AttachmentError, codeOf, ReelbotError, ValidationError } from '../../core/errors.js';
import { pageOf, withFieldLabels } from '../../core/forms/plan.js';
import type { AttachmentInput } from '../../core/generations/service-types.js';
import { coerceInput, type RawValue } from '../../core/replicate/coerce.js';
import { type Field, imageFields, promptField } from '../../core/replicate/schema.js';
import type { BotContext } from './context.js';
import { buttonId, draftIdOf, formPrefix } from './custom-id.js';
import { draftAttachments, draftInitialValues, type FormDraft } from './drafts.js';
import {
  buildDiscordFormStepMessage,
  buildDiscordModal,
  parseDiscordFormCustomId,
  parseDiscordModalSubmit,
  planDiscordForm,
} from './form/index.js';
import { requesterOf, startModelGeneration } from './generation-start.js';
import { startGroup } from './group-start.js';
import { submittedComponents } from './modal-values.js';
import { describeError, replyPrivately } from './reply.js';

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

/** A form whose draft is gone (older than an hour, or reelbot restarted). */
export class FormExpiredError extends ReelbotError {
  constructor(draftId: string) {
    super('FORM_EXPIRED', `form draft ${draftId} not found`, {
      userMessage: 'This form has expired (or reelbot restarted). Please run the command again.',
    });
  }
}

/**
 * An image somewhere in Discord: an attachment, or an embed's image (which has no name or size of
 * its own, so the caller makes them up).
 */
export interface DiscordImage {
  url: string;
  name: string;
  size?: number;
  contentType?: string | null;
}

/** An image from Discord as the core takes it. */
export function attachmentInput(attachment: DiscordImage, field?: string): AttachmentInput {
  const input: AttachmentInput = { url: attachment.url, filename: attachment.name };
  if (attachment.size !== undefined) input.size = attachment.size;
  if (field) input.field = field;
  if (attachment.contentType) input.contentType = attachment.contentType;
  return input;
}

/**
 * The fields as the form asks for them. An upload cannot be pre-filled, so an image given with the
 * slash command becomes optional: left empty, it is kept.
 */
function formFields(draft: FormDraft): Field[] {
  // Fixed at the first page: pages must not move under a form being filled.
  draft.formFields ??= draft.model.fields.map((field) =>
    draft.attachments[field.name]?.length
      ? { ...field, required: false, description: 'Leave empty to keep the image you already gave.' }
      : field.kind === 'image' && typeof draft.values[field.name] === 'string'
        ? {
            ...field,
            required: false,
            description: 'Leave empty to keep the same image, or upload a new one.',
          }
        : field,
  );
  return draft.formFields;
}

function planOf(draft: FormDraft) {
  return planDiscordForm(formFields(draft), { initialValues: draftInitialValues(draft) });
}

/** Opens page `page` of the draft's form, pre-filled with what was typed so far. */
export async function openFormPage(
  interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction | ButtonInteraction,
  draft: FormDraft,
  page: number,
): Promise<void> {
  const modal = buildDiscordModal(draft.model.model, formFields(draft), page, formPrefix(draft.id), {
    initialValues: draftInitialValues(draft),
  });
  await interaction.showModal(modal);
}

/**
 * The inputs a refusal is about, when the person can fix it in the form: bad values, an image that
 * would not do, or a prompt (or image) with a blocked term or flagged by moderation. Undefined for
 * every other refusal (a quota, a busy server), which the form cannot change.
 */
function fixableFields(draft: FormDraft, error: unknown): string[] | undefined {
  if (error instanceof ValidationError) return error.problems.map((problem) => problem.field);
  const images = imageFields(draft.model.fields).map((field) => field.name);
  if (refusesImage(error)) return images;
  const code = codeOf(error);
  if (code === 'PROMPT_BLOCKED' || code === 'PROMPT_FLAGGED') {
    const prompt = promptField(draft.model.fields);
    return prompt ? [prompt.name] : [];
  }
  return undefined;
}

/** The service refused an image: not one it can read or take, or flagged by moderation. */
function refusesImage(error: unknown): boolean {
  if (error instanceof AttachmentError) return true;
  return codeOf(error) === 'PROMPT_FLAGGED' && (error as ReelbotError).context.what === 'image';
}

/**
 * Lists each bad value, only to the user, with a button that opens the form again with the values
 * kept (Discord cannot answer a modal with a modal, so the button is the way back to it).
 */
async function offerFix(interaction: RepliableInteraction, draft: FormDraft, error: ReelbotError) {
  if (refusesImage(error)) {
    // A refused image is not "kept" when the form comes back: left empty, it would be refused
    // again. The error does not say which image, so each given one is asked for anew.
    for (const field of imageFields(draft.model.fields)) delete draft.attachments[field.name];
    draft.formFields = undefined;
  }
  const plan = planOf(draft);
  const fields = fixableFields(draft, error) ?? [];
  const pages = fields.map((field) => pageOf(plan, field)).filter((page) => page >= 0);
  const page = pages.length ? Math.min(...pages) : 0;
  const row: Row = {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.Button,
        style: ButtonStyle.Primary,
        label: 'Edit values',
        custom_id: buttonId({ action: 'form-edit', draftId: draft.id, page }),
      },
    ],
  };
  const labels = new Map(draft.model.fields.map((field) => [field.name, field.label]));
  const told = withFieldLabels(error, (name) => labels.get(name));
  await replyPrivately(interaction, describeError(told), plan.pages.length ? [row] : []);
}

/** How many images the draft holds for each input: they fill it once uploaded, and count toward a list's minItems. */
function attachedCounts(draft: FormDraft): Record<string, number> {
  return Object.fromEntries(
    Object.entries(draft.attachments).map(([name, images]) => [name, images?.length ?? 0]),
  );
}

/** Starts the draft's generation; bad values or a bad image lead back to the form. */
export async function startFromDraft(
  interaction: RepliableInteraction,
  ctx: BotContext,
  draft: FormDraft,
): Promise<void> {
  const onInvalid = (error: ValidationError) => offerFix(interaction, draft, error);
  try {
    // What can be refused without Replicate is told before the start's public "thinking…", which
    // everyone in the channel would see come and go: bad values (one image where a list needs two),
    // and a quota used up while the form was open. The service checks them all again.
    coerceInput(draft.model.fields, draft.values, { attached: attachedCounts(draft) });
    await ctx.service.checkQuota(requesterOf(interaction), draft.count ?? 1);
    if (draft.count && draft.count > 1) {
      const started = await startGroup(
        interaction,
        ctx,
        {
          kind: 'batch',
          models: [draft.model.model.ref],
          count: draft.count,
          values: draft.values,
          attachments: draftAttachments(draft),
        },
        onInvalid,
      );
      if (started) ctx.drafts.delete(draft.id);
      return;
    }
    const generation = await startModelGeneration(
      interaction,
      ctx,
      {
        model: draft.model.model.ref,
        values: draft.values,
        attachments: draftAttachments(draft),
        ...(draft.origin ? { origin: draft.origin } : {}),
      },
      onInvalid,
    );
    if (generation) ctx.drafts.delete(draft.id);
  } catch (error) {
    // The form, as typed, is kept for what the person can change: a prompt refused for its words too.
    if (!(error instanceof ReelbotError) || !fixableFields(draft, error)) throw error;
    await offerFix(interaction, draft, error);
  }
}

function isAnswered(value: RawValue): boolean {
  if (value === undefined) return false;
  if (Array.isArray(value)) return value.some((item) => item.trim() !== '');
  return typeof value === 'boolean' || value.trim() !== '';
}

/** A submitted page: keep its values, check them, then the next step or the generation. */
export async function handleFormSubmit(interaction: ModalSubmitInteraction, ctx: BotContext): Promise<void> {
  const draftId = draftIdOf(interaction.customId) ?? '?';
  const step = parseDiscordFormCustomId(interaction.customId, formPrefix(draftId));
  const draft = ctx.drafts.get(draftId, interaction.user.id);
  if (!draft || step?.step !== 'page') throw new FormExpiredError(draftId);

  const { fields } = draft.model;
  const plan = planOf(draft);
  const { components, files } = submittedComponents(interaction);
  const submitted = parseDiscordModalSubmit(components, fields);
  const images = new Set(imageFields(fields).map((field) => field.name));
  for (const planned of plan.pages[step.page]?.fields ?? []) {
    const name = planned.field.name;
    const value = submitted[name];
    if (images.has(name)) {
      // An upload cannot be pre-filled: an empty one keeps the image given before.
      const uploads = (Array.isArray(value) ? value : [])
        .map((id) => files.get(id))
        .filter((file): file is Attachment => file !== undefined);
      if (uploads.length) draft.attachments[name] = uploads.map((file) => attachmentInput(file));
    } else {
      draft.values[name] = value;
    }
  }

  const shown = new Set(
    plan.pages.slice(0, step.page + 1).flatMap((page) => page.fields.map((p) => p.field.name)),
  );
  const withImages = Object.keys(draft.attachments).filter((name) => draft.attachments[name]?.length);
  try {
    coerceInput(fields, draft.values, { attached: attachedCounts(draft) });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const problems = error.problems.filter((problem) => shown.has(problem.field));
    if (problems.length) return offerFix(interaction, draft, new ValidationError(problems));
  }

  const answered = [
    ...Object.keys(draft.values).filter((name) => isAnswered(draft.values[name])),
    ...withImages,
  ];
  const next = buildDiscordFormStepMessage({
    customIdPrefix: formPrefix(draft.id),
    plan,
    submittedPage: step.page,
    answered,
  });
  if (next) {
    await interaction.reply(next);
    return;
  }
  await startFromDraft(interaction, ctx, draft);
}

/** "More options", "Generate now" (form custom_ids) and "Edit values". */
export async function handleFormButton(
  interaction: ButtonInteraction,
  ctx: BotContext,
  edit?: { draftId: string; page: number },
): Promise<void> {
  const draftId = edit?.draftId ?? draftIdOf(interaction.customId) ?? '?';
  const draft = ctx.drafts.get(draftId, interaction.user.id);
  if (!draft) throw new FormExpiredError(draftId);
  if (edit) return openFormPage(interaction, draft, edit.page);
  const step = parseDiscordFormCustomId(interaction.customId, formPrefix(draftId));
  if (step?.step === 'more') return openFormPage(interaction, draft, step.page);
  if (step?.step === 'go') return startFromDraft(interaction, ctx, draft);
  throw new FormExpiredError(draftId);
}
