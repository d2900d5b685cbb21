import { type FieldProblem, ValidationError } from '../errors.js';
import type { Field } from './schema-types.js';

/** What forms hand back: text, checkbox state, or several values (selects, checkboxes, uploads). */
export type RawValue = string | boolean | string[] | undefined;

export interface CoerceOptions {
  /**
   * Images attached for an input, by its name: how many. They fill it after coercion (once uploaded),
   * so the input is not reported as missing, and a list counts them toward its `minItems`.
   */
  attached?: Readonly<Record<string, number>>;
}

/** Enum values quoted in an error message, at most; more would drown the message. */
const listedValuesMax = 12;

const truthy = new Set(['true', 'yes', 'y', 'on', '1', 'checked']);
const falsy = new Set(['false', 'no', 'n', 'off', '0', 'unchecked']);

type Outcome = { ok: true; value: unknown } | { ok: false; message: string };

function isEmpty(raw: RawValue): boolean {
  if (raw === undefined) return true;
  if (typeof raw === 'string') return raw.trim() === '';
  if (Array.isArray(raw)) return raw.every((item) => item.trim() === '');
  return false;
}

/** Several values, whether they came as a list or as one line each in a paragraph input. */
function listOf(raw: RawValue): string[] {
  const items = Array.isArray(raw) ? raw : String(raw).split(/\r?\n/);
  return items.map((item) => item.trim()).filter(Boolean);
}

function single(raw: RawValue): string {
  return Array.isArray(raw) ? (raw.find((item) => item.trim() !== '') ?? '').trim() : String(raw).trim();
}

function rangeMessage(field: Field): string | undefined {
  const { min, max, name } = field;
  if (min !== undefined && max !== undefined) return `${name} must be between ${min} and ${max}`;
  if (min !== undefined) return `${name} must be at least ${min}`;
  if (max !== undefined) return `${name} must be at most ${max}`;
  return undefined;
}

/**
 * The problem of an input given more values than it takes (a list's `maxItems`, or one for an input
 * that is no list), named by the field like every other problem.
 */
export function tooManyMessage(field: Field, given: number): string {
  const most = field.array ? (field.maxItems ?? given) : 1;
  const noun = field.kind === 'image' ? 'image' : 'value';
  const takes = most === 1 ? `one ${noun}` : `at most ${most} ${noun}s`;
  return `${field.name} takes ${takes}; ${given} were given`;
}

/** The problem of a list given fewer values than its schema's `minItems`. */
function tooFewMessage(field: Field, given: number): string {
  const noun = field.kind === 'image' ? 'images' : 'values';
  return `${field.name} takes at least ${field.minItems} ${noun}; ${given} ${given === 1 ? 'was' : 'were'} given`;
}

function numeric(field: Field, text: string): Outcome {
  // Number('') is 0 and Number('0x10') is 16: only plain decimal notation is a number here.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text))
    return {
      ok: false,
      message: `${field.name} must be ${field.kind === 'integer' ? 'a whole number' : 'a number'}`,
    };
  const value = Number(text);
  if (field.kind === 'integer' && !Number.isInteger(value))
    return { ok: false, message: `${field.name} must be a whole number` };
  if ((field.min !== undefined && value < field.min) || (field.max !== undefined && value > field.max))
    return { ok: false, message: rangeMessage(field)! };
  return { ok: true, value };
}

function enumValue(field: Field, text: string): Outcome {
  const options = field.options ?? [];
  const match =
    options.find((option) => String(option.value) === text) ??
    options.find((option) => option.label === text) ??
    options.find((option) => String(option.value).toLowerCase() === text.toLowerCase()) ??
    (field.valueType !== 'string'
      ? options.find((option) => Number(option.value) === Number(text) && text !== '')
      : undefined);
  if (match) return { ok: true, value: match.value };
  const listed = options.slice(0, listedValuesMax).map((option) => String(option.value));
  const more = options.length > listedValuesMax ? ', ...' : '';
  return { ok: false, message: `${field.name} must be one of ${listed.join(', ')}${more}` };
}

