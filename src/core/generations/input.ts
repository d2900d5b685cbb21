import { randomInt } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { type FieldProblem, ValidationError } from '../errors.js';
import { type CheckedImage, prepareAttachment } from '../media/attachments.js';
import { assertPromptLength } from '../prompt-limit.js';
import type { ReplicateApi } from '../replicate/client.js';
import { coerceInput, type RawValue, tooManyMessage } from '../replicate/coerce.js';
import { imageFields, promptField } from '../replicate/schema.js';
import type { Field } from '../replicate/schema-types.js';
import type { AttachmentInput } from './service-types.js';

/** A typed Replicate input, and what the status text shows of it. */
export interface PreparedInput {
  input: Record<string, unknown>;
  prompt?: string;
  seed?: number;
}

/** The integer seed input of a model, when it has one. */
export function seedField(fields: Field[]): Field | undefined {
  return fields.find((f) => f.name === 'seed' && (f.kind === 'integer' || f.kind === 'number'));
}

/** A random seed within the field's bounds (and within a signed 32-bit integer, which every model takes). */
export function randomSeed(field: Field): number {
  const low = Math.max(0, Math.ceil(field.min ?? 0));
  const high = Math.min(2 ** 31 - 1, Math.floor(field.max ?? 2 ** 31 - 1));
  return high > low ? randomInt(low, high + 1) : low;
}

/**
 * What an image input holds for the uploaded images `urls` (in the order the person gave them): the
 * one link, or for an input that takes a list of images (`reference_images`) a list with them first
 * and then `others`; Replicate refuses a lone string there. The list is kept within the schema's
 * `maxItems`, which Replicate enforces.
 */
export function imageValue(
  field: Field,
  urls: readonly string[],
  others: unknown[] = [],
): string | unknown[] {
  if (!field.array) return urls[0]!;
  // The person's newest images (attachments, the last frame of an Extend) matter most: they go
  // first, and when the list is full the last of the references drops out to make room.
  return [...urls, ...others].slice(0, field.maxItems);
}

/** How many attachments an image input takes: one, or a list's `maxItems` (any number without one). */
function roomOf(field: Field): number {
  return field.array ? (field.maxItems ?? Number.POSITIVE_INFINITY) : 1;
}

/**
 * Pairs attachments with image inputs, keeping their order: a named one goes to its input (a list
 * input takes every one named for it), an unnamed one to the first image input in form order with
 * room left.
 */
function assignAttachments(fields: Field[], attachments: AttachmentInput[]): Map<string, AttachmentInput[]> {
  const images = imageFields(fields);
  const assigned = new Map<string, AttachmentInput[]>();
  const add = (field: string, attachment: AttachmentInput) =>
    assigned.set(field, [...(assigned.get(field) ?? []), attachment]);
  const problems: FieldProblem[] = [];
  for (const attachment of attachments.filter((a) => a.field)) {
    if (!images.some((f) => f.name === attachment.field))
      problems.push({ field: attachment.field!, message: `${attachment.field} does not take an image` });
    else add(attachment.field!, attachment);
  }
  // Uploads past what an input takes are refused, never cut: each is an image the person chose, and
  // sending some would drop the others without a word. That holds for an input that takes one image
  // too: the forms let a person pick one there, so several mean something gave more than the form
  // asked for, and taking the first would guess; the person, not reelbot, says which one counts.
  for (const field of images) {
    const given = assigned.get(field.name)?.length ?? 0;
    if (given > roomOf(field)) problems.push({ field: field.name, message: tooManyMessage(field, given) });
  }
  for (const attachment of attachments.filter((a) => !a.field)) {
    const free = images.find((f) => (assigned.get(f.name)?.length ?? 0) < roomOf(f));
    if (!free) {
      problems.push({
        field: 'image',
        message: images.length === 0 ? 'this model does not take an image' : 'too many images for this model',
      });
      continue;
    }
    add(free.name, attachment);
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return assigned;
}

/** Between the prompts of a model that takes a list of them (one per scene), in the one prompt shown. */
const promptSeparator = ' / ';

/**
 * The prompts a prompt input holds: one string, or a list of them (`prompts`: one per scene), so the
 * generation's prompt (shown, searched, checked for blocked terms) is what the person typed either way.
 */
function promptsOf(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values.filter((each): each is string => typeof each === 'string' && each !== '');
}

/**
 * Turns form values and attachments into a model input: coerces every value (one problem per bad
 * field), holds the prompt to {@link assertPromptLength}, checks and uploads each image through Replicate's Files API, and picks a random seed when
 * the model has a seed input left empty, so the result can be reproduced and rerolled. A bad image
 * throws `AttachmentError` before anything is recorded or started.
 */
export async function prepareInput(options: {
  fields: Field[];
  values: Record<string, RawValue>;
  attachments?: AttachmentInput[];
  api: Pick<ReplicateApi, 'uploadFile'>;
  dispatcher?: Dispatcher;
  /** Looks at each checked image before it is uploaded (moderation); throws to refuse it. */
  inspectImage?: (image: CheckedImage) => Promise<void>;
}): Promise<PreparedInput> {
  const { fields } = options;
  const assigned = assignAttachments(fields, options.attachments ?? []);
  // Before any upload: a list short of its minItems with the attached images counted is refused here.
  const attached = Object.fromEntries([...assigned].map(([name, each]) => [name, each.length]));
  const input = coerceInput(fields, options.values, { attached });
  const prompt = promptField(fields);
  const prompts = promptsOf(prompt ? input[prompt.name] : undefined);
  // Before any upload: an over-long prompt is refused without touching Replicate.
  for (const each of prompts) assertPromptLength(each, prompt!.name);
  for (const [name, attachments] of assigned) {
    const urls: string[] = [];
    // One by one, in the order given: that order is the list's order at Replicate.
    for (const attachment of attachments) {
      const uploaded = await prepareAttachment(attachment, options.api, {
        dispatcher: options.dispatcher,
        inspect: options.inspectImage,
      });
      urls.push(uploaded.url);
    }
    // Links typed into a list input stay, after the attached images.
    const typed = input[name];
    input[name] = imageValue(
      fields.find((field) => field.name === name)!,
      urls,
      Array.isArray(typed) ? typed : [],
    );
  }
  const seed = seedField(fields);
  if (seed && input.seed === undefined) input.seed = randomSeed(seed);
  return {
    input,
    prompt: prompts.length > 0 ? prompts.join(promptSeparator) : undefined,
    seed: typeof input.seed === 'number' ? input.seed : undefined,
  };
}
