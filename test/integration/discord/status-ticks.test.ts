import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../unit/core/chat/manual-clock.js';
import { type DiscordHarness, startHarness, waitForEdit, waitForEvent } from './harness.js';

// Time on the status message is the store's, the service's and the bot's clock, moved by the test;
// the service's 8 s ticks run on its timers. Everything else (HTTP, the fakes) runs for real.
const time = createManualClock(Date.now());
let h: DiscordHarness;
beforeAll(async () => {
  h = await startHarness({ time });
});
afterAll(async () => {
  await h?.close();
});

const quietModel = 'minimax/video-01';

/** Runs /video with a model whose predictions move only when the test says; resolves once it runs. */
async function startHeld(prompt: string, model = quietModel) {
  const started = waitForEvent(h, (e) => e.type === 'started' && e.generation.prompt === prompt);
  const command = h.discord.sendCommand('video', [
    { name: 'model', value: model },
    { name: 'prompt', value: prompt },
  ]);
  const generation = (await started).generation;
  return { command, generation };
}

function finish(predictionId: string) {
  const entry = h.replicate.state.predictions.predictions.get(predictionId)!;
  while (!['succeeded', 'failed', 'canceled'].includes(entry.prediction.status))
    h.replicate.state.predictions.advance(predictionId);
}

describe('a Discord status message while the model prints nothing', () => {
  it('is edited every 8 s with a growing elapsed time, then shows the video', async () => {
    h.replicate.state.predictions.configure(quietModel, { manual: true, quiet: true });
    const { command, generation } = await startHeld('a silent lighthouse');
    h.replicate.state.predictions.advance(generation.predictionId!); // processing, and not a word
    await waitForEdit(h, command.token, /^⏳ Generating · 0s/);

    // 25 s of silence, 8 s at a time: each tick edits the message with the new elapsed time.
    for (const seconds of [8, 16, 24]) {
      await time.advance(8000);
      const edit = await waitForEdit(h, command.token, new RegExp(`^⏳ Generating · ${seconds}s\\n`));
      expect(edit.json.components[0].components[0].label).toBe('Cancel');
    }
    await time.advance(1000);
    finish(generation.predictionId!);
    await waitForEdit(h, command.token, /^✅ Done/);
  });

  it('shows the time left once the model has past successes, and counts it down', async () => {
    // One success of this model that took Replicate 40 s; the next run is estimated from it.
    const model = 'tencent/hunyuan-video';
    h.replicate.state.predictions.configure(model, { steps: 1, tickMs: 2, predictTime: 40 });
    const kept = waitForEvent(h, (e) => e.type === 'succeeded' && e.generation.prompt === 'a past run');
    await startHeld('a past run', model);
    await kept;

    h.replicate.state.predictions.configure(model, { manual: true, quiet: true });
    const { command, generation } = await startHeld('an estimated run', model);
    h.replicate.state.predictions.advance(generation.predictionId!);
    await waitForEdit(h, command.token, /^⏳ Generating · 0s · about 40 s left\n/);
    await time.advance(8000);
    await waitForEdit(h, command.token, /^⏳ Generating · 8s · about 30 s left\n/);
    finish(generation.predictionId!);
    await waitForEdit(h, command.token, /^✅ Done/);
  });
});
