import type { APIUser } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buttonOf as button,
  type DiscordHarness,
  startHarness,
  waitForEdit,
  waitForEvent,
} from './harness.js';

let h: DiscordHarness;
beforeAll(async () => {
  // No queue of one's own here: the third request is refused, as the limit test below wants.
  h = await startHarness({ env: { MAX_QUEUED_PER_USER: '0' } });
});
afterAll(async () => {
  await h?.close();
});

const bob: APIUser = {
  id: '310000000000000002',
  username: 'bob',
  global_name: 'Bob',
  discriminator: '0',
  avatar: null,
};

/** Starts a /video whose prediction waits for the test; resolves once it runs. */
async function startHeld(prompt: string) {
  h.replicate.state.predictions.configure('tencent/hunyuan-video', { manual: true });
  const started = waitForEvent(h, (e) => e.type === 'started' && e.generation.prompt === prompt);
  const command = h.discord.sendCommand('video', [
    { name: 'model', value: 'tencent/hunyuan-video' },
    { name: 'prompt', value: prompt },
  ]);
  const event = await started;
  const running = await waitForEdit(h, command.token, /Starting|Generating/);
  return { command, generation: event.generation, running };
}

function finish(predictionId: string) {
  const entry = h.replicate.state.predictions.predictions.get(predictionId)!;
  while (!['succeeded', 'failed', 'canceled'].includes(entry.prediction.status))
    h.replicate.state.predictions.advance(predictionId);
}

