import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordHarness, startHarness } from './harness.js';

/** Log lines as JSON objects, and a way to wait for one. */
function memoryLog() {
  const lines: Record<string, unknown>[] = [];
  const waiters: { match: (line: Record<string, unknown>) => boolean; resolve: (line: unknown) => void }[] =
    [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split('\n').filter(Boolean)) {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        for (const waiter of waiters.filter((w) => w.match(line))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
      done();
    },
  });
  return {
    logger: pino({ level: 'debug' }, stream),
    lines,
    waitFor(match: (line: Record<string, unknown>) => boolean): Promise<unknown> {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

const log = memoryLog();
let h: DiscordHarness;
beforeAll(async () => {
  h = await startHarness({ bot: { logger: log.logger } });
});
afterAll(async () => {
  await h?.close();
});

describe('Discord logs', () => {
  it('never hold an interaction token, even when Discord refuses an edit of the status message', async () => {
    h.discord.inject({
      method: 'PATCH',
      routePrefix: `/webhooks/${h.discord.state.applicationId}/`,
      status: 400,
      body: { message: 'Invalid Form Body', code: 50035 },
    });
    const interaction = h.discord.sendCommand('video', [
      { name: 'model', value: 'tencent/hunyuan-video' },
      { name: 'prompt', value: 'a lighthouse in a storm' },
    ]);
    const refused = (await log.waitFor(
      (line) => line.msg === 'could not edit the Discord status message',
    )) as { err: { url: string } };
    expect(refused.err.url).toContain('/webhooks/');
    expect(JSON.stringify(log.lines)).not.toContain(interaction.token);
  });
});
