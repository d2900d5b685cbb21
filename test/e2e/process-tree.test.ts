import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { descendantPids } from '../../src/cli/shutdown.js';
import { commandLine } from '../../src/core/process-table.js';
import { type ReelbotProcess, startReelbot } from './reelbot-process.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-e2e-tree-'));
let reelbot: ReelbotProcess | undefined;
afterAll(() => {
  reelbot?.kill();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('`reelbot start` at rest', { timeout: 120_000 }, () => {
  it('is one Node process: no tsx wrapper, and no render worker or Xvfb before a simulation', async () => {
    reelbot = await startReelbot({ DATA_DIR: dataDir, PORT: '0' });
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
