import { slackViewLimits as L } from './limits.js';

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const numeric = (value: unknown) =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;

/**
 * Checks a modal view against Slack's documented limits (views: <= 100 blocks; title, submit and
 * close plain_text <= 24; private_metadata <= 3000; callback_id and block_id <= 255; input label
 * and hint <= 2000; placeholders <= 150; plain_text_input lengths <= 3000; number_input bounds;
 * static selects 1-100 options, no more initial options than max_selected_items; checkboxes 1-10; option text and value <= 75; file_input 1-10
 * files). Returns one sentence per violation; empty when Slack would accept it.
 */
export function validateSlackView(view: unknown): string[] {
  const problems: string[] = [];
  const text = (what: string, value: unknown, max: number, required = true) => {
    if (value === undefined) {
      if (required) problems.push(`${what} is missing`);
      return;
    }
    if (!isNode(value) || value.type !== 'plain_text' || typeof value.text !== 'string')
      return problems.push(`${what} must be a plain_text object`);
    if (value.text.length < 1 || value.text.length > max)
      problems.push(`${what} is ${value.text.length} characters; it must be 1-${max}`);
  };
  const string = (what: string, value: unknown, max: number, min = 0) => {
    if (value === undefined) return;
    if (typeof value !== 'string') return problems.push(`${what} must be a string`);
    if (value.length < min || value.length > max)
      problems.push(`${what} is ${value.length} characters; it must be ${min}-${max}`);
  };
  const options = (where: string, list: unknown, max: number): Set<string> => {
    const values = new Set<string>();
    const items = Array.isArray(list) ? list : [];
    if (items.length < 1 || items.length > max)
      problems.push(`${where} has ${items.length} options; it must have 1-${max}`);
    items.forEach((item: unknown, i) => {
      const o = isNode(item) ? item : {};
      text(`${where} option ${i + 1} text`, o.text, L.optionText);
      string(`${where} option ${i + 1} value`, o.value, L.optionValue, 1);
      text(`${where} option ${i + 1} description`, o.description, L.optionDescription, false);
      if (typeof o.value === 'string') {
        if (values.has(o.value)) problems.push(`${where} option value "${o.value}" appears twice`);
        values.add(o.value);
      }
    });
    return values;
  };
  const chosen = (where: string, picked: unknown[], values: Set<string>) => {
    for (const item of picked) {
      const value = isNode(item) ? item.value : undefined;
      if (typeof value !== 'string' || !values.has(value))
        problems.push(`${where} initial option ${String(value)} is not one of its options`);
    }
  };

  const element = (where: string, e: Node) => {
    string(`${where} action_id`, e.action_id, L.actionId, 1);
    text(`${where} placeholder`, e.placeholder, L.placeholder, false);
    switch (e.type) {
      case 'plain_text_input': {
        const max = typeof e.max_length === 'number' ? e.max_length : L.plainTextInputLength;
        if (max < 1 || max > L.plainTextInputLength) problems.push(`${where} max_length must be 1-3000`);
        if (typeof e.min_length === 'number' && (e.min_length < 0 || e.min_length > max))
          problems.push(`${where} min_length must be 0-${max}`);
        string(`${where} initial_value`, e.initial_value, max);
        return;
      }
      case 'number_input': {
        if (typeof e.is_decimal_allowed !== 'boolean') problems.push(`${where} needs is_decimal_allowed`);
        const [min, max, initial] = [e.min_value, e.max_value, e.initial_value].map(numeric) as [
          number,
          number,
          number,
        ];
        for (const [key, value] of [
          ['min_value', e.min_value],
          ['max_value', e.max_value],
          ['initial_value', e.initial_value],
        ] as const) {
          if (value === undefined) continue;
          const n = numeric(value);
          if (!Number.isFinite(n)) problems.push(`${where} ${key} must be a number as a string`);
          else if (e.is_decimal_allowed === false && !Number.isInteger(n))
            problems.push(`${where} ${key} ${String(value)} is not a whole number`);
        }
        if (min > max) problems.push(`${where} min_value is above max_value`);
        if (initial < min || initial > max)
          problems.push(`${where} initial_value is outside min_value..max_value`);
        return;
      }
      case 'static_select':
      case 'multi_static_select': {
        const values = options(where, e.options, L.selectOptions);
        if (e.initial_option !== undefined) chosen(where, [e.initial_option], values);
        if (Array.isArray(e.initial_options)) chosen(where, e.initial_options, values);
        if (e.max_selected_items !== undefined) {
          const most = e.max_selected_items;
          if (typeof most !== 'number' || !Number.isInteger(most) || most < 1)
            problems.push(`${where} max_selected_items must be a whole number of at least 1`);
          else if (Array.isArray(e.initial_options) && e.initial_options.length > most)
            problems.push(
              `${where} has ${e.initial_options.length} initial options but max_selected_items ${most}`,
            );
        }
        return;
      }
      case 'checkboxes': {
        const values = options(where, e.options, L.checkboxOptions);
        if (Array.isArray(e.initial_options)) chosen(where, e.initial_options, values);
        return;
      }
      case 'file_input': {
        const max = e.max_files ?? L.fileInputFiles;
        if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > L.fileInputFiles)
          problems.push(`${where} max_files must be 1-${L.fileInputFiles}`);
        if (
          e.filetypes !== undefined &&
          (!Array.isArray(e.filetypes) || !e.filetypes.every((t) => typeof t === 'string'))
        )
          problems.push(`${where} filetypes must be a list of extensions`);
        return;
      }
      case 'external_select': {
        if (typeof e.min_query_length === 'number' && e.min_query_length < 0)
          problems.push(`${where} min_query_length must not be negative`);
        if (e.initial_option !== undefined) {
          const o = isNode(e.initial_option) ? e.initial_option : {};
          text(`${where} initial option text`, o.text, L.optionText);
          string(`${where} initial option value`, o.value, L.optionValue, 1);
        }
        return;
      }
      default:
        problems.push(`${where} has element type ${String(e.type)}, which reelbot does not render`);
    }
  };

  if (!isNode(view)) return ['the view is not an object'];
  if (view.type !== 'modal') problems.push('the view type must be modal');
  text('title', view.title, L.title);
  text('close', view.close, L.close, false);
  string('callback_id', view.callback_id, L.callbackId);
  string('private_metadata', view.private_metadata, L.privateMetadata);
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  if (blocks.length > L.blocks)
    problems.push(`the view has ${blocks.length} blocks; Slack allows ${L.blocks}`);
  const hasInput = blocks.some((block: unknown) => isNode(block) && block.type === 'input');
  text('submit', view.submit, L.submit, hasInput);
  const blockIds = new Set<string>();
  for (const [i, block] of blocks.entries()) {
    const where = `block ${i + 1}`;
    if (!isNode(block)) {
      problems.push(`${where} is not an object`);
      continue;
    }
    if (block.block_id !== undefined) {
      string(`${where} block_id`, block.block_id, L.blockId, 1);
      if (typeof block.block_id === 'string') {
        if (blockIds.has(block.block_id))
          problems.push(`${where} block_id "${block.block_id}" is used twice`);
        blockIds.add(block.block_id);
      }
    }
    if (block.type === 'input') {
      text(`${where} label`, block.label, L.inputLabel);
      text(`${where} hint`, block.hint, L.inputHint, false);
      if (isNode(block.element)) element(`${where} (${String(block.block_id)})`, block.element);
      else problems.push(`${where} has no element`);
    } else if (block.type === 'context') {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      if (elements.length < 1 || elements.length > 10) problems.push(`${where} must have 1-10 elements`);
    } else {
      problems.push(`${where} has type ${String(block.type)}, which reelbot does not render in forms`);
    }
  }
  return problems;
}
