import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { ReelbotError, ValidationError } from '../../errors.js';
import type { GridOptions } from '../../media/grid.js';
import type { MediaStorage } from '../../media/storage.js';
import type { Catalog } from '../../replicate/catalog.js';
import { promptField } from '../../replicate/schema.js';
import type { EventBus } from '../event-bus.js';
import { seedField } from '../input.js';
import type { AttachmentInput, GenerationRequest, GenerationService } from '../service-types.js';
import { type Generation, type GenerationEvent, isFinal, type Platform, type Requester } from '../types.js';
import { keepGrid } from './grid-keeper.js';
import type { GroupStore } from './group-store.js';
import type {
  GenerationGroup,
  GroupEvent,
  GroupKind,
  GroupListener,
  GroupRefusal,
  GroupStatus,
} from './types.js';

/** Compare takes 2 to 4 models; a batch 1 to 4 seeds: four tiles still read on a phone. */
export const maxGroupSize = 4;

/** What a bot asks for: one prompt on several models (compare), or one model several times (batch). */
export interface GroupRequest {
  kind: GroupKind;
  requester: Requester;
  /** Put into each model's prompt field, over `values`; absent when the form's values carry it. */
  prompt?: string;
  /** Compare: 2 to 4 models. Batch: the one model. */
  models: string[];
  /** Batch: how many clips, 1 to 4. */
  count?: number;
  /**
   * Batch: the model's form as filled in (every parameter), given to each clip; only the seed
   * differs. A seed typed in the form is the first clip's, the next ones count up from it.
   */
  values?: GenerationRequest['values'];
  /** Batch: the images given with the form, the same for each clip. */
  attachments?: AttachmentInput[];
  messageRef?: Record<string, unknown>;
}

/** A group as started: its members, and the clips admission refused (said in the message). */
export interface GroupStart {
  group: GenerationGroup;
  members: Generation[];
  refused: GroupRefusal[];
}

export interface GroupServiceDeps {
  service: Pick<GenerationService, 'start' | 'get' | 'subscribe' | 'checkQuota' | 'checkPrompt'>;
  groups: GroupStore;
  catalog: Pick<Catalog, 'getModel'>;
  storage: MediaStorage;
  logger: Logger;
  /** Whether this process composes grids (the one that performs jobs); true by default. */
  composes?: boolean;
  grid?: GridOptions;
  clock?: () => number;
  /**
   * Where a group's end is told to every process (the runtime's event bus): the process that
   * composes the grid is not always the one whose bot shows the group. Without it, only this
   * process's listeners hear of the end.
   */
  bus?: Pick<EventBus, 'publishGroup' | 'subscribeGroups'>;
}

/**
 * A grid takes seconds to compose; a group still `composing` this long after its claim belongs to a
 * process that died while composing, and is composed again.
 */
const composeLeaseMs = 10 * 60 * 1000;

const allStatuses: readonly GroupStatus[] = ['running', 'composing', 'succeeded', 'failed'];

/** One clip to start: its model and, where the model takes one, its seed. */
interface Clip {
  model: string;
  seed: number;
}

/** The clips of a request, checked: 2–4 distinct models, or 1–4 seeds of one model. */
function clipsOf(request: GroupRequest, seed: number): Clip[] {
  const models = [...new Set(request.models.map((m) => m.trim()).filter(Boolean))];
  if (request.kind === 'compare') {
    if (models.length < 2 || models.length > maxGroupSize)
      throw new ValidationError([
        { field: 'models', message: `compare takes 2 to ${maxGroupSize} different models` },
      ]);
    return models.map((model) => ({ model, seed }));
  }
  const count = request.count ?? 1;
  if (models.length !== 1 || !Number.isInteger(count) || count < 1 || count > maxGroupSize)
    throw new ValidationError([
      { field: 'count', message: `a batch is 1 to ${maxGroupSize} videos of one model` },
    ]);
  return Array.from({ length: count }, (_, i) => ({ model: models[0]!, seed: seed + i }));
}

/**
 * Groups of generations started together and shown as one: the whole group must fit the person's
 * daily videos and its one prompt is checked once (blocked terms, moderation) before any clip;
 * then each member goes through the service's own admission (so limits count per clip), the group is
 * recorded with the admitted ones, and when every member has ended one process claims the group
 * and keeps the grid video of the members that succeeded. Events go to this process's listeners.
 */
