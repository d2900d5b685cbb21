import type { APIUser } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realTimers } from '../../../src/core/timers.js';
import { managerPermissions } from '../../fakes/discord/server.js';
import { type DiscordHarness, startHarness, waitForEvent } from './harness.js';

const model = 'tencent/hunyuan-video';
// 23:00 UTC: an hour before the counts reset. The clock is the service's, the store's and the
// bot's; far from the fake's interaction times, so the bot edits status messages in the channel
// rather than through interaction tokens it takes for expired. The test waits on the service.
let now = Date.UTC(2026, 11, 2, 23, 0, 0);
let h: DiscordHarness;

beforeAll(async () => {
  h = await startHarness({
    env: { DAILY_VIDEOS_PER_USER: '2' },
    time: { clock: () => now, timers: realTimers },
  });
});
afterAll(async () => {
  await h?.close();
});

const grace: APIUser = {
  id: '310000000000000077',
  username: 'grace',
  global_name: 'Grace',
  discriminator: '0',
  avatar: null,
};
const linus: APIUser = {
  id: '310000000000000078',
  username: 'linus',
  global_name: 'Linus',
  discriminator: '0',
  avatar: null,
};

/** Asks for a video and resolves when it ends, with how it ended. */
async function video(user: APIUser, prompt: string) {
  const ended = waitForEvent(
    h,
    (e) => ['succeeded', 'failed', 'canceled'].includes(e.type) && e.generation.prompt === prompt,
  );
  askForVideo(user, prompt);
  return (await ended).type;
}

function askForVideo(user: APIUser, prompt: string) {
  return h.discord.sendCommand(
    'video',
    [
      { name: 'model', value: model },
      { name: 'prompt', value: prompt },
    ],
    { user },
  );
}

/** The private answer to an interaction (the refusal), whichever way the bot sent it. */
async function privateAnswer(token: string): Promise<string> {
  const call = await h.discord.waitForCall(
    (c) =>
      c.method === 'POST' &&
      (c.route === `/webhooks/${h.discord.state.applicationId}/${token}` ||
        (c.route.includes(`/interactions/`) && c.route.endsWith(`/${token}/callback`) && c.json?.type === 4)),
  );
  return (call.json.data?.content ?? call.json.content) as string;
}

