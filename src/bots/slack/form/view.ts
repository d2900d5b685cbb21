import { type FormPlan, type PlannedField, planForm, truncate } from '../../../core/forms/plan.js';
import type { Field } from '../../../core/replicate/schema-types.js';
import { slackFormLimits, slackImageFileTypes, slackViewLimits } from './limits.js';
import { modelOptionValue } from './model-option.js';
import type {
  SlackElement,
  SlackFormModel,
  SlackInputBlock,
  SlackModalView,
  SlackOption,
  SlackText,
} from './types.js';

/** The block of the model chooser; field blocks are named after their fields. */
export const slackModelBlockId = 'reelbot_model';
/** The action of the model chooser: an external_select whose options the Slack bot serves. */
export const slackModelActionId = 'model';
/** Every field element has this action_id; the block_id (the field name) tells them apart. */
export const slackFieldActionId = 'value';

export interface SlackModalOptions {
  /** Kept by Slack and returned on submit (e.g. the channel and the session); <= 3000 characters. */
  privateMetadata?: string;
  /** Default `reelbot_generate`. */
  callbackId?: string;
  /** Which page, when a model has more inputs than one view holds (0-based; almost always 0). */
  page?: number;
  /** Values to pre-fill instead of defaults, e.g. the prompt typed after the slash command. */
  initialValues?: Record<string, string | undefined>;
  /** Show the model chooser at the top; default true. */
  chooser?: boolean;
  /** Default `Make a video`. */
  title?: string;
  submitText?: string;
  closeText?: string;
}

const plain = (text: string, max: number): SlackText => ({ type: 'plain_text', text: truncate(text, max) });

/** The form plan with Slack's limits: one view holds every input of nearly any model. */
export function planSlackForm(
  fields: Field[],
  options: Pick<SlackModalOptions, 'initialValues'> = {},
): FormPlan {
  return planForm(fields, { ...slackFormLimits, initialValues: options.initialValues });
}

function option(label: string, value: string): SlackOption {
  return { text: plain(label, slackViewLimits.optionText), value };
}

function numberElement(planned: PlannedField): SlackElement {
  const { field } = planned;
  const element: SlackElement = {
    type: 'number_input',
    action_id: slackFieldActionId,
    is_decimal_allowed: field.kind === 'number',
  };
  if (field.min !== undefined) element.min_value = String(field.min);
  if (field.max !== undefined) element.max_value = String(field.max);
  const initial = planned.initialValue === undefined ? Number.NaN : Number(planned.initialValue);
  // Slack refuses a view whose initial value breaks its own bounds or decimal rule.
  const fits =
    Number.isFinite(initial) &&
    (field.min === undefined || initial >= field.min) &&
    (field.max === undefined || initial <= field.max) &&
    (field.kind === 'number' || Number.isInteger(initial));
  if (fits) element.initial_value = planned.initialValue;
  if (planned.placeholder) element.placeholder = plain(planned.placeholder, slackViewLimits.placeholder);
  return element;
}

function selectElement(planned: PlannedField): SlackElement {
  const options = (planned.options ?? []).map((o) => option(o.label, o.value));
  const chosen = options.filter((_, i) => planned.options?.[i]?.isDefault);
  const multiple = planned.control === 'multi-select';
  const element: SlackElement = {
    type: multiple ? 'multi_static_select' : 'static_select',
    action_id: slackFieldActionId,
    options,
  };
  // A list input takes no more than its schema's maxItems: the picker stops the person there. Slack
  // has no least count; coercion names a list short of minItems on submit.
  if (multiple && planned.field.maxItems !== undefined)
    element.max_selected_items = Math.min(planned.field.maxItems, options.length);
  if (multiple && chosen.length > 0) element.initial_options = chosen;
  if (!multiple && chosen[0]) element.initial_option = chosen[0];
  if (planned.placeholder) element.placeholder = plain(planned.placeholder, slackViewLimits.placeholder);
  return element;
}

