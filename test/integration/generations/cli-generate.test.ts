import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generate } from '../../../src/cli/generate.js';
import { fakeMedia } from '../../fakes/replicate/media.js';
import { type FakeReplicate, startFakeReplicate, tempDataDir } from './harness.js';

let fake: FakeReplicate;
const dataDir = tempDataDir();

beforeAll(async () => {
  fake = await startFakeReplicate();
});
afterAll(() => fake.close());

function collector() {
  let text = '';
  return {
    write: (chunk: string) => (text += chunk),
    get text() {
      return text;
    },
  };
}

const env = () => ({
  DATA_DIR: dataDir,
  REPLICATE_API_TOKEN: fake.state.token,
  REPLICATE_API_URL: fake.apiUrl,
  DOWNLOAD_ALLOWED_HOSTS: '127.0.0.1',
  LOG_LEVEL: 'silent',
});

describe('reelbot generate', () => {
  it('shows progress and prints where the video was saved, with an image from a file', async () => {
    const out = collector();
    const err = collector();
    const image = (await fakeMedia()).image;
    const code = await generate({
      argv: ['minimax/video-01-live', '--input', 'prompt=a slow zoom', '--image', image],
      env: env(),
      stdout: out,
      stderr: err,
      requester: { platform: 'cli', userId: 'tester' },
    });
    expect(err.text).toBe('');
    expect(code).toBe(0);
    expect(out.text).toMatch(/^Generation g_\w+ \(minimax\/video-01-live\)/);
    expect(out.text).toMatch(/Generating/);
    const saved = /Saved (\S+\.mp4) \(/.exec(out.text)?.[1];
    expect(saved && fs.existsSync(saved)).toBe(true);
    expect(fake.state.predictions.files.size).toBe(1);
  });

  it('cancels when Ctrl-C comes while the generation is still being started', async () => {
    // The image upload waits out a 429 for a second: Ctrl-C lands inside service.start().
    fake.inject({ method: 'POST', pathPrefix: '/v1/files', status: 429, headers: { 'retry-after': '1' } });
    const uploads = () => fake.state.requests.filter((r) => r.path === '/v1/files').length;
    const before = uploads();
    const err = collector();
    const running = generate({
      argv: ['minimax/video-01-live', '--input', 'prompt=stop', '--image', (await fakeMedia()).image],
      env: env(),
      stdout: collector(),
      stderr: err,
      requester: { platform: 'cli', userId: 'tester' },
    });
    await vi.waitFor(() => expect(uploads()).toBe(before + 1), { timeout: 5000, interval: 10 });
    process.emit('SIGINT');
    expect(await running).toBe(130);
    expect(err.text).toMatch(/^Canceled g_/);
  });

  it('explains bad input and bad usage', async () => {
    const err = collector();
    expect(await generate({ argv: ['minimax/video-01'], env: env(), stdout: collector(), stderr: err })).toBe(
      1,
    );
    expect(err.text).toMatch(/prompt is required/);
    const usage = collector();
    expect(await generate({ argv: ['not-a-model', '--input', 'x'], env: env(), stderr: usage })).toBe(2);
    expect(usage.text).toMatch(/OWNER\/NAME/);
  });
});
