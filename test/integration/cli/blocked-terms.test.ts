import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runReelbot } from '../../support/reelbot-process.js';
import { tempDataDir } from './process-helpers.js';

const dataDir = tempDataDir('blocked');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

// A real `bin/reelbot` process; tsx start-up takes seconds on a busy machine.
describe('BLOCKED_TERMS in the reelbot process', { timeout: 120_000 }, () => {
  it('refuses a simulation whose prompt uses a blocked term, naming it to the operator, before rendering', async () => {
    const run = await runReelbot(['simulate', 'boxes of GÖRE fall'], {
      DATA_DIR: dataDir,
      BLOCKED_TERMS: 'blood,gore',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('reelbot: prompt uses the blocked term "gore" [PROMPT_BLOCKED]\n');
    const made = fs.readdirSync(dataDir, { recursive: true }).map(String);
    expect(made.filter((file) => file.endsWith('.mp4'))).toEqual([]);
  });
});
