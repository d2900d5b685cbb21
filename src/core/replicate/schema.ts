import { SchemaError } from '../errors.js';
import { isNode, resolveProperty, type SchemaNode } from './schema-resolve.js';
import type { Field, FieldOption } from './schema-types.js';

export type { Field, FieldKind, FieldOption } from './schema-types.js';

const imageWords = new Set(['image', 'img', 'frame', 'photo', 'picture', 'pic', 'keyframe']);
const imageWordPattern = /\b(image|img|frame|photo|picture|keyframe)s?\b/i;
const uriWords = new Set(['url', 'uri', 'link']);
/** Strings longer than this are paragraphs, whatever their name. */
const longDefaultLength = 80;

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** `first_frame_image` -> `First Frame Image`: what Cog would have put in `title`. */
export function humanize(name: string): string {
  return words(name)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
}

/**
 * Whether a plain string input (no `format: uri`) takes an image link: its name ends in an image
 * word (`first_frame_image`, `last_frame`) or in url/uri after one (`start_image_url`).
 */
function namesAnImage(name: string, description: string): boolean {
  const parts = words(name);
  const last = parts.at(-1);
  if (!last) return false;
  if (imageWords.has(last)) return true;
  if (uriWords.has(last) && parts.slice(0, -1).some((part) => imageWords.has(part))) return true;
  // `start` described as "URL of the start image": the description carries the meaning.
  return (
    /\b(url|uri|link)\b/i.test(description) && imageWordPattern.test(description) && !parts.includes('prompt')
  );
}

function isPromptName(name: string): boolean {
  const parts = words(name);
  return parts.includes('prompt') || parts.includes('prompts') || name === 'text' || name === 'caption';
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function valueTypeOf(values: (string | number)[], declared: unknown): Field['valueType'] {
  if (declared === 'integer' || declared === 'number' || declared === 'string') return declared;
  if (values.every((v) => typeof v === 'number'))
    return values.every((v) => Number.isInteger(v)) ? 'integer' : 'number';
  return 'string';
}

function inferType(node: SchemaNode): unknown {
  if (node.type !== undefined) return node.type;
  if (typeof node.format === 'string') return 'string';
  if (isNode(node.items)) return 'array';
  if (isNode(node.properties)) return 'object';
  const sample = node.default;
  if (typeof sample === 'boolean') return 'boolean';
  if (typeof sample === 'number') return Number.isInteger(sample) ? 'integer' : 'number';
  if (typeof sample === 'string') return 'string';
  return undefined;
}

/** How many items an array node holds: its `maxItems` and `minItems`, when they bound anything. */
function itemBounds(node: SchemaNode): Pick<Field, 'maxItems' | 'minItems'> {
  const most = finite(node.maxItems);
  const least = finite(node.minItems);
  // A bound below one item would leave nothing to send: such a schema is read as unbounded.
  const maxItems = most !== undefined && most >= 1 ? Math.floor(most) : undefined;
  // One item is what any given list holds already; a least past the most is a schema nobody can fill.
  const minItems =
    least !== undefined && Math.ceil(least) > 1 && Math.ceil(least) <= (maxItems ?? Number.POSITIVE_INFINITY)
      ? Math.ceil(least)
      : undefined;
  return {
    ...(maxItems === undefined ? {} : { maxItems }),
    ...(minItems === undefined ? {} : { minItems }),
  };
}

/** The kind and bounds of one (resolved) node; arrays are read through their items. */
function classify(
  root: SchemaNode,
  name: string,
  node: SchemaNode,
  description: string,
): Pick<Field, 'kind' | 'min' | 'max' | 'options' | 'valueType' | 'array' | 'maxItems' | 'minItems'> {
  const type = inferType(node);
  if (type === 'array') {
    const bounds = itemBounds(node);
    if (!isNode(node.items)) return { kind: 'text', array: true, ...bounds };
    const items = resolveProperty(root, node.items).node;
    const inner = classify(root, name, items, description);
    if (inner.kind === 'json' || inner.kind === 'boolean' || inner.array) return { kind: 'json' };
    return { ...inner, kind: inner.kind === 'longtext' ? 'text' : inner.kind, array: true, ...bounds };
  }
  if (Array.isArray(node.enum)) {
    // Some schemas repeat a value (laion-ai/laionide-v2 lists "40" twice); platforms refuse
    // duplicate options, and the second copy adds nothing.
    const values = [
      ...new Set(
        node.enum.filter(
          (value): value is string | number =>
            typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)),
        ),
      ),
    ];
    if (values.length > 0) {
      const options: FieldOption[] = values.map((value) => ({ label: String(value), value }));
      return { kind: 'enum', options, valueType: valueTypeOf(values, type) };
    }
  }
  if (type === 'boolean') return { kind: 'boolean' };
  if (type === 'integer' || type === 'number') {
    let min = finite(node.minimum);
    let max = finite(node.maximum);
    const exclusiveMin = finite(node.exclusiveMinimum);
    const exclusiveMax = finite(node.exclusiveMaximum);
    const step = type === 'integer' ? 1 : 0;
    if (exclusiveMin !== undefined) min = exclusiveMin + step;
    if (exclusiveMax !== undefined) max = exclusiveMax - step;
    if (type === 'integer') {
      // A decimal bound on an integer (sharaddition/paraphrase-gpt: minimum 0.01) means the
      // nearest whole number inside it; Slack refuses a decimal bound on an integer input.
      if (min !== undefined) min = Math.ceil(min);
      if (max !== undefined) max = Math.floor(max);
    }
    return { kind: type, min, max };
  }
  if (type === 'object') return { kind: 'json' };
  if (type === 'string') {
    const format = typeof node.format === 'string' ? node.format : '';
    const title = typeof node.title === 'string' ? node.title : '';
    if (format === 'uri' || format === 'uri-reference' || format === 'url') {
      const says = `${words(name).join(' ')} ${title} ${description}`;
      return { kind: imageWordPattern.test(says) ? 'image' : 'file' };
    }
    if (namesAnImage(name, description)) return { kind: 'image' };
    const sample = typeof node.default === 'string' ? node.default : '';
    const maxLength = finite(node.maxLength);
    if (isPromptName(name) || sample.length > longDefaultLength || (maxLength ?? 0) > 300)
      return { kind: 'longtext' };
    return { kind: 'text' };
  }
  return { kind: 'text' };
}

