/**
 * The limits Slack enforces on modals and messages, checked the way Slack answers them: a list of
 * `[ERROR] ... [json-pointer:/view/...]` messages under `invalid_arguments`. A bot that breaks one
 * in a test would break it in a real workspace too.
 */

type Json = Record<string, unknown>;

function textOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && typeof (value as Json).text === 'string')
    return (value as Json).text as string;
  return undefined;
}

function maxLength(problems: string[], value: string | undefined, max: number, pointer: string) {
  if (value !== undefined && value.length > max)
    problems.push(`[ERROR] must be less than ${max + 1} characters [json-pointer:${pointer}]`);
}

function checkOptions(problems: string[], options: unknown, pointer: string) {
  if (!Array.isArray(options)) return;
  if (options.length > 100) problems.push(`[ERROR] must provide at most 100 items [json-pointer:${pointer}]`);
  options.forEach((option: Json, i) => {
    maxLength(problems, textOf(option.text), 75, `${pointer}/${i}/text/text`);
    if (typeof option.value === 'string') maxLength(problems, option.value, 150, `${pointer}/${i}/value`);
  });
}

function checkElement(problems: string[], element: Json | undefined, pointer: string) {
  if (!element) return;
  maxLength(problems, element.action_id as string | undefined, 255, `${pointer}/action_id`);
  switch (element.type) {
    case 'plain_text_input':
      if (typeof element.max_length === 'number' && element.max_length > 3000)
        problems.push(`[ERROR] must be at most 3000 [json-pointer:${pointer}/max_length]`);
      maxLength(problems, element.initial_value as string | undefined, 3000, `${pointer}/initial_value`);
      break;
    case 'multi_static_select':
      if (
        typeof element.max_selected_items === 'number' &&
        Array.isArray(element.initial_options) &&
        element.initial_options.length > element.max_selected_items
      )
        problems.push(
          `[ERROR] must provide at most ${element.max_selected_items} items [json-pointer:${pointer}/initial_options]`,
        );
      checkOptions(problems, element.options, `${pointer}/options`);
      break;
    case 'static_select':
    case 'radio_buttons':
    case 'checkboxes':
      checkOptions(problems, element.options, `${pointer}/options`);
      break;
    case 'file_input':
      if (typeof element.max_files === 'number' && element.max_files > 10)
        problems.push(`[ERROR] must be at most 10 [json-pointer:${pointer}/max_files]`);
      break;
    default:
      break;
  }
}

/** Checks blocks (of a modal or a message); `max` is 100 in modals, 50 in messages. */
export function checkBlocks(blocks: unknown, max: number, pointer: string): string[] {
  const problems: string[] = [];
  if (blocks === undefined) return problems;
  if (!Array.isArray(blocks)) return [`[ERROR] must be an array [json-pointer:${pointer}]`];
  if (blocks.length > max)
    problems.push(`[ERROR] must provide at most ${max} items [json-pointer:${pointer}]`);
  const ids = new Set<string>();
  blocks.forEach((block: Json, i) => {
    const at = `${pointer}/${i}`;
    if (typeof block.block_id === 'string') {
      maxLength(problems, block.block_id, 255, `${at}/block_id`);
      if (ids.has(block.block_id))
        problems.push(`[ERROR] block_id must be unique [json-pointer:${at}/block_id]`);
      ids.add(block.block_id);
    }
    if (block.type === 'section') {
      maxLength(problems, textOf(block.text), 3000, `${at}/text/text`);
      checkElement(problems, block.accessory as Json | undefined, `${at}/accessory`);
    }
    if (block.type === 'input') {
      maxLength(problems, textOf(block.label), 2000, `${at}/label/text`);
      maxLength(problems, textOf(block.hint), 2000, `${at}/hint/text`);
      if (!block.element) problems.push(`[ERROR] missing required field: element [json-pointer:${at}]`);
      checkElement(problems, block.element as Json | undefined, `${at}/element`);
    }
    if (block.type === 'actions') {
      const elements = (block.elements as Json[] | undefined) ?? [];
      if (elements.length > 25)
        problems.push(`[ERROR] must provide at most 25 items [json-pointer:${at}/elements]`);
      elements.forEach((element, j) => {
        checkElement(problems, element, `${at}/elements/${j}`);
      });
    }
  });
  return problems;
}

/** Checks a modal view for views.open / views.update. */
export function checkModal(view: unknown): string[] {
  if (!view || typeof view !== 'object') return ['[ERROR] missing required field: view'];
  const v = view as Json;
  const problems: string[] = [];
  if (v.type !== 'modal') problems.push('[ERROR] must be modal [json-pointer:/view/type]');
  const title = textOf(v.title);
  if (!title) problems.push('[ERROR] missing required field: title [json-pointer:/view/title]');
  maxLength(problems, title, 24, '/view/title/text');
  maxLength(problems, textOf(v.submit), 24, '/view/submit/text');
  maxLength(problems, textOf(v.close), 24, '/view/close/text');
  maxLength(problems, v.private_metadata as string | undefined, 3000, '/view/private_metadata');
  maxLength(problems, v.callback_id as string | undefined, 255, '/view/callback_id');
  const blocks = v.blocks as unknown[] | undefined;
  problems.push(...checkBlocks(blocks, 100, '/view/blocks'));
  if (!v.submit && (blocks ?? []).some((b) => (b as Json).type === 'input'))
    problems.push('[ERROR] submit is required when an input block is present [json-pointer:/view/submit]');
  return problems;
}
