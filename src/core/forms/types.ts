import type { Field } from '../replicate/schema-types.js';

/**
 * How a field is asked for, independent of platform. Renderers map each to a component:
 * `short-text`/`paragraph` to text inputs, `number` to a number input (or text on Discord),
 * `select`/`multi-select` to selects, `boolean` to a yes/no choice, `upload` to a file upload.
 */
export type ControlKind =
  | 'short-text'
  | 'paragraph'
  | 'number'
  | 'select'
  | 'multi-select'
  | 'boolean'
  | 'upload';

/** One choice of a select, cut to the platform's limits; `value` round-trips unchanged. */
export interface PlannedOption {
  label: string;
  value: string;
  isDefault: boolean;
}

/** A field ready for a renderer: texts already cut to the platform's limits. */
export interface PlannedField {
  field: Field;
  control: ControlKind;
  label: string;
  description?: string;
  placeholder?: string;
  /** The default (or a given value) as text, when it fits the platform's input. */
  initialValue?: string;
  options?: PlannedOption[];
  /** Several values: uploads, multi-selects, one-per-line text. */
  multiple: boolean;
  required: boolean;
  /**
   * The longest text reelbot takes here, when shorter than the platform's own limit: the prompt,
   * so a form never lets a person type what admission would refuse after the form is gone.
   */
  maxLength?: number;
}

/** One page (Discord modal, Slack view) of a form. */
export interface FormPage {
  /** 0-based. */
  index: number;
  fields: PlannedField[];
  /** The page asks for something without which the model cannot run. */
  hasRequired: boolean;
}

/** Every input of a model, spread over pages. */
export interface FormPlan {
  pages: FormPage[];
}

/** The limits a platform puts on a form; each renderer passes its own. */
export interface FormLimits {
  /** Inputs per page (Discord: 5 top-level components). */
  maxPerPage: number;
  labelMax: number;
  descriptionMax: number;
  placeholderMax: number;
  /** More enum values than this become a text input checked on submit. */
  optionLimit: number;
  optionLabelMax: number;
  optionValueMax: number;
  /** Longest text a text input may be pre-filled with. */
  initialValueMax: number;
}

export interface PlanOptions extends FormLimits {
  /** Values to pre-fill instead of the defaults (e.g. the prompt typed in the slash command). */
  initialValues?: Record<string, string | undefined>;
}