function inputSchemaOf(openapiSchema: unknown, model: string): { root: SchemaNode; input: SchemaNode } {
  if (!isNode(openapiSchema)) throw new SchemaError(model, 'the schema is not a JSON object');
  const components = openapiSchema.components;
  const schemas = isNode(components) ? components.schemas : undefined;
  if (!isNode(schemas)) throw new SchemaError(model, 'it has no components.schemas');
  let input = schemas.Input;
  if (isNode(input) && typeof input.$ref === 'string') input = resolveProperty(openapiSchema, input).node;
  if (!isNode(input)) throw new SchemaError(model, 'it has no components.schemas.Input object');
  if (input.properties !== undefined && !isNode(input.properties))
    throw new SchemaError(model, 'Input.properties is not an object');
  if (input.required !== undefined && !Array.isArray(input.required))
    throw new SchemaError(model, 'Input.required is not a list');
  return { root: openapiSchema, input };
}

/**
 * Reads a model version's OpenAPI schema (`components.schemas.Input`) into form fields, sorted by
 * `x-order`. An input of a shape we do not know becomes a text field; a schema without an `Input`
 * object throws {@link SchemaError} naming `model`.
 */
export function fieldsFromSchema(openapiSchema: unknown, model: string): Field[] {
  const { root, input } = inputSchemaOf(openapiSchema, model);
  const properties = (input.properties ?? {}) as SchemaNode;
  const required = new Set((input.required as unknown[] | undefined)?.filter((n) => typeof n === 'string'));
  const entries = Object.entries(properties);
  const orders = entries
    .map(([, property]) => (isNode(property) ? finite(property['x-order']) : undefined))
    .filter((order): order is number => order !== undefined);
  const afterOrdered = orders.length > 0 ? Math.max(...orders) + 1 : 0;

  const fields = entries.map(([name, raw], index): Field => {
    const property = isNode(raw) ? raw : {};
    const { node, nullable, ambiguous } = resolveProperty(root, property);
    const description =
      typeof node.description === 'string' && node.description.trim() ? node.description.trim() : undefined;
    const shape = ambiguous ? { kind: 'text' as const } : classify(root, name, node, description ?? '');
    const title =
      typeof property.title === 'string' && property.title.trim() ? property.title.trim() : undefined;
    const field: Field = {
      name,
      label: title ?? humanize(name),
      kind: shape.kind,
      required: required.has(name),
      order: finite(property['x-order']) ?? afterOrdered + index,
    };
    if (node.default !== undefined && node.default !== null) field.default = node.default;
    if (shape.min !== undefined) field.min = shape.min;
    if (shape.max !== undefined) field.max = shape.max;
    if (shape.options) field.options = shape.options;
    if (shape.valueType) field.valueType = shape.valueType;
    if (description) field.description = description;
    if (nullable) field.nullable = true;
    if (shape.array) field.array = true;
    if (shape.maxItems !== undefined) field.maxItems = shape.maxItems;
    if (shape.minItems !== undefined) field.minItems = shape.minItems;
    return field;
  });
  return fields.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}

/** The inputs that take an image: the ones a chat attachment fills. */
export function imageFields(fields: Field[]): Field[] {
  return fields.filter((field) => field.kind === 'image');
}

/**
 * The field a `prompt` option fills: `prompt` itself, else the first prompt-like text input that is
 * not a negative prompt, else `text`/`caption`.
 */
export function promptField(fields: Field[]): Field | undefined {
  const textual = fields.filter((field) => field.kind === 'text' || field.kind === 'longtext');
  const exact = textual.find((field) => field.name === 'prompt');
  if (exact) return exact;
  const promptLike = textual.find((field) => {
    const parts = words(field.name);
    return (
      (parts.includes('prompt') || parts.includes('prompts')) &&
      !parts.some((part) => part === 'negative' || part === 'n' || part === 'neg' || part === 'image')
    );
  });
  return promptLike ?? textual.find((field) => field.name === 'text' || field.name === 'caption');
}