export function createGroupService(deps: GroupServiceDeps) {
  const { groups, logger } = deps;
  const listeners = new Set<GroupListener>();
  // Members known here, so progress events need no store read to find their group.
  const known = new Map<string, string>();
  const finishing = new Set<Promise<unknown>>();
  let closed = false;

  function tell(event: GroupEvent) {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.error({ err: error, groupId: event.group.id }, 'group listener threw');
      }
    }
  }

  async function membersOf(group: GenerationGroup): Promise<Generation[]> {
    const members = await Promise.all(group.memberIds.map((id) => deps.service.get(id)));
    return members.filter((member): member is Generation => member !== undefined);
  }

  /** A seed every member can take: within the bounds of every model's seed input. */
  async function commonSeed(models: string[]): Promise<number> {
    let low = 0;
    let high = 2 ** 31 - 1;
    for (const ref of models) {
      const field = await deps.catalog
        .getModel(ref)
        .then((model) => seedField(model.fields))
        .catch(() => undefined);
      if (field?.min !== undefined) low = Math.max(low, Math.ceil(field.min));
      if (field?.max !== undefined) high = Math.min(high, Math.floor(field.max));
    }
    // Room for a batch's consecutive seeds.
    high = Math.max(low, high - maxGroupSize);
    return high > low ? randomInt(low, Math.min(high, 2 ** 31 - 2) + 1) : low;
  }

  /**
   * What a batch's form says of the group: its prompt (for the message) and the seed typed, when it
   * is a whole number in the model's seed input (the first clip's; the next ones count up from it).
   */
  async function fromForm(request: GroupRequest): Promise<{ prompt?: string; seed?: number }> {
    if (request.kind !== 'batch' || !request.values || request.models.length !== 1) return {};
    const fields = await deps.catalog
      .getModel(request.models[0]!)
      .then((model) => model.fields)
      .catch(() => []);
    const seedName = seedField(fields)?.name;
    const typedSeed = seedName ? request.values[seedName] : undefined;
    const seed =
      typeof typedSeed === 'string' && /^\s*\d+\s*$/.test(typedSeed) ? Number(typedSeed) : undefined;
    const typedPrompt = request.values[promptField(fields)?.name ?? 'prompt'];
    return {
      ...(typeof typedPrompt === 'string' && typedPrompt.trim() ? { prompt: typedPrompt } : {}),
      ...(seed !== undefined && Number.isSafeInteger(seed) ? { seed } : {}),
    };
  }

  async function startClip(request: GroupRequest, clip: Clip): Promise<Generation> {
    const model = await deps.catalog.getModel(clip.model);
    const values: GenerationRequest['values'] = { ...request.values };
    if (request.prompt !== undefined) values[promptField(model.fields)?.name ?? 'prompt'] = request.prompt;
    const seed = seedField(model.fields);
    if (seed) values[seed.name] = String(clip.seed);
    return deps.service.start({
      requester: request.requester,
      model: clip.model,
      values,
      ...(request.attachments?.length ? { attachments: request.attachments } : {}),
    });
  }

  async function start(request: GroupRequest): Promise<GroupStart> {
    const form = await fromForm(request);
    const clips = clipsOf(request, form.seed ?? (await commonSeed(request.models)));
    // The whole group first: every clip counts against the person's daily videos, and the one
    // prompt is checked once. A group past the quota or with a refused prompt starts no clip.
    await deps.service.checkQuota(request.requester, clips.length);
    const prompt = request.prompt ?? form.prompt;
    if (prompt) await deps.service.checkPrompt(prompt, request.requester);
    const members: Generation[] = [];
    const refused: GroupRefusal[] = [];
    let firstRefusal: unknown;
    // One at a time: each clip's admission sees the ones before it (per-user limits, quotas).
    for (const clip of clips) {
      try {
        members.push(await startClip(request, clip));
      } catch (error) {
        if (!(error instanceof ReelbotError)) throw error;
        firstRefusal ??= error;
        refused.push({ model: clip.model, seed: clip.seed, code: error.code, reason: error.userMessage });
        logger.info({ model: clip.model, code: error.code, kind: request.kind }, 'group clip refused');
      }
    }
    if (members.length === 0) throw firstRefusal;
    const group = await groups.insert({
      kind: request.kind,
      requester: request.requester,
      prompt,
      memberIds: members.map((member) => member.id),
      messageRef: request.messageRef,
      refused,
    });
    for (const member of members) known.set(member.id, group.id);
    logger.info(
      { groupId: group.id, kind: group.kind, members: group.memberIds, refused: refused.length },
      'group started',
    );
    // Members may have ended before the group was recorded: their events found no group.
    track(group.id);
    return { group, members, refused };
  }

  /** Tells listeners where the group stands, and finishes it once every member has ended. */
  function track(groupId: string) {
    const work = finishIfDone(groupId).catch((error: unknown) =>
      logger.error({ err: error, groupId }, 'could not finish the group'),
    );
    finishing.add(work);
    void work.finally(() => finishing.delete(work));
  }

  async function finishIfDone(groupId: string): Promise<void> {
    const group = await groups.get(groupId);
    if (!group) return;
    const members = await membersOf(group);
    if (group.status !== 'running' || !members.every((member) => isFinal(member.status))) {
      tell({ type: 'member', group, members });
      return;
    }
    if (closed || deps.composes === false) return;
    // Of every process that saw the last member end, one composes.
    if (!(await groups.transition(groupId, ['running'], { status: 'composing' }))) return;
    const kept = members.filter((member) => member.status === 'succeeded' && member.media);
    let patch: Parameters<GroupStore['transition']>[2];
    if (kept.length === 0) patch = { status: 'failed', error: 'No video of the group finished.' };
    else
      try {
        const media = await keepGrid(deps, groupId, kept, group.kind === 'batch');
        patch = { status: 'succeeded', media };
        logger.info({ groupId, tiles: kept.length, bytes: media.bytes }, 'group grid kept');
      } catch (error) {
        logger.error({ err: error, groupId }, 'could not compose the grid');
        patch = {
          status: 'failed',
          error: error instanceof ReelbotError ? error.userMessage : 'The grid video could not be made.',
        };
      }
    await groups.transition(groupId, ['composing'], patch);
    if (deps.bus) deps.bus.publishGroup({ type: 'group-finished', groupId });
    else await tellFinished(groupId);
  }

  /** Tells listeners a group ended, as the store has it now. */
  async function tellFinished(groupId: string): Promise<void> {
    const finished = await groups.get(groupId);
    if (!finished || (finished.status !== 'succeeded' && finished.status !== 'failed')) return;
    tell({ type: 'finished', group: finished, members: await membersOf(finished) });
  }

  async function onEvent(event: GenerationEvent) {
    const id = event.generation.id;
    // Progress and ticks come often: only members already known here are looked at.
    const quiet = event.type === 'progress' || event.type === 'tick';
    const groupId = known.get(id) ?? (quiet ? undefined : await groups.groupIdOf(id));
    if (!groupId) return;
    known.set(id, groupId);
    if (isFinal(event.generation.status)) known.delete(id);
    track(groupId);
  }

  const unsubscribe = deps.service.subscribe((event) => {
    if (closed) return;
    onEvent(event).catch((error: unknown) => logger.warn({ err: error }, 'group event not handled'));
  });

  // Ends told by any process (this one's own come back this way too).
  const unsubscribeGroups = deps.bus?.subscribeGroups((signal) => {
    if (closed) return;
    const work = tellFinished(signal.groupId).catch((error: unknown) =>
      logger.warn({ err: error, groupId: signal.groupId }, 'group end not told'),
    );
    finishing.add(work);
    void work.finally(() => finishing.delete(work));
  });

  return {
    start,
    /** A group and its members as they are now. */
    async get(groupId: string): Promise<{ group: GenerationGroup; members: Generation[] } | undefined> {
      const group = await groups.get(groupId);
      return group ? { group, members: await membersOf(group) } : undefined;
    },
    /**
     * Where the group stands now, as the event a bot shows: `finished` only once the grid is kept
     * or has failed (a group still composing is a `member` event: its end comes later).
     */
    async current(groupId: string): Promise<GroupEvent | undefined> {
      const group = await groups.get(groupId);
      if (!group) return undefined;
      const ended = group.status === 'succeeded' || group.status === 'failed';
      return { type: ended ? 'finished' : 'member', group, members: await membersOf(group) };
    },
    /** Keeps platform message references with the group (its one status message). */
    async setMessageRef(groupId: string, messageRef: Record<string, unknown>): Promise<void> {
      // Whatever the status: read-then-write on the status read would lose the ref to a group
      // that moved on meanwhile (its grid claimed or kept), and then its end would go unshown.
      await groups.transition(groupId, allStatuses, { messageRef });
    },
    /**
     * The groups of `platform` that ended since `since`, as `finished` events: a bot that starts
     * hands them to its live group messages, which show the final state of the ones not yet shown.
     */
    async ended(platform: Platform, since: number): Promise<GroupEvent[]> {
      const ended = await groups.listEnded(platform, since);
      return Promise.all(
        ended.map(async (group) => ({ type: 'finished' as const, group, members: await membersOf(group) })),
      );
    },
    subscribe(listener: GroupListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Finishes groups a previous process left whose members have all ended meanwhile. */
    async resume(): Promise<void> {
      for (const group of await groups.listUnfinished()) {
        for (const id of group.memberIds) known.set(id, group.id);
        const abandoned =
          group.status === 'composing' &&
          (deps.clock ?? Date.now)() - group.updatedAt > composeLeaseMs &&
          (await groups.transition(group.id, ['composing'], { status: 'running' }));
        if (group.status === 'running' || abandoned) track(group.id);
      }
    },
    /** Stops listening and waits for grids being composed. */
    async close(): Promise<void> {
      closed = true;
      unsubscribe();
      unsubscribeGroups?.();
      await Promise.allSettled([...finishing]);
    },
  };
}

export type GroupService = ReturnType<typeof createGroupService>;