describe('the daily video quota on Discord', () => {
  it('refuses past the limit with the count and reset time, creates no prediction, and gives back failed ones', async () => {
    h.replicate.state.predictions.configure(model, { steps: 1, predictTime: 20 });
    expect(await video(grace, 'a teapot on a windowsill')).toBe('succeeded');

    // The second fails: it stops counting, so Grace may still ask for another.
    h.replicate.state.predictions.configure(model, { steps: 1, failWith: 'CUDA out of memory' });
    expect(await video(grace, 'a teapot that fails')).toBe('failed');
    h.replicate.state.predictions.configure(model, { steps: 1, predictTime: 20 });
    expect(await video(grace, 'a teapot, again')).toBe('succeeded');

    const predictionsBefore = h.replicate.state.predictions.predictions.size;
    const refused = askForVideo(grace, 'one teapot too many');
    expect(await privateAnswer(refused.token)).toBe(
      'You have made 2 of 2 videos today; the count resets at 00:00 UTC.',
    );
    expect(h.replicate.state.predictions.predictions.size).toBe(predictionsBefore);
    expect((await h.store.list({ userId: grace.id, search: 'too many' })).items).toHaveLength(0);
    // Asked for the form, she is told at once rather than after filling it in.
    const advanced = h.discord.sendCommand(
      'video',
      [
        { name: 'model', value: model },
        { name: 'prompt', value: 'a form she cannot send' },
        { name: 'advanced', value: true },
      ],
      { user: grace },
    );
    const answer = (await h.discord.waitForCallback(advanced)).json;
    expect(answer.type).toBe(4);
    expect(answer.data.content).toBe('You have made 2 of 2 videos today; the count resets at 00:00 UTC.');

    // Someone else on the same server has their own count.
    expect(await video(linus, 'a penguin on an ice floe')).toBe('succeeded');
    // A batch counts each clip: three with one left is refused before its form opens.
    const batch = h.discord.sendCommand(
      'video',
      [
        { name: 'model', value: model },
        { name: 'prompt', value: 'three penguins' },
        { name: 'count', value: 3 },
        { name: 'advanced', value: true },
      ],
      { user: linus },
    );
    const whole = (await h.discord.waitForCallback(batch)).json;
    expect(whole.type).toBe(4);
    expect(whole.data.content).toBe(
      'These 3 videos would take you past your 2 a day: you have made 1, so one more fits today; the count resets at 00:00 UTC.',
    );

    // Past midnight UTC, the count starts again.
    now = Date.UTC(2026, 11, 3, 0, 0, 1);
    expect(await video(grace, 'a teapot the next day')).toBe('succeeded');
    now = Date.UTC(2026, 11, 3, 0, 5, 0);
  });

  it('/usage shows a member their own day, and a member with Manage Server the server\u2019s day and week', async () => {
    const mine = h.discord.sendCommand('usage', [], { user: grace });
    const reply = (await h.discord.waitForCallback(mine)).json.data;
    expect(reply.flags & 64).toBe(64);
    expect(reply.content).toContain('You today: 1 of 2 videos · GPU 20 s');
    expect(reply.content).not.toContain('This server');
    expect(reply.content).toContain('reset at 00:00 UTC');

    const admin = h.discord.sendCommand('usage', [], { user: linus, memberPermissions: managerPermissions });
    const adminReply = (await h.discord.waitForCallback(admin)).json.data.content as string;
    // Linus made nothing today; the server made Grace's one video since midnight, and four in the
    // last seven days (the failed one is not counted).
    expect(adminReply).toContain('You today: 0 of 2 videos');
    expect(adminReply).toContain('This server today: 1 video · GPU 20 s · price unknown for 1');
    expect(adminReply).toContain('This server, last 7 days: 4 videos · GPU 80 s · price unknown for 4');
  });
  it('tells a person at the limit on Extend and Edit & re-run before their modal or form opens', async () => {
    expect(await video(grace, 'a teapot at noon')).toBe('succeeded');
    const made = (await h.store.list({ userId: grace.id, search: 'teapot at noon' })).items[0]!;
    const messageId = (made.messageRef as { messageId: string }).messageId;
    for (const action of ['extend', 'edit']) {
      const press = h.discord.pressButton(messageId, `rb:${action}:${made.id}`, { user: grace });
      const answer = (await h.discord.waitForCallback(press)).json;
      expect(`${action}: ${answer.type}`).toBe(`${action}: 4`);
      expect(answer.data.flags & 64).toBe(64);
      expect(answer.data.content).toBe('You have made 2 of 2 videos today; the count resets at 00:00 UTC.');
    }
  });

  it('refuses a Re-roll and a form sent at the limit only to the person, with no public "thinking…" first', async () => {
    // Opened with room left; sent once two videos have used it up.
    const opened = h.discord.sendCommand(
      'video',
      [
        { name: 'model', value: model },
        { name: 'prompt', value: 'a walrus on a rock' },
        { name: 'advanced', value: true },
      ],
      { user: linus },
    );
    const form = (await h.discord.waitForCallback(opened)).json.data;
    expect(await video(linus, 'a walrus at dawn')).toBe('succeeded');
    expect(await video(linus, 'a walrus at dusk')).toBe('succeeded');
    const made = (await h.store.list({ userId: linus.id, search: 'walrus at dusk' })).items[0]!;
    const messageId = (made.messageRef as { messageId: string }).messageId;
    const reroll = h.discord.pressButton(messageId, `rb:reroll:${made.id}`, { user: linus });
    const sent = h.discord.submitModal(
      form.custom_id,
      [{ customId: 'prompt', value: 'a walrus on a rock' }],
      {
        user: linus,
      },
    );
    const step = (await h.discord.waitForCallback(sent)).json.data;
    const go = (step.components[0].components as { label: string; custom_id: string }[]).find(
      (button) => button.label === 'Generate now',
    )!;
    const generate = h.discord.pressButton(sent.originalMessageId!, go.custom_id, { user: linus });
    for (const press of [reroll, generate]) {
      // Before, a public "thinking…" (type 5) came first, seen by the whole channel, then was deleted.
      const answer = (await h.discord.waitForCallback(press)).json;
      expect(answer.type).toBe(4);
      expect(answer.data.flags & 64).toBe(64);
      expect(answer.data.content).toBe('You have made 2 of 2 videos today; the count resets at 00:00 UTC.');
    }
  });
});
