import type { Generation, Requester, StoredMedia } from '../types.js';

/**
 * Why generations were started together: `compare` runs one prompt on several models, `batch` runs
 * one model with several seeds. Either way they share one chat message and end in one grid video.
 */
export type GroupKind = 'compare' | 'batch';

/**
 * `running` while a member has not ended; `composing` while one process builds the grid (the
 * claim); `succeeded` with the grid kept; `failed` when no member succeeded or the grid failed.
 */
export type GroupStatus = 'running' | 'composing' | 'succeeded' | 'failed';

/** Groups as the store holds them. */
export interface GenerationGroup {
  id: string;
  kind: GroupKind;
  requester: Requester;
  prompt?: string;
  /** The members' generation ids, in the order they were asked for (the grid's tile order). */
  memberIds: string[];
  status: GroupStatus;
  /** The grid video, once composed. */
  media?: StoredMedia;
  /** Why the grid is missing, in words a person understands. */
  error?: string;
  /** The clips admission refused when the group started; the message says which and why. */
  refused: GroupRefusal[];
  /** Platform references to the group's one chat message (opaque to core). */
  messageRef?: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** What a new group needs. */
export type NewGroup = Pick<GenerationGroup, 'kind' | 'requester' | 'prompt' | 'memberIds' | 'messageRef'> & {
  id?: string;
  refused?: GroupRefusal[];
};

/** Fields the group service may change; `null` clears. */
export interface GroupPatch {
  status?: GroupStatus;
  media?: StoredMedia | null;
  error?: string | null;
  messageRef?: Record<string, unknown> | null;
}

/** A clip admission refused (a quota, a limit, a blocked prompt, an unknown model...), and why. */
export interface GroupRefusal {
  model: string;
  seed?: number;
  code: string;
  /** The refusal's `userMessage`. */
  reason: string;
}

/** What the group service tells subscribers: the group and its members as they are now. */
export interface GroupEvent {
  /** `member` when a member moved, `finished` when the group ended (grid kept or failed). */
  type: 'member' | 'finished';
  group: GenerationGroup;
  members: Generation[];
}

export type GroupListener = (event: GroupEvent) => void;
