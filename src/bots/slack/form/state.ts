import type { RawValue } from '../../../core/replicate/coerce.js';
import { slackModelActionId, slackModelBlockId } from './view.js';

/** A file a user attached through a file_input, as `view.state.values` carries it. */
export interface SlackFileRef {
  id: string;
  name?: string;
  mimetype?: string;
  filetype?: string;
  size?: number;
  url_private?: string;
  url_private_download?: string;
}

interface ActionState {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: { value?: string }[];
  files?: SlackFileRef[];
}

/** `view.state.values`: block_id -> action_id -> state. */
export type SlackStateValues = Record<string, Record<string, ActionState>>;

function firstAction(block: Record<string, ActionState> | undefined): ActionState | undefined {
  return block ? Object.values(block)[0] : undefined;
}

function rawValueOf(state: ActionState): RawValue {
  if (Array.isArray(state.files)) return state.files.map((file) => file.id);
  if (Array.isArray(state.selected_options))
    return state.selected_options.map((option) => option.value ?? '').filter(Boolean);
  if (state.selected_option !== undefined) return state.selected_option?.value ?? undefined;
  return typeof state.value === 'string' ? state.value : undefined;
}

/**
 * Reads `view.state.values` of a submitted modal into raw values per field (the block_id): text and
 * numbers as typed, selects by value, checkboxes as the list of ticked values (`[]` when none:
 * that is "no"), file inputs as file ids (see `slackViewFiles` for the files). The model chooser is
 * left out (see `selectedSlackModel`).
 */
export function parseSlackViewState(values: SlackStateValues): Record<string, RawValue> {
  const raw: Record<string, RawValue> = {};
  for (const [blockId, block] of Object.entries(values ?? {})) {
    if (blockId === slackModelBlockId) continue;
    const state = firstAction(block);
    if (state) raw[blockId] = rawValueOf(state);
  }
  return raw;
}

/** The `owner/name` chosen in the model chooser, if any. */
export function selectedSlackModel(values: SlackStateValues): string | undefined {
  return values?.[slackModelBlockId]?.[slackModelActionId]?.selected_option?.value ?? undefined;
}

/** The files attached per field, with the URLs to fetch them (with the bot token). */
export function slackViewFiles(values: SlackStateValues): Record<string, SlackFileRef[]> {
  const files: Record<string, SlackFileRef[]> = {};
  for (const [blockId, block] of Object.entries(values ?? {})) {
    const state = firstAction(block);
    if (state && Array.isArray(state.files) && state.files.length > 0) files[blockId] = state.files;
  }
  return files;
}
