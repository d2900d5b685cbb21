import { type FormPlan, type PlannedField, planForm, truncate } from '../../../core/forms/plan.js';
import type { Field } from '../../../core/replicate/schema-types.js';
import { discordComponentId, discordModalCustomId } from './custom-id.js';
import { discordFormLimits, discordModalLimits } from './limits.js';
import type {
  DiscordFileUpload,
  DiscordLabel,
  DiscordModal,
  DiscordStringSelect,
  DiscordTextInput,
  FormModelRef,
} from './types.js';

export interface DiscordFormOptions {
  /** Values to pre-fill instead of defaults, e.g. the prompt typed in the slash command. */
  initialValues?: Record<string, string | undefined>;
}

/** The form plan with Discord's limits: five fields a page, required ones first. */
export function planDiscordForm(fields: Field[], options: DiscordFormOptions = {}): FormPlan {
  return planForm(fields, { ...discordFormLimits, initialValues: options.initialValues });
}

function textInput(planned: PlannedField): DiscordTextInput {
  const input: DiscordTextInput = {
    type: 4,
    custom_id: discordComponentId(planned.field.name),
    style: planned.control === 'paragraph' ? 2 : 1,
    // Discord's text inputs are required unless told otherwise.
    required: planned.required,
    max_length: Math.min(planned.maxLength ?? Number.POSITIVE_INFINITY, discordModalLimits.textInputValue),
  };
  if (planned.initialValue !== undefined) input.value = planned.initialValue;
  if (planned.placeholder) input.placeholder = planned.placeholder;
  return input;
}

/**
 * How many values a select or upload takes, within `most` (what the platform and the options
 * allow). A list input takes no more than its schema's maxItems, and a required one no fewer than
 * its minItems: the form stops the person there rather than refusing on submit. An optional input
 * may still be left empty, so it keeps a least of none (coercion names a short list).
 */
function valueCounts(planned: PlannedField, most: number): { min_values: number; max_values: number } {
  const { maxItems, minItems } = planned.field;
  const max = planned.multiple ? Math.min(maxItems ?? most, most) : most;
  const min = planned.required ? Math.min(planned.multiple ? (minItems ?? 1) : 1, max) : 0;
  return { min_values: min, max_values: max };
}

function select(planned: PlannedField): DiscordStringSelect {
  const multiple = planned.control === 'multi-select';
  const options =
    planned.control === 'boolean'
      ? [
          { label: 'Yes', value: 'true', default: planned.initialValue === 'true' },
          { label: 'No', value: 'false', default: planned.initialValue === 'false' },
        ]
      : (planned.options ?? []).map((option) => ({
          label: option.label,
          value: option.value,
          default: option.isDefault,
        }));
  const component: DiscordStringSelect = {
    type: 3,
    custom_id: discordComponentId(planned.field.name),
    options: options.map(({ default: isDefault, ...option }) =>
      isDefault ? { ...option, default: true } : option,
    ),
    ...valueCounts(planned, multiple ? Math.min(options.length, discordModalLimits.selectValues) : 1),
    required: planned.required,
  };
  if (planned.placeholder) component.placeholder = planned.placeholder;
  return component;
}

function fileUpload(planned: PlannedField): DiscordFileUpload {
  return {
    type: 19,
    custom_id: discordComponentId(planned.field.name),
    ...valueCounts(planned, planned.multiple ? discordModalLimits.fileUploadValues : 1),
    required: planned.required,
  };
}

/** One Label (type 18) around the component that asks for `planned`. */
export function discordLabel(planned: PlannedField): DiscordLabel {
  const component =
    planned.control === 'upload'
      ? fileUpload(planned)
      : planned.control === 'select' || planned.control === 'multi-select' || planned.control === 'boolean'
        ? select(planned)
        : textInput(planned);
  const label: DiscordLabel = { type: 18, label: planned.label, component };
  if (planned.description) label.description = planned.description;
  return label;
}

function titleOf(model: FormModelRef, page: number, pages: number): string {
  const name = typeof model === 'string' ? model : (model.name ?? model.ref);
  const suffix = pages > 1 ? ` (${page + 1}/${pages})` : '';
  return `${truncate(name, discordModalLimits.title - suffix.length)}${suffix}`;
}

function renderPage(model: FormModelRef, plan: FormPlan, page: number, customIdPrefix: string): DiscordModal {
  const current = plan.pages[page];
  if (!current) throw new RangeError(`page ${page} does not exist; the form has ${plan.pages.length} pages`);
  return {
    custom_id: discordModalCustomId(customIdPrefix, page),
    title: titleOf(model, page, plan.pages.length),
    components: current.fields.map(discordLabel),
  };
}

/**
 * The modal of page `page` (0-based) of a model's form, as raw Discord API JSON (the `data` of an
 * interaction response of type 9). Its custom_id is `${customIdPrefix}:page:${page}`; each
 * component's custom_id is its field name (see `discordComponentId`).
 */
export function buildDiscordModal(
  model: FormModelRef,
  fields: Field[],
  page: number,
  customIdPrefix: string,
  options: DiscordFormOptions = {},
): DiscordModal {
  return renderPage(model, planDiscordForm(fields, options), page, customIdPrefix);
}

/** Every modal page of a model's form, in order; none for a model without inputs. */
export function buildDiscordModals(
  model: FormModelRef,
  fields: Field[],
  customIdPrefix: string,
  options: DiscordFormOptions = {},
): DiscordModal[] {
  const plan = planDiscordForm(fields, options);
  return plan.pages.map((_, page) => renderPage(model, plan, page, customIdPrefix));
}