function elementOf(planned: PlannedField): SlackElement {
  switch (planned.control) {
    case 'number':
      return numberElement(planned);
    case 'select':
    case 'multi-select':
      return selectElement(planned);
    case 'boolean': {
      const box = option(planned.field.description ?? planned.field.label, 'true');
      const element: SlackElement = { type: 'checkboxes', action_id: slackFieldActionId, options: [box] };
      if (planned.initialValue === 'true') element.initial_options = [box];
      return element;
    }
    case 'upload':
      return {
        type: 'file_input',
        action_id: slackFieldActionId,
        filetypes: slackImageFileTypes,
        // A list input takes no more images than its schema's maxItems: the form stops the person there.
        max_files: planned.multiple
          ? Math.min(planned.field.maxItems ?? slackViewLimits.fileInputFiles, slackViewLimits.fileInputFiles)
          : 1,
      };
    default: {
      const element: SlackElement = {
        type: 'plain_text_input',
        action_id: slackFieldActionId,
        multiline: planned.control === 'paragraph',
        max_length: Math.min(
          planned.maxLength ?? Number.POSITIVE_INFINITY,
          slackViewLimits.plainTextInputLength,
        ),
      };
      if (planned.initialValue !== undefined) element.initial_value = planned.initialValue;
      if (planned.placeholder) element.placeholder = plain(planned.placeholder, slackViewLimits.placeholder);
      return element;
    }
  }
}

/** The input block of one field; its block_id is the field name, for `response_action: errors`. */
export function slackInputBlock(planned: PlannedField): SlackInputBlock {
  const block: SlackInputBlock = {
    type: 'input',
    block_id: planned.field.name,
    label: plain(planned.label, slackViewLimits.inputLabel),
    // An unticked checkbox would count as "empty": a yes/no input is never required.
    optional: planned.control === 'boolean' || !planned.required,
    element: elementOf(planned),
  };
  // The checkbox already shows the description; elsewhere it is the hint under the input.
  if (planned.description && planned.control !== 'boolean')
    block.hint = plain(planned.description, slackViewLimits.inputHint);
  return block;
}

function chooserBlock(model: SlackFormModel | undefined): SlackInputBlock {
  const element: SlackElement = {
    type: 'external_select',
    action_id: slackModelActionId,
    min_query_length: 0,
    placeholder: plain('Search video models', slackViewLimits.placeholder),
  };
  if (model !== undefined) {
    const ref = typeof model === 'string' ? model : model.ref;
    element.initial_option = option(ref, modelOptionValue(ref));
  }
  return {
    type: 'input',
    block_id: slackModelBlockId,
    // Choosing another model sends block_actions, so the bot can swap in that model's fields.
    dispatch_action: true,
    label: plain('Model', slackViewLimits.inputLabel),
    element,
  };
}

function renderPage(
  model: SlackFormModel | undefined,
  plan: FormPlan,
  page: number,
  options: SlackModalOptions,
): SlackModalView {
  const current = plan.pages[page];
  if (!current && !(page === 0 && plan.pages.length === 0))
    throw new RangeError(`page ${page} does not exist; the form has ${plan.pages.length} pages`);
  const metadata = options.privateMetadata;
  if (metadata !== undefined && metadata.length > slackViewLimits.privateMetadata)
    throw new RangeError(
      `private_metadata is ${metadata.length} characters; Slack allows ${slackViewLimits.privateMetadata}`,
    );
  const suffix = plan.pages.length > 1 ? ` ${page + 1}/${plan.pages.length}` : '';
  const title = options.title ?? 'Make a video';
  const view: SlackModalView = {
    type: 'modal',
    callback_id: options.callbackId ?? 'reelbot_generate',
    title: {
      type: 'plain_text',
      text: `${truncate(title, slackViewLimits.title - suffix.length)}${suffix}`,
    },
    submit: plain(options.submitText ?? 'Generate', slackViewLimits.submit),
    close: plain(options.closeText ?? 'Cancel', slackViewLimits.close),
    blocks: [
      ...(options.chooser === false || page > 0 ? [] : [chooserBlock(model)]),
      ...(current?.fields ?? []).map(slackInputBlock),
    ],
  };
  if (metadata !== undefined) view.private_metadata = metadata;
  return view;
}

/**
 * The `views.open` modal for a model: the model chooser (external_select, action_id `model`) on
 * top, then one input block per field, named after the field. Without `model` (nothing chosen
 * yet) only the chooser shows; pass no fields then.
 */
export function buildSlackModal(
  model: SlackFormModel | undefined,
  fields: Field[],
  options: SlackModalOptions = {},
): SlackModalView {
  return renderPage(model, planSlackForm(fields, options), options.page ?? 0, options);
}

/** Every view of a model's form; a second one (pushed with `views.push`) only past 99 inputs. */
export function buildSlackModals(
  model: SlackFormModel | undefined,
  fields: Field[],
  options: Omit<SlackModalOptions, 'page'> = {},
): SlackModalView[] {
  const plan = planSlackForm(fields, options);
  const pages = Math.max(plan.pages.length, 1);
  return Array.from({ length: pages }, (_, page) => renderPage(model, plan, page, options));
}
