import { maxPromptChars } from '../prompt-limit.js';
import type { Field } from '../replicate/schema-types.js';
import { oneLine, truncate } from './text.js';
import type { ControlKind, PlannedField, PlannedOption, PlanOptions } from './types.js';

/** Enum values quoted in a placeholder when the enum became a text input. */
const quotedValuesMax = 6;

function optionsFit(field: Field, limits: PlanOptions): boolean {
  const options = field.options ?? [];
  return (
    options.length > 0 &&
    options.length <= limits.optionLimit &&
    options.every((option) => {
      const value = String(option.value);
      return value.length > 0 && value.length <= limits.optionValueMax;
    })
  );
}

function controlOf(field: Field, limits: PlanOptions): ControlKind {
  switch (field.kind) {
    case 'longtext':
    case 'json':
      return 'paragraph';
    case 'boolean':
      return 'boolean';
    case 'image':
      return 'upload';
    case 'enum':
      if (optionsFit(field, limits)) return field.array ? 'multi-select' : 'select';
      return field.array ? 'paragraph' : 'short-text';
    case 'integer':
    case 'number':
      return field.array ? 'paragraph' : 'number';
    default:
      return field.array ? 'paragraph' : 'short-text';
  }
}

function rangeText(field: Field): string | undefined {
  const what = field.kind === 'integer' ? 'Whole number' : 'Number';
  if (field.min !== undefined && field.max !== undefined) return `${what} from ${field.min} to ${field.max}`;
  if (field.min !== undefined) return `${what}, at least ${field.min}`;
  if (field.max !== undefined) return `${what}, at most ${field.max}`;
  return what;
}

/** How many a multi-select takes, in the words of its placeholder: the schema's item bounds. */
function choiceCount(field: Field): string {
  const { minItems, maxItems } = field;
  if (minItems !== undefined && maxItems !== undefined)
    return minItems === maxItems ? `Choose ${maxItems}` : `Choose ${minItems} to ${maxItems}`;
  if (minItems !== undefined) return `Choose at least ${minItems}`;
  if (maxItems !== undefined) return `Choose up to ${maxItems}`;
  return 'Choose any';
}

function placeholderOf(field: Field, control: ControlKind): string | undefined {
  // A typed list past the schema's maxItems is refused on submit: the placeholder says the bound first.
  const most = field.maxItems === undefined ? '' : `, at most ${field.maxItems}`;
  const lines = field.array ? ` (one per line${most})` : '';
  switch (field.kind) {
    case 'integer':
    case 'number':
      return `${rangeText(field)}${lines}`;
    case 'enum': {
      if (control === 'select') return 'Choose one';
      if (control === 'multi-select') return choiceCount(field);
      const values = (field.options ?? []).map((option) => String(option.value));
      const more = values.length > quotedValuesMax ? ', …' : '';
      return `One of: ${values.slice(0, quotedValuesMax).join(', ')}${more}${lines}`;
    }
    case 'file':
      return `https://…${lines}`;
    case 'json':
      return 'JSON, e.g. {"key": "value"}';
    case 'image':
      return undefined;
    default:
      return field.array ? `One per line${most}` : undefined;
  }
}

/** The default as a form would show it: arrays one per line, objects as JSON. */
function textOf(value: unknown, field: Field): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (field.kind === 'json') return JSON.stringify(value);
  if (Array.isArray(value)) return value.map(String).join('\n');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function optionsOf(field: Field, initial: string | undefined, limits: PlanOptions): PlannedOption[] {
  const given = initial === undefined ? [] : field.array ? initial.split('\n') : [initial];
  const offered = new Set((field.options ?? []).map((option) => String(option.value)));
  // A picker capped at maxItems cannot open with more chosen (both platforms refuse the form): the
  // first ones given stay chosen.
  const chosen = new Set([...new Set(given)].filter((value) => offered.has(value)).slice(0, field.maxItems));
  return (field.options ?? []).map((option) => ({
    label: truncate(oneLine(option.label) || String(option.value), limits.optionLabelMax),
    value: String(option.value),
    isDefault: chosen.has(String(option.value)),
  }));
}

/**
 * Decides how one field is asked for, with every text cut to the platform's limits. `isPrompt`
 * marks the model's prompt, which is held to reelbot's prompt limit.
 */
export function planField(field: Field, limits: PlanOptions, isPrompt = false): PlannedField {
  const control = controlOf(field, limits);
  const given = limits.initialValues?.[field.name];
  const fallback = textOf(field.default, field);
  const initial = given !== undefined && given !== '' ? given : fallback === '' ? undefined : fallback;
  const planned: PlannedField = {
    field,
    control,
    label: truncate(oneLine(field.label) || field.name, limits.labelMax),
    multiple: field.array === true,
    required: field.required,
  };
  if (field.description) planned.description = truncate(oneLine(field.description), limits.descriptionMax);
  const placeholder = placeholderOf(field, control);
  if (placeholder) planned.placeholder = truncate(placeholder, limits.placeholderMax);
  if (control === 'select' || control === 'multi-select' || control === 'boolean') {
    if (control !== 'boolean') planned.options = optionsOf(field, initial, limits);
    if (initial !== undefined) planned.initialValue = initial;
  } else if (control !== 'upload' && initial !== undefined && initial.length <= limits.initialValueMax) {
    // A default too long to pre-fill stays the model's default: coercion leaves empty inputs out.
    planned.initialValue = initial;
  }
  // A longer given prompt stays editable in full; admission names the limit, the form keeps the text.
  if (isPrompt && (planned.initialValue?.length ?? 0) <= maxPromptChars) planned.maxLength = maxPromptChars;
  return planned;
}
