/**
 * Builds `view.state.values` the way Slack fills it when a person types into a modal: every
 * stateful element appears under its block id and action id, typed by its element type.
 */

type Json = Record<string, unknown>;

/** What a test types into one block: text, a checkbox, chosen option values, or shared files. */
export type TypedInput = string | boolean | string[] | { id: string }[] | null;

interface StatefulElement {
  blockId: string;
  element: Json;
}

function statefulElements(blocks: Json[]): StatefulElement[] {
  const found: StatefulElement[] = [];
  for (const block of blocks) {
    const blockId = block.block_id as string | undefined;
    if (!blockId) continue;
    if (block.type === 'input' && block.element) found.push({ blockId, element: block.element as Json });
    if (block.type === 'section' && block.accessory)
      found.push({ blockId, element: block.accessory as Json });
    if (block.type === 'actions')
      for (const element of (block.elements as Json[] | undefined) ?? []) found.push({ blockId, element });
  }
  return found.filter(({ element }) => typeof element.action_id === 'string' && element.type !== 'button');
}

function optionsOf(element: Json): Json[] {
  const flat = (element.options as Json[] | undefined) ?? [];
  const grouped = ((element.option_groups as Json[] | undefined) ?? []).flatMap(
    (group) => (group.options as Json[]) ?? [],
  );
  return [...flat, ...grouped];
}

function pick(element: Json, value: string): Json {
  const option = optionsOf(element).find((o) => o.value === value);
  if (!option && element.type !== 'external_select')
    throw new Error(`view-state: ${String(element.action_id)} has no option ${value}`);
  return option ?? { text: { type: 'plain_text', text: value }, value };
}

function stateOf(element: Json, input: TypedInput | undefined): Json {
  const type = element.type as string;
  switch (type) {
    case 'plain_text_input':
    case 'number_input':
    case 'url_text_input':
    case 'email_text_input':
      // Untouched, an input submits its initial value, as in Slack.
      if (input === undefined) return { type, value: (element.initial_value as string | undefined) ?? null };
      return { type, value: input === null || input === '' ? null : String(input) };
    case 'static_select':
    case 'external_select':
    case 'radio_buttons': {
      const current = element.initial_option as Json | undefined;
      if (input === undefined) return { type, selected_option: current ?? null };
      return { type, selected_option: input === null ? null : pick(element, String(input)) };
    }
    case 'checkboxes':
    case 'multi_static_select': {
      let values: string[];
      if (input === undefined)
        values = ((element.initial_options as Json[] | undefined) ?? []).map((o) => o.value as string);
      else if (typeof input === 'boolean')
        values = input ? optionsOf(element).map((o) => o.value as string) : [];
      else values = (input as string[] | null) ?? [];
      // Slack's picker stops at max_selected_items: a person cannot choose more.
      const most = element.max_selected_items;
      if (typeof most === 'number' && values.length > most)
        throw new Error(`view-state: ${String(element.action_id)} takes at most ${most} options`);
      return { type, selected_options: values.map((v) => pick(element, v)) };
    }
    case 'file_input':
      return { type, files: Array.isArray(input) ? input : [] };
    default:
      return { type, value: input ?? null };
  }
}

/**
 * The `state.values` of a view after a person typed `inputs` (keyed by block id). Blocks left out
 * keep their initial values, as in Slack.
 */
export function stateFor(view: Json, inputs: Record<string, TypedInput> = {}): Record<string, Json> {
  const blocks = (view.blocks as Json[] | undefined) ?? [];
  const elements = statefulElements(blocks);
  for (const blockId of Object.keys(inputs)) {
    if (!elements.some((e) => e.blockId === blockId))
      throw new Error(`view-state: no input block ${blockId}`);
  }
  const values: Record<string, Json> = {};
  for (const { blockId, element } of elements) {
    values[blockId] = {
      ...values[blockId],
      [element.action_id as string]: stateOf(element, inputs[blockId]),
    };
  }
  return values;
}
