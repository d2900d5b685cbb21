import { DiscordAPIError, type REST } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { createStatusMessage } from '../../../../../src/bots/discord/status/message.js';
import type { DiscordMessageRef } from '../../../../../src/bots/discord/status/status-ref.js';
import type { Generation } from '../../../../../src/core/generations/types.js';
import { silentLogger } from '../../../../../src/core/logger.js';
import { createManualClock, flushMicrotasks } from '../../../core/chat/manual-clock.js';

/** A stand-in for discord.js's REST at its method boundary: records calls, answers like Discord. */
function recordingRest(options: { failWebhook?: unknown } = {}) {
  const calls: { method: string; route: string; body: { content?: string }; auth?: boolean; at: number }[] =
    [];
  let now = () => 0;
  const answer =
    (method: string) => async (route: string, request: { body: { content?: string }; auth?: boolean }) => {
      calls.push({ method, route, body: request.body, auth: request.auth, at: now() });
      if (options.failWebhook && route.startsWith('/webhooks/')) throw options.failWebhook;
      return { id: 'm1', channel_id: 'c1' };
    };
  const rest = { patch: answer('PATCH'), post: answer('POST') } as unknown as REST;
  return { rest, calls, setClock: (clock: () => number) => (now = clock) };
}

function generation(patch: Partial<Generation> = {}): Generation {
  return {
    id: 'g_1',
    source: 'replicate',
    requester: { platform: 'discord', userId: 'u1', channelId: 'c1' },
    model: 'owner/model',
    prompt: 'a fox',
    input: { prompt: 'a fox' },
    status: 'processing',
    createdAt: 1_000_000,
    updatedAt: 1_000_000,
    ...patch,
  };
}

function setup(ref: Partial<DiscordMessageRef> = {}, rest = recordingRest()) {
  const time = createManualClock();
  rest.setClock(time.clock);
  const saved: DiscordMessageRef[] = [];
  let done = 0;
  const message = createStatusMessage({
    generation: generation(),
    ref: {
      platform: 'discord',
      applicationId: 'app',
      channelId: 'c1',
      interactionToken: 'tok',
      tokenExpiresAt: time.clock() + 60_000,
      attachmentSizeLimit: 10 * 1024 * 1024,
      ...ref,
    },
    rest: rest.rest,
    clock: time.clock,
    timers: time.timers,
    intervalMs: 1500,
    logger: silentLogger(),
    final: {
      media: {} as never,
      fit: (() => {
        throw new Error('not used');
      }) as never,
      links: {
        place: () => 'https://g/',
        generation: (g) => `https://g/g/${g.id}`,
        download: (g) => `https://g/media/${g.id}?download=1`,
      },
      logger: silentLogger(),
    },
    saveRef: (next) => saved.push(next),
    onDone: () => done++,
  });
  return { time, message, calls: rest.calls, saved, done: () => done };
}

describe('status message', () => {
  it('edits at most once per 1.5 s and always ends on the newest state', async () => {
    const { time, message, calls } = setup();
    message.update(generation({ progress: 10 }));
    await flushMicrotasks();
    await time.advance(300);
    message.update(generation({ progress: 20 }));
    await time.advance(300);
    message.update(generation({ progress: 30 }));
    await time.advance(2000);
    expect(calls.map((c) => c.body.content?.split('\n')[0])).toEqual([
      '⏳ Generating · ▓░░░░░░░░░ 10% · 0s',
      '⏳ Generating · ▓▓▓░░░░░░░ 30% · 0s',
    ]);
    expect(calls[1]!.at - calls[0]!.at).toBe(1500);
    expect(calls.every((c) => c.route.startsWith('/webhooks/app/tok/messages/') && c.auth === false)).toBe(
      true,
    );
  });

  it('switches to the bot token on the channel message when the interaction token runs out', async () => {
    const { time, message, calls, saved } = setup();
    message.update(generation({ progress: 10 }));
    await flushMicrotasks();
    expect(saved.at(-1)?.messageId).toBe('m1');
    await time.advance(61_000);
    message.update(generation({ progress: 90 }));
    await flushMicrotasks();
    expect(calls.at(-1)?.route).toBe('/channels/c1/messages/m1');
    expect(calls.at(-1)?.auth).toBeUndefined();
    expect(saved.at(-1)?.interactionToken).toBeUndefined();
  });

  it('falls back to the channel message when Discord says the token is invalid', async () => {
    const dead = new DiscordAPIError(
      { message: 'Invalid Webhook Token', code: 50027 },
      50027,
      401,
      'PATCH',
      '/webhooks',
      {},
    );
    const { message, calls } = setup({ messageId: 'm9' }, recordingRest({ failWebhook: dead }));
    message.update(generation({ progress: 50 }));
    await flushMicrotasks();
    expect(calls.map((c) => c.route)).toEqual(['/webhooks/app/tok/messages/m9', '/channels/c1/messages/m9']);
  });

  it('shows a failure once, remembers that it did, and takes no further states', async () => {
    const { time, message, calls, saved, done } = setup();
    message.update(generation({ progress: 10 }));
    await flushMicrotasks();
    message.update(
      generation({ status: 'failed', error: 'The model ran out of memory.', completedAt: 1_000_500 }),
    );
    message.update(generation({ progress: 99 }));
    await time.advance(1500);
    await message.idle();
    expect(calls).toHaveLength(2);
    expect(calls[1]!.body.content).toMatch(
      /^❌ Failed · took 0s\nRequested by <@u1>\nThe model ran out of memory\./,
    );
    expect(saved.at(-1)?.finalShown).toBe(true);
    expect(done()).toBe(1);
  });
});
