import type { Field } from '../../../core/replicate/schema-types.js';
import { discordComponentId } from './custom-id.js';

/** A raw value from a modal: text, the values of a select, or the attachment ids of an upload. */
export type DiscordSubmittedValue = string | string[] | boolean;

interface SubmittedComponent {
  type: number;
  custom_id?: string;
  value?: unknown;
  values?: unknown;
  component?: SubmittedComponent;
  components?: SubmittedComponent[];
}

function collect(component: SubmittedComponent, out: Map<string, DiscordSubmittedValue>): void {
  if (component.component) collect(component.component, out);
  for (const child of component.components ?? []) collect(child, out);
  if (!component.custom_id) return;
  // Nothing chosen is no answer: for a yes/no select that must not read as "no".
  if (Array.isArray(component.values)) {
    if (component.values.length > 0) out.set(component.custom_id, component.values.map(String));
  } else if (typeof component.value === 'string' || typeof component.value === 'boolean')
    out.set(component.custom_id, component.value);
}

/**
 * Reads `data.components` of a modal submit interaction into raw values per field: text inputs give
 * their text, string selects their chosen values (a list, left out when empty, also for single selects; a yes/no select
 * gives `['true']` or `['false']`), file uploads the attachment ids (look them up in
 * `data.resolved.attachments`). Labels (type 18) and legacy action rows (type 1) are both read.
 * With `fields`, custom_ids of over-long field names are mapped back to the names.
 */
export function parseDiscordModalSubmit(
  components: readonly unknown[],
  fields?: readonly Field[],
): Record<string, DiscordSubmittedValue> {
  const found = new Map<string, DiscordSubmittedValue>();
  for (const component of components) {
    if (component && typeof component === 'object') collect(component as SubmittedComponent, found);
  }
  const names = new Map((fields ?? []).map((field) => [discordComponentId(field.name), field.name]));
  const values: Record<string, DiscordSubmittedValue> = {};
  for (const [id, value] of found) values[names.get(id) ?? id] = value;
  return values;
}