function link(field: Field, text: string): Outcome {
  // Replicate takes http(s) links and data: URIs for file inputs.
  const ok = URL.canParse(text) && /^(https?|data):$/.test(new URL(text).protocol);
  return ok
    ? { ok: true, value: text }
    : { ok: false, message: `${field.name} must be a link (https://...)` };
}

function booleanValue(field: Field, raw: RawValue): Outcome {
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  // A checkbox group answers with the values of the ticked boxes: none ticked is false.
  if (Array.isArray(raw))
    return { ok: true, value: raw.some((item) => !falsy.has(item.trim().toLowerCase())) };
  const text = String(raw).trim().toLowerCase();
  if (truthy.has(text)) return { ok: true, value: true };
  if (falsy.has(text)) return { ok: true, value: false };
  return { ok: false, message: `${field.name} must be yes or no` };
}

function one(field: Field, text: string): Outcome {
  switch (field.kind) {
    case 'integer':
    case 'number':
      return numeric(field, text);
    case 'enum':
      return enumValue(field, text);
    case 'image':
    case 'file':
      return link(field, text);
    default:
      return { ok: true, value: text };
  }
}

/** `attached`: the images attached for the input besides the values typed, which fill a list too. */
function coerceField(field: Field, raw: RawValue, attached: number): Outcome {
  if (field.kind === 'boolean') return booleanValue(field, raw);
  if (field.kind === 'json') {
    try {
      return { ok: true, value: JSON.parse(single(raw)) };
    } catch {
      return { ok: false, message: `${field.name} must be valid JSON` };
    }
  }
  if (field.array) {
    const items = listOf(raw);
    // Replicate refuses a list past the schema's maxItems only once the prediction is created, when
    // the form is gone: the person is told here, while they can still take lines out.
    if (field.maxItems !== undefined && items.length > field.maxItems)
      return { ok: false, message: tooManyMessage(field, items.length) };
    // Slack's multi-select has no least count, and a Discord select of an optional input may be left
    // with one: a list short of the schema's minItems is told here too, not by Replicate later. The
    // images attached for it count: they join the list once uploaded.
    if (field.minItems !== undefined && items.length + attached < field.minItems)
      return { ok: false, message: tooFewMessage(field, items.length + attached) };
    const values: unknown[] = [];
    for (const item of items) {
      const outcome = one(field, item);
      if (!outcome.ok) return outcome;
      values.push(outcome.value);
    }
    return { ok: true, value: values };
  }
  // Prompts keep their inner whitespace and line breaks; only the ends are trimmed.
  return one(field, single(raw));
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Turns raw form values into a typed Replicate input. Values equal to the schema default, and empty
 * optional values, are left out so the model applies its own defaults. Keys that are not inputs of
 * the model are ignored. Throws {@link ValidationError} with one problem per bad field.
 */
export function coerceInput(
  fields: Field[],
  values: Record<string, RawValue>,
  options: CoerceOptions = {},
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  for (const field of fields) {
    const raw = values[field.name];
    const attached = options.attached?.[field.name] ?? 0;
    // An unticked checkbox group ([]) is an answer for a boolean, not a missing value.
    if (isEmpty(raw) && !(field.kind === 'boolean' && Array.isArray(raw))) {
      // Told now, before the attached images are uploaded, rather than by Replicate once they are.
      if (attached > 0 && field.array && field.minItems !== undefined && attached < field.minItems)
        problems.push({ field: field.name, message: tooFewMessage(field, attached) });
      else if (attached === 0 && field.required && field.default === undefined)
        problems.push({ field: field.name, message: `${field.name} is required` });
      continue;
    }
    const outcome = coerceField(field, raw, attached);
    if (!outcome.ok) {
      problems.push({ field: field.name, message: outcome.message });
      continue;
    }
    if (field.default !== undefined && sameValue(outcome.value, field.default)) continue;
    input[field.name] = outcome.value;
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return input;
}
