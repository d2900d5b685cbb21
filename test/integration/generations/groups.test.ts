import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReelbotError } from '../../../src/core/errors.js';
import { createInProcessEventBus, type EventBus } from '../../../src/core/generations/event-bus.js';
import { createGroupService, type GroupService } from '../../../src/core/generations/groups/group-service.js';
import type { GroupEvent } from '../../../src/core/generations/groups/types.js';
import { silentLogger } from '../../../src/core/logger.js';
import { probe } from '../../../src/core/media/ffmpeg.js';
import { createLocalMediaStorage } from '../../../src/core/media/storage.js';
import { createCatalog } from '../../../src/core/replicate/catalog.js';
import { createReplicateApi } from '../../../src/core/replicate/client.js';
import { createGroupStore } from '../../../src/core/store/groups.js';
import { createCatalogCache } from '../../../src/core/store/index.js';
import { createOpenAIModerator } from '../../../src/moderation/openai.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../fakes/openai/server.js';
import {
  alice,
  createRequests,
  type FakeReplicate,
  type ServiceUnderTest,
  startFakeReplicate,
  startService,
  tempDataDir,
  waitForFinal,
} from './harness.js';

let fake: FakeReplicate;
let openai: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeReplicate();
  openai = await startFakeOpenAI();
  openai.flag('knife fight', ['violence']);
});
afterAll(async () => {
  await openai.close();
  await fake.close();
});

/** The group service over a service under test, as the runtime wires it. */
function groupsOver(
  sut: ServiceUnderTest,
  composes = true,
  bus?: Pick<EventBus, 'publishGroup' | 'subscribeGroups'>,
) {
  const logger = silentLogger();
  const api = createReplicateApi({
    token: sut.config.replicate.token,
    apiUrl: sut.config.replicate.apiUrl,
    logger,
  });
  const groups = createGroupService({
    service: sut.service,
    groups: createGroupStore(sut.db),
    catalog: createCatalog({ api, cache: createCatalogCache(sut.db), ttlMs: 60_000, logger }),
    storage: createLocalMediaStorage(sut.config.dataDir),
    logger,
    composes,
    bus,
    grid: { tileHeight: 120 },
  });
  const events: GroupEvent[] = [];
  groups.subscribe((event) => events.push(event));
  return { groups, events };
}

function finished(events: GroupEvent[], groupId: string): Promise<GroupEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the group did not finish')), 30_000);
    const look = () => {
      const found = events.find((e) => e.type === 'finished' && e.group.id === groupId);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      } else setTimeout(look, 10);
    };
    look();
  });
}

