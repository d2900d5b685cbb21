import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { descendantPids } from '../../src/cli/shutdown.js';
import { commandLine } from '../../src/core/process-table.js';
import { createE2eStage } from '../support/e2e-stage.js';
import type { ReelbotProcess } from '../support/reelbot-process.js';

const stage = createE2eStage('tree');
let reelbot: ReelbotProcess | undefined;
afterAll(() => stage.end());

describe('`reelbot start` at rest', { timeout: 120_000 }, () => {
  it('is one Node process: no tsx wrapper, and no render worker or Xvfb before a simulation', async () => {
    reelbot = await stage.start({ DATA_DIR: stage.dataDir, PORT: '0' });
    // bin/reelbot execs node itself, on the build or on the sources with tsx loaded in-process.
    const own = commandLine(reelbot.pid)!;
    expect(path.basename(own[0]!)).toBe('node');
    expect(own.join(' ')).toMatch(/(dist\/cli\.js|--import \S+tsx\S+ \S+src\/cli\.ts) start$/);
    const below = descendantPids(reelbot.pid).map((pid) => (commandLine(pid) ?? []).join(' '));
    expect(below.filter((command) => /(^|\/)(node|Xvfb)( |$)/.test(command))).toEqual([]);
    expect((await reelbot.stop()).code).toBe(0);
    reelbot = undefined;
  });
});