describe('buttons', () => {
  it('Cancel stops the job for its owner, and is refused to someone else', async () => {
    const { command, generation, running } = await startHeld('a clock that never stops');
    const cancel = button(running, 'Cancel');
    const messageId = command.originalMessageId!;

    const stranger = h.discord.pressButton(messageId, cancel.custom_id, { user: bob });
    const refusal = await h.discord.waitForCall(
      (call) =>
        call.method === 'POST' &&
        call.route === `/webhooks/${h.discord.state.applicationId}/${stranger.token}`,
    );
    expect(refusal.json.flags & 64).toBe(64);
    expect(refusal.json.content).toContain('Only the person who asked');

    const press = h.discord.pressButton(messageId, cancel.custom_id);
    expect((await h.discord.waitForCallback(press)).json.type).toBe(6);
    const canceled = await waitForEdit(h, command.token, /^🚫 Canceled/);
    expect(
      canceled.json.components.flatMap((r: { components: unknown[] }) => r.components),
    ).not.toContainEqual(expect.objectContaining({ label: 'Cancel' }));
    expect((await h.store.get(generation.id))?.status).toBe('canceled');
    expect(
      h.replicate.state.requests.some((r) => r.path === `/v1/predictions/${generation.predictionId}/cancel`),
    ).toBe(true);

    // Pressed again (a message not yet edited): told it was canceled, not that it "finished".
    const again = h.discord.pressButton(messageId, cancel.custom_id);
    const told = await h.discord.waitForCall(
      (call) =>
        call.method === 'POST' && call.route === `/webhooks/${h.discord.state.applicationId}/${again.token}`,
    );
    expect(told.json.content).toBe('That video was already canceled.');
  });

  it('Re-roll runs the same input with a new seed in a new status message; Parameters shows them only to the presser', async () => {
    const { command, generation } = await startHeld('a kite over the dunes');
    finish(generation.predictionId!);
    const done = await waitForEdit(h, command.token, /^✅ Done/);

    const params = h.discord.pressButton(command.originalMessageId!, button(done, 'Parameters').custom_id, {
      user: bob,
    });
    const shown = (await h.discord.waitForCallback(params)).json;
    expect(shown.type).toBe(4);
    expect(shown.data.flags & 64).toBe(64);
    expect(shown.data.content).toContain(`Seed: ${generation.seed}`);
    expect(shown.data.content).toContain('"prompt": "a kite over the dunes"');

    h.replicate.state.predictions.configure('tencent/hunyuan-video', { steps: 1, tickMs: 2 });
    const reroll = h.discord.pressButton(command.originalMessageId!, button(done, 'Re-roll').custom_id);
    expect((await h.discord.waitForCallback(reroll)).json.type).toBe(5);
    const again = await waitForEdit(h, reroll.token, /^✅ Done/);
    const rerolled = (await h.store.list({ search: 'kite over the dunes' })).items.find(
      (g) => g.id !== generation.id,
    )!;
    expect(rerolled.input.prompt).toBe('a kite over the dunes');
    expect(rerolled.seed).not.toBe(generation.seed);
    expect(again.json.content).toContain(`Seed: ${rerolled.seed}`);
    expect(again.files[0]?.name).toBe(`reelbot-${rerolled.id}.mp4`);
  });

  it('/jobs lists running jobs with a Cancel each; the limit of running jobs is told in plain words', async () => {
    const first = await startHeld('first of two');
    const second = await startHeld('second of two');

    const third = h.discord.sendCommand('video', [
      { name: 'model', value: 'tencent/hunyuan-video' },
      { name: 'prompt', value: 'one too many' },
    ]);
    const limit = await h.discord.waitForCall(
      (call) =>
        call.method === 'POST' && call.route === `/webhooks/${h.discord.state.applicationId}/${third.token}`,
    );
    expect(limit.json.flags & 64).toBe(64);
    expect(limit.json.content).toMatch(/\b2\b/);

    const jobs = h.discord.sendCommand('jobs', []);
    const list = (await h.discord.waitForCallback(jobs)).json.data;
    expect(list.flags & 64).toBe(64);
    // Earlier tests of this file made videos too; the two running ones count from the moment asked.
    const countedWhileRunning = Number(/^You today: (\d+) of 20 videos/.exec(list.content)?.[1]);
    expect(countedWhileRunning).toBeGreaterThanOrEqual(2);
    expect(list.content).toContain('first of two');
    expect(list.content).toContain('second of two');
    const cancels = list.components.flatMap((r: { components: { custom_id: string }[] }) => r.components);
    expect(cancels).toHaveLength(2);

    for (const cancel of cancels) {
      const press = h.discord.pressButton(jobs.originalMessageId!, cancel.custom_id);
      const said = await h.discord.waitForCall(
        (call) =>
          call.method === 'POST' &&
          call.route === `/webhooks/${h.discord.state.applicationId}/${press.token}`,
      );
      expect(said.json.content).toMatch(/^Canceled/);
    }
    await waitForEdit(h, first.command.token, /^🚫 Canceled/);
    await waitForEdit(h, second.command.token, /^🚫 Canceled/);
    const empty = h.discord.sendCommand('jobs', []);
    // The two canceled videos are given back: they no longer count against the day's quota.
    const emptyContent = (await h.discord.waitForCallback(empty)).json.data.content as string;
    expect(emptyContent).toMatch(/^You have no running jobs\.\nYou today: \d+ of 20 videos/);
    expect(emptyContent).toContain(`You today: ${countedWhileRunning - 2} of 20 videos`);
  });

  it('keeps working after a restart: the status message goes on, and old buttons still act', async () => {
    const { command, generation } = await startHeld('a bridge in the fog');
    await h.bot.idle();
    await h.restartBot();
    const mark = h.discord.mark();
    finish(generation.predictionId!);
    const done = await waitForEdit(h, command.token, /^✅ Done/, mark);
    expect(done.files[0]?.name).toBe(`reelbot-${generation.id}.mp4`);

    await h.restartBot();
    const params = h.discord.pressButton(command.originalMessageId!, button(done, 'Parameters').custom_id);
    expect((await h.discord.waitForCallback(params)).json.data.content).toContain('a bridge in the fog');
  });

  it('delivers a video that finished while the bot was down when it starts again', async () => {
    const { command, generation } = await startHeld('a ferry crossing at night');
    await h.bot.idle();
    const mark = h.discord.mark();
    await h.restartBot({}, async () => {
      const succeeded = waitForEvent(h, (e) => e.type === 'succeeded' && e.generation.id === generation.id);
      finish(generation.predictionId!);
      await succeeded;
    });
    const done = await waitForEdit(h, command.token, /^✅ Done/, mark);
    expect(done.files[0]?.name).toBe(`reelbot-${generation.id}.mp4`);
    await h.bot.idle();
    // Delivered once: the ref now says so, and another restart does not post it again.
    const again = h.discord.mark();
    await h.restartBot();
    await h.bot.idle();
    expect(h.discord.calls.slice(again).filter((call) => call.route.includes(command.token))).toHaveLength(0);
  });
});
