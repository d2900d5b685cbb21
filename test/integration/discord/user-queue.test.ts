import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordHarness, startHarness, waitForEdit, waitForEvent } from './harness.js';

let h: DiscordHarness;
beforeAll(async () => {
  h = await startHarness({ env: { MAX_JOBS_PER_USER: '1', MAX_QUEUED_PER_USER: '1' } });
});
afterAll(async () => {
  await h?.close();
});

const model = 'tencent/hunyuan-video';
const video = (prompt: string) =>
  h.discord.sendCommand('video', [
    { name: 'model', value: model },
    { name: 'prompt', value: prompt },
  ]);

describe('one person past MAX_JOBS_PER_USER on Discord', () => {
  it('waits in line with its place shown, can be canceled there, and is refused past MAX_QUEUED_PER_USER', async () => {
    h.replicate.state.predictions.configure(model, { manual: true });
    const started = waitForEvent(h, (e) => e.type === 'started' && e.generation.prompt === 'first');
    const first = video('first');
    const running = (await started).generation;

    const second = video('second');
    const queued = await waitForEdit(h, second.token, /^🕒 Queued: 1 of yours ahead/);
    const cancel = queued.json.components[0].components[0];
    expect(cancel.label).toBe('Cancel');

    // One running and one waiting is this person's cap.
    const third = video('third');
    const refusal = await h.discord.waitForCall(
      (call) =>
        call.method === 'POST' && call.route === `/webhooks/${h.discord.state.applicationId}/${third.token}`,
    );
    expect(refusal.json.flags & 64).toBe(64);
    expect(refusal.json.content).toMatch(/already have 2 videos in progress or waiting/);

    // Cancel from the line: the status says so, and nothing was created at Replicate for it.
    const predictions = h.replicate.state.predictions.predictions.size;
    const press = h.discord.pressButton(second.originalMessageId!, cancel.custom_id);
    expect((await h.discord.waitForCallback(press)).json.type).toBe(6);
    await waitForEdit(h, second.token, /^🚫 Canceled/);
    expect(h.replicate.state.predictions.predictions.size).toBe(predictions);

    // The place is free again: the next one waits, then runs once the first is done.
    const fourth = video('fourth');
    await waitForEdit(h, fourth.token, /^🕒 Queued: 1 of yours ahead/);
    h.replicate.state.predictions.configure(model, { steps: 1, tickMs: 2 });
    const entry = h.replicate.state.predictions.predictions.get(running.predictionId!)!;
    while (entry.prediction.status !== 'succeeded')
      h.replicate.state.predictions.advance(entry.prediction.id);
    await waitForEdit(h, first.token, /^✅ Done/);
    await waitForEdit(h, fourth.token, /^✅ Done/);
  });
});
