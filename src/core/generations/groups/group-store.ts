import type { Platform } from '../types.js';
import type { GenerationGroup, GroupPatch, GroupStatus, NewGroup } from './types.js';

/**
 * The port groups are kept behind, implemented by src/core/store on both engines. A group's
 * members are ordinary generations; the store only remembers which they are and in what order.
 */
export interface GroupStore {
  /** Records a group and its members in one step. */
  insert(group: NewGroup): Promise<GenerationGroup>;
  get(id: string): Promise<GenerationGroup | undefined>;
  /** The group a generation belongs to, if any. */
  groupIdOf(generationId: string): Promise<string | undefined>;
  /**
   * The group of each of these generations that has one, keyed by generation id, read at once:
   * a gallery page asks for all its entries' groups and their members in one query.
   */
  groupsOf(generationIds: readonly string[]): Promise<Map<string, GenerationGroup>>;
  /** Applies a patch only while the status is one of `from`; returns whether it won (the grid claim). */
  transition(id: string, from: readonly GroupStatus[], patch: GroupPatch): Promise<boolean>;
  /** Groups not yet ended (`running` or `composing`), oldest first: the work to resume after a restart. */
  listUnfinished(): Promise<GenerationGroup[]>;
  /**
   * Groups of `platform` that ended (`succeeded` or `failed`) and were last changed at `since` or
   * later, oldest first: the ones whose final message a restarted bot may still owe.
   */
  listEnded(platform: Platform, since: number): Promise<GenerationGroup[]>;
}
