/**
 * custom_ids of reelbot's own buttons. Everything a button needs is in its custom_id (the
 * generation id) and the store, so buttons keep working after a restart.
 */
export type ButtonAction =
  | { action: 'cancel'; generationId: string }
  | { action: 'reroll'; generationId: string }
  | { action: 'params'; generationId: string }
  | { action: 'delete'; generationId: string }
  /** Sends a simulation's scene as a JSON file, to edit and attach to /simulate again. */
  | { action: 'scene'; generationId: string }
  /** Continues a finished video from its last frame (opens the prompt modal). */
  | { action: 'extend'; generationId: string }
  /** Opens the model's form with the video's values, to run it again changed. */
  | { action: 'edit'; generationId: string }
  /** Marks or unmarks the video as a favorite of the person who pressed. */
  | { action: 'favorite'; generationId: string }
  /** Re-opens a form page with what was typed, after invalid values. */
  | { action: 'form-edit'; draftId: string; page: number };

const generationActions = [
  'cancel',
  'reroll',
  'params',
  'delete',
  'scene',
  'extend',
  'edit',
  'favorite',
] as const;

/** The custom_id of the Extend prompt modal: `rx:<generationId>`. */
export function extendModalId(generationId: string): string {
  return `rx:${generationId}`;
}

/** The generation id of an Extend modal's custom_id, or undefined. */
export function parseExtendModalId(customId: string): string | undefined {
  return /^rx:([A-Za-z0-9_-]{1,90})$/.exec(customId)?.[1];
}

/** The prefix of form custom_ids (modals, "More options", "Generate now"): `rf:<draftId>`. */
export function formPrefix(draftId: string): string {
  return `rf:${draftId}`;
}

/** The draft id of a form custom_id, or undefined. */
export function draftIdOf(customId: string): string | undefined {
  return /^rf:([A-Za-z0-9_-]+):/.exec(customId)?.[1];
}

export function buttonId(action: ButtonAction): string {
  if (action.action === 'form-edit') return `rfe:${action.draftId}:${action.page}`;
  return `rb:${action.action}:${action.generationId}`;
}

/** Reads a button custom_id made by {@link buttonId}; undefined for anything else. */
export function parseButtonId(customId: string): ButtonAction | undefined {
  const edit = /^rfe:([A-Za-z0-9_-]+):(\d+)$/.exec(customId);
  if (edit) return { action: 'form-edit', draftId: edit[1]!, page: Number(edit[2]) };
  const match = /^rb:([a-z]+):([A-Za-z0-9_-]{1,90})$/.exec(customId);
  if (!match) return undefined;
  const action = match[1] as (typeof generationActions)[number];
  if (!generationActions.includes(action)) return undefined;
  return { action, generationId: match[2]! };
}