describe('groups of generations', () => {
  it('compares two models on one prompt and one seed, fills in, and ends with the grid', async () => {
    fake.state.predictions.configure('tencent/hunyuan-video', { steps: 2, tickMs: 2 });
    fake.state.predictions.configure('lucataco/animate-diff', { steps: 1, tickMs: 2 });
    const sut = startService(fake, { dataDir: tempDataDir() });
    const { groups, events } = groupsOver(sut);
    try {
      const started = await groups.start({
        kind: 'compare',
        requester: alice,
        prompt: 'a red fox',
        models: ['tencent/hunyuan-video', 'lucataco/animate-diff'],
        messageRef: { messageId: 'm1' },
      });
      expect(started.refused).toEqual([]);
      expect(started.members.map((m) => m.model)).toEqual(['tencent/hunyuan-video', 'lucataco/animate-diff']);
      const [first, second] = started.members;
      expect(first!.seed).toBeDefined();
      expect(first!.seed).toBe(second!.seed);
      expect(first!.prompt).toBe('a red fox');

      const end = await finished(events, started.group.id);
      expect(end.group.status).toBe('succeeded');
      expect(end.members.every((m) => m.status === 'succeeded')).toBe(true);
      // It filled in: a member event came while a member was still going.
      expect(events.some((e) => e.type === 'member' && e.members.some((m) => m.status === 'succeeded'))).toBe(
        true,
      );
      const media = end.group.media!;
      expect(media.path).toBe(`media/${started.group.id}.mp4`);
      const info = await probe(`${sut.config.dataDir}/${media.path}`);
      expect(info.height).toBe(120);
      expect(info.width).toBeGreaterThan(2 * 100);
      const longest = Math.max(...end.members.map((m) => m.media!.durationSeconds ?? 0));
      expect(info.durationSeconds).toBeCloseTo(longest, 0);
      expect((await groups.get(started.group.id))?.group.messageRef).toEqual({ messageId: 'm1' });
    } finally {
      await groups.close();
      await sut.close();
    }
  });

  it('tells the end over the bus to a process that does not compose (a bot beside a worker)', async () => {
    fake.state.predictions.configure('anotherjesse/zeroscope-v2-xl', { steps: 1, tickMs: 2 });
    const sut = startService(fake, { dataDir: tempDataDir() });
    const bus = createInProcessEventBus();
    const bot = groupsOver(sut, false, bus);
    const worker = groupsOver(sut, true, bus);
    try {
      const started = await bot.groups.start({
        kind: 'batch',
        requester: alice,
        prompt: 'waves',
        models: ['anotherjesse/zeroscope-v2-xl'],
        count: 2,
      });
      const end = await finished(bot.events, started.group.id);
      expect(end.group.status).toBe('succeeded');
      expect(end.group.media?.path).toBe(`media/${started.group.id}.mp4`);
      // Told once to each process, by the one signal.
      expect(bot.events.filter((e) => e.type === 'finished')).toHaveLength(1);
      expect(worker.events.filter((e) => e.type === 'finished')).toHaveLength(1);
    } finally {
      await bot.groups.close();
      await worker.groups.close();
      await sut.close();
    }
  });

  it('counts refusals per clip: past the per-person cap the rest of a batch is refused, the others run', async () => {
    fake.state.predictions.configure('anotherjesse/zeroscope-v2-xl', { steps: 1, tickMs: 2 });
    const sut = startService(fake, {
      dataDir: tempDataDir(),
      env: { MAX_JOBS_PER_USER: '1', MAX_QUEUED_PER_USER: '1', BLOCKED_TERMS: 'forbidden' },
    });
    const { groups, events } = groupsOver(sut);
    try {
      const started = await groups.start({
        kind: 'batch',
        requester: alice,
        prompt: 'waves',
        models: ['anotherjesse/zeroscope-v2-xl'],
        count: 3,
      });
      expect(started.members).toHaveLength(2);
      expect(new Set(started.members.map((m) => m.seed)).size).toBe(2);
      expect(started.refused).toHaveLength(1);
      expect(started.refused[0]).toMatchObject({
        model: 'anotherjesse/zeroscope-v2-xl',
        code: 'LIMIT_REACHED',
      });
      const end = await finished(events, started.group.id);
      expect(end.group.status).toBe('succeeded');
      expect(end.group.memberIds).toEqual(started.members.map((m) => m.id));

      // Every clip refused: the refusal itself, and no group.
      const blocked = groups.start({
        kind: 'compare',
        requester: alice,
        prompt: 'something forbidden',
        models: ['anotherjesse/zeroscope-v2-xl', 'lucataco/animate-diff'],
      });
      await expect(blocked).rejects.toBeInstanceOf(ReelbotError);
      await expect(blocked).rejects.toMatchObject({ code: 'PROMPT_BLOCKED' });
    } finally {
      await groups.close();
      await sut.close();
    }
  });

  it('finishes after a restart a group whose members ended, or whose composer died, while down', async () => {
    fake.state.predictions.configure('lucataco/animate-diff', { steps: 1, tickMs: 2 });
    const dataDir = tempDataDir();
    const sut = startService(fake, { dataDir });
    const before = groupsOver(sut, false);
    let groups: GroupService | undefined;
    try {
      const started = await before.groups.start({
        kind: 'batch',
        requester: alice,
        prompt: 'rain',
        models: ['lucataco/animate-diff'],
        count: 2,
      });
      for (const member of started.members) await waitForFinal(sut, member.id);
      await before.groups.close();
      expect((await before.groups.get(started.group.id))?.group.status).toBe('running');
      // A process claimed the grid eleven minutes ago and died while composing it.
      const elevenMinutesAgo = () => Date.now() - 11 * 60_000;
      expect(
        await createGroupStore(sut.db, elevenMinutesAgo).transition(started.group.id, ['running'], {
          status: 'composing',
        }),
      ).toBe(true);

      const after = groupsOver(sut);
      groups = after.groups;
      await groups.resume();
      const end = await finished(after.events, started.group.id);
      expect(end.group.status).toBe('succeeded');
      expect(end.group.media?.posterPath).toBe(`media/${started.group.id}.poster.jpg`);
    } finally {
      await groups?.close();
      await sut.close();
    }
  });

  it('counts every clip against the daily videos: a compare past the quota is refused whole, naming the limit', async () => {
    fake.state.predictions.configure('anotherjesse/zeroscope-v2-xl', { steps: 1, tickMs: 2 });
    fake.state.predictions.configure('lucataco/animate-diff', { steps: 1, tickMs: 2 });
    const sut = startService(fake, { dataDir: tempDataDir(), env: { DAILY_VIDEOS_PER_USER: '3' } });
    const { groups } = groupsOver(sut);
    try {
      const one = await sut.service.start({
        requester: alice,
        model: 'anotherjesse/zeroscope-v2-xl',
        values: { prompt: 'a first clip' },
      });
      await waitForFinal(sut, one.id);
      const predictionsBefore = createRequests(fake).length;
      const over = groups.start({
        kind: 'compare',
        requester: alice,
        prompt: 'a red fox',
        models: ['tencent/hunyuan-video', 'anotherjesse/zeroscope-v2-xl', 'lucataco/animate-diff'],
      });
      await expect(over).rejects.toMatchObject({
        code: 'QUOTA_REACHED',
        userMessage:
          'These 3 videos would take you past your 3 a day: you have made 1, so 2 more fit today; the count resets at 00:00 UTC.',
      });
      // Not one clip started: no prediction, no half a comparison.
      expect(createRequests(fake).length).toBe(predictionsBefore);
      const fits = await groups.start({
        kind: 'compare',
        requester: alice,
        prompt: 'a red fox',
        models: ['anotherjesse/zeroscope-v2-xl', 'lucataco/animate-diff'],
      });
      expect(fits.members).toHaveLength(2);
      expect(fits.refused).toEqual([]);
    } finally {
      await groups.close();
      await sut.close();
    }
  });

  it('sends a batch’s prompt to moderation once, and a flagged prompt starts none of the clips', async () => {
    fake.state.predictions.configure('anotherjesse/zeroscope-v2-xl', { steps: 1, tickMs: 2 });
    const sut = startService(fake, {
      dataDir: tempDataDir(),
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseUrl },
      moderator: createOpenAIModerator({ apiKey: 'sk-test', baseUrl: openai.baseUrl }),
    });
    const { groups } = groupsOver(sut);
    const sent = (text: string) =>
      openai.moderations().filter((request) => JSON.stringify(request.body.input).includes(text)).length;
    try {
      const started = await groups.start({
        kind: 'batch',
        requester: alice,
        prompt: 'a lighthouse at dusk',
        models: ['anotherjesse/zeroscope-v2-xl'],
        count: 3,
      });
      expect(started.members).toHaveLength(3);
      expect(sent('a lighthouse at dusk')).toBe(1);

      const flagged = groups.start({
        kind: 'batch',
        requester: alice,
        prompt: 'a knife fight on a pier',
        models: ['anotherjesse/zeroscope-v2-xl'],
        count: 3,
      });
      await expect(flagged).rejects.toMatchObject({
        code: 'PROMPT_FLAGGED',
        userMessage: 'This prompt was flagged for violence.',
      });
      expect(sent('a knife fight on a pier')).toBe(1);
      expect(createRequests(fake).filter((r) => JSON.stringify(r.body).includes('knife'))).toEqual([]);
    } finally {
      await groups.close();
      await sut.close();
    }
  });
});
