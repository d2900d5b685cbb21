import { discordModalLimits as L } from './limits.js';

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null;
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * Checks a modal payload against Discord's documented limits (modal: custom_id 1-100, title 1-45,
 * 1-5 components; Label: label 1-45, description <= 100; Text Input: value <= 4000, placeholder
 * <= 100, lengths 0-4000; String Select: 1-25 options, label and value 1-100, description <= 100,
 * placeholder <= 150, min 0-25, max 1-25; File Upload: min 0-10, max 1-10). Returns one sentence
 * per violation; empty when Discord would accept it.
 */
export function validateDiscordModal(payload: unknown): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const length = (what: string, value: unknown, min: number, max: number) => {
    const s = text(value);
    if (s === undefined) {
      if (min > 0) problems.push(`${what} is missing`);
      return;
    }
    if (s.length < min || s.length > max)
      problems.push(`${what} is ${s.length} characters; it must be ${min}-${max}`);
  };
  const count = (what: string, value: unknown, min: number, max: number) => {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      problems.push(`${what} is ${String(value)}; it must be a whole number ${min}-${max}`);
  };
  const customId = (where: string, value: unknown) => {
    length(`${where} custom_id`, value, 1, L.customId);
    if (typeof value === 'string') {
      if (ids.has(value)) problems.push(`${where} custom_id "${value}" is used twice`);
      ids.add(value);
    }
  };

  const checkInteractive = (where: string, component: Node) => {
    switch (component.type) {
      case 4: {
        customId(where, component.custom_id);
        if (component.style !== 1 && component.style !== 2) problems.push(`${where} style must be 1 or 2`);
        length(`${where} value`, component.value, 0, L.textInputValue);
        length(`${where} placeholder`, component.placeholder, 0, L.textInputPlaceholder);
        count(`${where} min_length`, component.min_length, 0, L.textInputValue);
        count(`${where} max_length`, component.max_length, 1, L.textInputValue);
        const max = typeof component.max_length === 'number' ? component.max_length : L.textInputValue;
        if (typeof component.value === 'string' && component.value.length > max)
          problems.push(`${where} value is longer than its max_length ${max}`);
        return;
      }
      case 3: {
        customId(where, component.custom_id);
        length(`${where} placeholder`, component.placeholder, 0, L.selectPlaceholder);
        const options = Array.isArray(component.options) ? component.options : [];
        if (options.length < 1 || options.length > L.selectOptions)
          problems.push(`${where} has ${options.length} options; it must have 1-${L.selectOptions}`);
        const values = new Set<string>();
        let defaults = 0;
        options.forEach((option: unknown, i) => {
          const o = isNode(option) ? option : {};
          length(`${where} option ${i + 1} label`, o.label, 1, L.selectOptionLabel);
          length(`${where} option ${i + 1} value`, o.value, 1, L.selectOptionValue);
          length(`${where} option ${i + 1} description`, o.description, 0, L.selectOptionDescription);
          if (typeof o.value === 'string' && values.has(o.value))
            problems.push(`${where} option value "${o.value}" appears twice`);
          if (typeof o.value === 'string') values.add(o.value);
          if (o.default === true) defaults++;
        });
        count(`${where} min_values`, component.min_values, 0, L.selectValues);
        count(`${where} max_values`, component.max_values, 1, L.selectValues);
        const min = typeof component.min_values === 'number' ? component.min_values : 1;
        const max = typeof component.max_values === 'number' ? component.max_values : 1;
        if (min > max) problems.push(`${where} min_values ${min} is above max_values ${max}`);
        if (max > options.length && options.length > 0)
          problems.push(`${where} max_values ${max} is above its ${options.length} options`);
        if (defaults > max) problems.push(`${where} has ${defaults} default options but max_values ${max}`);
        return;
      }
      case 19: {
        customId(where, component.custom_id);
        count(`${where} min_values`, component.min_values, 0, L.fileUploadValues);
        count(`${where} max_values`, component.max_values, 1, L.fileUploadValues);
        const min = typeof component.min_values === 'number' ? component.min_values : 1;
        const max = typeof component.max_values === 'number' ? component.max_values : 1;
        if (min > max) problems.push(`${where} min_values ${min} is above max_values ${max}`);
        return;
      }
      default:
        problems.push(`${where} has type ${String(component.type)}, which reelbot does not put in a Label`);
    }
  };

  if (!isNode(payload)) return ['the modal is not an object'];
  customId('modal', payload.custom_id);
  length('modal title', payload.title, 1, L.title);
  const components = Array.isArray(payload.components) ? payload.components : [];
  if (components.length < 1 || components.length > L.topLevelComponents)
    problems.push(`the modal has ${components.length} components; it must have 1-${L.topLevelComponents}`);
  for (const [i, component] of components.entries()) {
    const where = `component ${i + 1}`;
    if (!isNode(component)) {
      problems.push(`${where} is not an object`);
      continue;
    }
    if (component.type === 18) {
      length(`${where} label`, component.label, 1, L.labelText);
      length(`${where} description`, component.description, 0, L.labelDescription);
      if (isNode(component.component))
        checkInteractive(`${where} (${text(component.label) ?? 'label'})`, component.component);
      else problems.push(`${where} is a Label without a component`);
    } else if (component.type === 10) {
      length(`${where} content`, component.content, 1, 4000);
    } else {
      problems.push(
        `${where} has type ${String(component.type)}; a modal takes Labels (18) and Text Displays (10)`,
      );
    }
  }
  return problems;
}
