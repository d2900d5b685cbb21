import type { APIUser } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordHarness, startHarness, waitForEdit, waitForEvent } from './harness.js';

let h: DiscordHarness;
beforeAll(async () => {
  h = await startHarness({ env: { MAX_JOBS_TOTAL: '1' } });
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

describe('the queue', () => {
  it('shows the place in line while waiting, then goes on when the slot frees', async () => {
    h.replicate.state.predictions.configure('tencent/hunyuan-video', { manual: true });
    const started = waitForEvent(h, (e) => e.type === 'started' && e.generation.prompt === 'first in line');
    const first = h.discord.sendCommand('video', [
      { name: 'model', value: 'tencent/hunyuan-video' },
      { name: 'prompt', value: 'first in line' },
    ]);
    const running = (await started).generation;

    const second = h.discord.sendCommand(
      'video',
      [
        { name: 'model', value: 'tencent/hunyuan-video' },
        { name: 'prompt', value: 'second in line' },
      ],
      { user: bob },
    );
    const queued = await waitForEdit(h, second.token, /^🕒 Queued, #1 in line/);
    expect(queued.json.components[0].components[0].label).toBe('Cancel');

    h.replicate.state.predictions.configure('tencent/hunyuan-video', { steps: 1, tickMs: 2 });
    const entry = h.replicate.state.predictions.predictions.get(running.predictionId!)!;
    while (entry.prediction.status !== 'succeeded')
      h.replicate.state.predictions.advance(entry.prediction.id);
    await waitForEdit(h, first.token, /^✅ Done/);
    await waitForEdit(h, second.token, /^✅ Done/);
  });
});
