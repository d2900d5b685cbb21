import { DiscordApiError, type Payload } from './http.js';

/**
 * Discord's documented limits, checked the way the real API does: a payload that breaks one is
 * refused with 50035 "Invalid Form Body", so a bot that would fail in production fails here too.
 */
type Problems = string[];

function invalid(problems: Problems): never {
  throw new DiscordApiError(400, 50035, 'Invalid Form Body', problems);
}

function checkLength(problems: Problems, where: string, value: unknown, max: number, min = 0): void {
  if (value === undefined || value === null) {
    if (min > 0) problems.push(`${where} is required`);
    return;
  }
  if (typeof value !== 'string') return void problems.push(`${where} must be a string`);
  if (value.length > max) problems.push(`${where} must be ${max} or fewer in length (got ${value.length})`);
  if (value.length < min) problems.push(`${where} must be ${min} or more in length`);
}

function checkButton(problems: Problems, where: string, button: Payload): void {
  checkLength(problems, `${where}.label`, button.label, 80);
  if (button.style === 5) {
    if (!button.url) problems.push(`${where}.url is required for link buttons`);
    if (button.custom_id) problems.push(`${where}.custom_id is not allowed on link buttons`);
  } else {
    checkLength(problems, `${where}.custom_id`, button.custom_id, 100, 1);
  }
}

function checkMessageComponents(problems: Problems, components: Payload[]): void {
  if (components.length > 5) problems.push(`components must have 5 or fewer rows (got ${components.length})`);
  const ids = new Set<string>();
  components.forEach((row, r) => {
    if (row.type !== 1) {
      problems.push(`components.${r}.type must be an action row (1)`);
      return;
    }
    const children: Payload[] = row.components ?? [];
    if (children.length === 0 || children.length > 5)
      problems.push(`components.${r}.components must have 1 to 5 items`);
    children.forEach((child, c) => {
      const where = `components.${r}.components.${c}`;
      if (child.type === 2) checkButton(problems, where, child);
      else if (child.type !== 3) problems.push(`${where}.type ${child.type} is not allowed in a message row`);
      if (child.custom_id) {
        if (ids.has(child.custom_id)) problems.push(`${where}.custom_id is duplicated`);
        ids.add(child.custom_id);
      }
    });
  });
}

function checkEmbeds(problems: Problems, embeds: Payload[]): void {
  if (embeds.length > 10) problems.push('embeds must have 10 or fewer items');
  embeds.forEach((embed, i) => {
    let total = 0;
    const count = (where: string, value: unknown, max: number) => {
      checkLength(problems, `embeds.${i}.${where}`, value, max);
      if (typeof value === 'string') total += value.length;
    };
    count('title', embed.title, 256);
    count('description', embed.description, 4096);
    count('footer.text', embed.footer?.text, 2048);
    count('author.name', embed.author?.name, 256);
    const fields: Payload[] = embed.fields ?? [];
    if (fields.length > 25) problems.push(`embeds.${i}.fields must have 25 or fewer items`);
    fields.forEach((field, f) => {
      count(`fields.${f}.name`, field.name, 256);
      count(`fields.${f}.value`, field.value, 1024);
      if (!field.name || !field.value) problems.push(`embeds.${i}.fields.${f} needs a name and a value`);
    });
    if (total > 6000) problems.push(`embeds.${i} must hold 6000 or fewer characters in all`);
  });
}

/** Checks a message body (create or edit). */
export function validateMessage(body: Payload): void {
  if (!body || typeof body !== 'object') return;
  const problems: Problems = [];
  checkLength(problems, 'content', body.content, 2000);
  if (Array.isArray(body.components)) checkMessageComponents(problems, body.components);
  if (Array.isArray(body.embeds)) checkEmbeds(problems, body.embeds);
  if (problems.length) invalid(problems);
}

function checkModalChild(problems: Problems, where: string, child: Payload): void {
  switch (child?.type) {
    case 4:
      checkLength(problems, `${where}.custom_id`, child.custom_id, 100, 1);
      checkLength(problems, `${where}.value`, child.value, 4000);
      checkLength(problems, `${where}.placeholder`, child.placeholder, 100);
      if (child.label !== undefined) problems.push(`${where}.label is not allowed inside a Label`);
      if (child.max_length !== undefined && (child.max_length < 1 || child.max_length > 4000))
        problems.push(`${where}.max_length must be between 1 and 4000`);
      if (
        typeof child.value === 'string' &&
        child.max_length !== undefined &&
        child.value.length > child.max_length
      )
        problems.push(`${where}.value is longer than max_length`);
      break;
    case 3: {
      checkLength(problems, `${where}.custom_id`, child.custom_id, 100, 1);
      const options: Payload[] = child.options ?? [];
      if (options.length < 1 || options.length > 25)
        problems.push(`${where}.options must have 1 to 25 items`);
      const values = new Set<string>();
      options.forEach((option, o) => {
        checkLength(problems, `${where}.options.${o}.label`, option.label, 100, 1);
        checkLength(problems, `${where}.options.${o}.value`, option.value, 100, 1);
        checkLength(problems, `${where}.options.${o}.description`, option.description, 100);
        if (values.has(option.value)) problems.push(`${where}.options.${o}.value is duplicated`);
        values.add(option.value);
      });
      const min = child.min_values ?? 1;
      const max = child.max_values ?? 1;
      if (min < 0 || min > 25 || max < 1 || max > 25 || min > max)
        problems.push(
          `${where}.min_values and max_values must be 0-25 and 1-25, the least not above the most`,
        );
      if (max > options.length) problems.push(`${where}.max_values must not be above its options`);
      if (options.filter((option) => option.default).length > max)
        problems.push(`${where}.options have more defaults than max_values`);
      break;
    }
    case 19:
      checkLength(problems, `${where}.custom_id`, child.custom_id, 100, 1);
      if (child.max_values !== undefined && (child.max_values < 1 || child.max_values > 10))
        problems.push(`${where}.max_values must be between 1 and 10`);
      break;
    default:
      problems.push(`${where}.type ${child?.type} is not allowed in a Label`);
  }
}

