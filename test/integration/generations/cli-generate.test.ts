import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
