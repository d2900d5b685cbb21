import { randomBytes } from 'node:crypto';
import type { AttachmentInput } from '../../core/generations/service-types.js';
import type { GenerationOrigin } from '../../core/generations/types.js';
import type { CatalogModelWithFields } from '../../core/replicate/catalog.js';
import type { RawValue } from '../../core/replicate/coerce.js';
import type { Field } from '../../core/replicate/schema.js';

/**
 * A form being filled: the model, what was typed so far (slash command options and modal pages),
 * and the images given. Kept in memory: a form lives minutes, and after a restart the user runs the
 * command again (the bot says so).
 */
export interface FormDraft {
  id: string;
  userId: string;
  model: CatalogModelWithFields;
  values: Record<string, RawValue>;
  /** Images by field name. */
  attachments: Record<string, AttachmentInput[]>;
  /** The generation an Edit & re-run form came from, recorded as the new one's origin. */
  origin?: GenerationOrigin;
  /** A batch (`/video count:`): how many clips of these values, each with its own seed; 1 when absent. */
  count?: number;
  /** The fields as the form shows them, fixed when the form first opens. */
  formFields?: Field[];
  createdAt: number;
}

/** Forms older than this are dropped. */
const draftLifetimeMs = 60 * 60 * 1000;

/** Form drafts by id. */
export function createFormDrafts(clock: () => number) {
  const drafts = new Map<string, FormDraft>();
  const sweep = () => {
    const now = clock();
    for (const [id, draft] of drafts) if (now - draft.createdAt > draftLifetimeMs) drafts.delete(id);
  };
  return {
    create(input: Omit<FormDraft, 'id' | 'createdAt'>): FormDraft {
      sweep();
      const draft: FormDraft = { ...input, id: randomBytes(6).toString('base64url'), createdAt: clock() };
      drafts.set(draft.id, draft);
      return draft;
    },
    /** The draft, when it exists and belongs to `userId`. */
    get(id: string, userId: string): FormDraft | undefined {
      sweep();
      const draft = drafts.get(id);
      return draft?.userId === userId ? draft : undefined;
    },
    delete(id: string): void {
      drafts.delete(id);
    },
  };
}

export type FormDrafts = ReturnType<typeof createFormDrafts>;

/** Every image of a draft, with its field. */
export function draftAttachments(draft: FormDraft): AttachmentInput[] {
  return Object.entries(draft.attachments).flatMap(([field, list]) =>
    list.map((item) => ({ ...item, field })),
  );
}

/** The draft's values as a form pre-fills them: text, lists one per line. */
export function draftInitialValues(draft: FormDraft): Record<string, string | undefined> {
  const initial: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(draft.values)) {
    if (value === undefined) continue;
    initial[name] = Array.isArray(value) ? value.join('\n') : String(value);
  }
  return initial;
}
