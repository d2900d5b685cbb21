import { promptField } from '../replicate/schema.js';
import type { Field } from '../replicate/schema-types.js';
import { planField } from './planned-field.js';
import type { FormPage, FormPlan, PlanOptions } from './types.js';

export { planField } from './planned-field.js';
export { withFieldLabels } from './problem-labels.js';
export { ellipsis, oneLine, truncate } from './text.js';
export type {
  ControlKind,
  FormLimits,
  FormPage,
  FormPlan,
  PlannedField,
  PlannedOption,
  PlanOptions,
} from './types.js';

/**
 * Spreads fields over pages of at most `maxPerPage`: the required fields and then the first by
 * `x-order` on page 1, the rest on further pages in `x-order`. Within a page fields keep schema
 * order, so an image stays next to its prompt. Every field lands on exactly one page.
 */
export function planForm(fields: Field[], options: PlanOptions): FormPlan {
  if (options.maxPerPage < 1) throw new RangeError('maxPerPage must be at least 1');
  const byOrder = [...fields].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  const queue = [...byOrder.filter((f) => f.required), ...byOrder.filter((f) => !f.required)];
  const prompt = promptField(fields);
  const pages: FormPage[] = [];
  for (let start = 0; start < queue.length; start += options.maxPerPage) {
    const chunk = queue
      .slice(start, start + options.maxPerPage)
      .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
    const planned = chunk.map((field) => planField(field, options, field === prompt));
    pages.push({ index: pages.length, fields: planned, hasRequired: planned.some((p) => p.required) });
  }
  return { pages };
}

/** The page a field is on, or -1. */
export function pageOf(plan: FormPlan, name: string): number {
  return plan.pages.findIndex((page) => page.fields.some((planned) => planned.field.name === name));
}
