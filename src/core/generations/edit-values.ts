import type { RawValue } from '../replicate/coerce.js';
import type { Field } from '../replicate/schema-types.js';
import type { Generation } from './types.js';

/**
 * A generation's typed input turned back into form values (Edit & re-run): numbers as text, lists
 * as lists, JSON as its text, booleans as they are, and an image as the URL it was given with, so
 * a form left as it is re-runs the same input ("keep the same image"). Inputs the model's schema no
 * longer has are dropped. The seed is left out: an edit is a new take, with a new seed unless typed.
 */
export function formValuesOf(
  fields: readonly Field[],
  generation: Pick<Generation, 'input'>,
): Record<string, RawValue> {
  const values: Record<string, RawValue> = {};
  for (const field of fields) {
    if (field.name === 'seed') continue;
    const value = generation.input[field.name];
    if (value === undefined || value === null) continue;
    if (typeof value === 'boolean') values[field.name] = value;
    else if (Array.isArray(value))
      values[field.name] = value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
    else if (typeof value === 'object') values[field.name] = JSON.stringify(value);
    else values[field.name] = String(value);
  }
  return values;
}