/** Checks a modal (interaction callback type 9): title, at most 5 Labels, each child's limits. */
export function validateModal(modal: Payload): void {
  const problems: Problems = [];
  checkLength(problems, 'data.title', modal?.title, 45, 1);
  checkLength(problems, 'data.custom_id', modal?.custom_id, 100, 1);
  const components: Payload[] = modal?.components ?? [];
  if (components.length < 1 || components.length > 5)
    problems.push(`data.components must have 1 to 5 items (got ${components.length})`);
  const ids = new Set<string>();
  components.forEach((component, i) => {
    const where = `data.components.${i}`;
    if (component.type === 18) {
      checkLength(problems, `${where}.label`, component.label, 45, 1);
      checkLength(problems, `${where}.description`, component.description, 100);
      checkModalChild(problems, `${where}.component`, component.component);
      const id = component.component?.custom_id;
      if (id) {
        if (ids.has(id)) problems.push(`${where}.component.custom_id is duplicated`);
        ids.add(id);
      }
    } else if (component.type === 10) {
      checkLength(problems, `${where}.content`, component.content, 4000, 1);
    } else if (component.type === 1) {
      const child = component.components?.[0];
      if (component.components?.length !== 1 || child?.type !== 4)
        problems.push(`${where} action rows in modals hold exactly one text input`);
    } else {
      problems.push(`${where}.type ${component.type} is not allowed in a modal`);
    }
  });
  if (problems.length) invalid(problems);
}

/** Checks autocomplete choices (interaction callback type 8). */
export function validateChoices(data: Payload): void {
  const problems: Problems = [];
  const choices: Payload[] = data?.choices ?? [];
  if (choices.length > 25) problems.push(`data.choices must have 25 or fewer items (got ${choices.length})`);
  choices.forEach((choice, i) => {
    checkLength(problems, `data.choices.${i}.name`, choice.name, 100, 1);
    if (typeof choice.value === 'string')
      checkLength(problems, `data.choices.${i}.value`, choice.value, 100, 1);
  });
  if (problems.length) invalid(problems);
}

const commandName = /^[-_\p{Ll}\p{Lo}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const menuName = /^(?=.{1,32}$)[^\s].*[^\s]$|^[^\s]$/u;

function checkOptions(problems: Problems, where: string, options: Payload[]): void {
  if (options.length > 25) problems.push(`${where} must have 25 or fewer items`);
  let seenOptional = false;
  const names = new Set<string>();
  options.forEach((option, i) => {
    const at = `${where}.${i}`;
    if (!commandName.test(option.name ?? ''))
      problems.push(`${at}.name "${option.name}" is not a valid name`);
    if (names.has(option.name)) problems.push(`${at}.name is duplicated`);
    names.add(option.name);
    checkLength(problems, `${at}.description`, option.description, 100, 1);
    if (option.required && seenOptional)
      problems.push(`${at} required options must come before optional ones`);
    if (!option.required) seenOptional = true;
    if (option.autocomplete && ![3, 4, 10].includes(option.type))
      problems.push(`${at}.autocomplete is only allowed on string, integer and number options`);
    if (option.autocomplete && option.choices?.length)
      problems.push(`${at} cannot have both autocomplete and choices`);
    if (option.choices && option.choices.length > 25)
      problems.push(`${at}.choices must have 25 or fewer items`);
  });
}

/** Checks a bulk overwrite of application commands. */
export function validateCommands(commands: Payload): void {
  const problems: Problems = [];
  if (!Array.isArray(commands)) invalid(['body must be an array of commands']);
  if (commands.length > 100) problems.push('at most 100 commands');
  const names = new Set<string>();
  commands.forEach((command: Payload, i: number) => {
    const type = command.type ?? 1;
    // User and message commands (types 2 and 3) are named as menus show them: any case, spaces.
    if (type === 1 ? !commandName.test(command.name ?? '') : !menuName.test(command.name ?? ''))
      problems.push(`${i}.name "${command.name}" is not a valid name`);
    if (type !== 1 && (command.description || command.options?.length))
      problems.push(`${i} a user or message command takes no description or options`);
    // Names are unique per command type: a slash command and a message command may share one.
    const key = `${type}:${command.name}`;
    if (names.has(key)) problems.push(`${i}.name is duplicated`);
    names.add(key);
    if (type === 1) checkLength(problems, `${i}.description`, command.description, 100, 1);
    checkOptions(problems, `${i}.options`, command.options ?? []);
  });
  if (problems.length) invalid(problems);
}
