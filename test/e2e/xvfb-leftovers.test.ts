import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { identify, isRunning, type ProcessIdentity } from '../../src/core/process-table.js';
import { startXvfb, type XServer } from '../../src/simulation/renderer/xvfb.js';
import type { XvfbRecord } from '../../src/simulation/renderer/xvfb-registry.js';
import { type SpawnedReelbot, spawnReelbot, startReelbot } from '../support/reelbot-process.js';

let root: string;
const running: SpawnedReelbot[] = [];
const servers: XServer[] = [];
const others: ChildProcess[] = [];

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-e2e-xvfb-'));
});
afterEach(async () => {
  for (const run of running.splice(0)) run.kill();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  for (const child of others.splice(0)) child.kill('SIGKILL');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** The pid files of the Xvfb servers reelbot recorded under `dataDir`. */
function xvfbRecords(dataDir: string): XvfbRecord[] {
  const dir = path.join(dataDir, 'run');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as XvfbRecord);
}

/** The identity of a process that ran and is gone now: the owner of a killed reelbot. */
async function deadProcess(): Promise<ProcessIdentity> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  const id = identify(child.pid!)!;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return id;
}

describe('no Xvfb outlives reelbot', { timeout: 120_000 }, () => {
  it('`reelbot simulate` whose reader went away (SIGPIPE) exits 141 quietly, its worker and Xvfb with it', async () => {
    const dataDir = path.join(root, 'simulate');
    const run = spawnReelbot(
      { DATA_DIR: dataDir },
      { args: ['simulate', 'twenty red balls fall onto a blue ramp'] },
    );
    running.push(run);
    await run.waitForLine((line) => /^Rendering/.test(line.msg ?? ''), 'the first frames');
    const records = xvfbRecords(dataDir);
    expect(records).toHaveLength(1);
    expect(isRunning(records[0]!.xvfb)).toBe(true);

    // As `| head -1` does: the next progress line meets a closed pipe.
    run.closeOutput();
    // gone() fails unless reelbot and everything it started (worker, Xvfb, ffmpeg) end within 10 s.
    const { code } = await run.gone();
    expect(code).toBe(141);
    expect(isRunning(records[0]!.xvfb)).toBe(false);
    expect(run.stderr()).toBe('');
  });

  it('`reelbot start` with an eager render worker, killed with SIGKILL, leaves neither worker nor Xvfb', async () => {
    const dataDir = path.join(root, 'start-killed');
    const run = await startReelbot({ DATA_DIR: dataDir, PORT: '0', RENDER_WORKER: 'eager' });
    running.push(run);
    const ready = await run.waitForLine((line) => line.msg === 'render worker ready', 'the render worker');
    const worker = identify(Number(ready.pid))!;
    const [record] = xvfbRecords(dataDir);
    expect(record && isRunning(record.xvfb)).toBe(true);

    process.kill(run.pid, 'SIGKILL');
    expect((await run.gone()).signal).toBe('SIGKILL');
    expect(isRunning(worker)).toBe(false);
    expect(isRunning(record!.xvfb)).toBe(false);
  });

  it('`reelbot start` ends an Xvfb a dead reelbot left behind, and nothing that is not proven its own', async () => {
    const dataDir = path.join(root, 'start-sweeps');
    const runDir = path.join(dataDir, 'run');
    fs.mkdirSync(runDir, { recursive: true });
    const dead = await deadProcess();
    const write = (name: string, record: XvfbRecord) =>
      fs.writeFileSync(path.join(runDir, `xvfb-${name}.json`), JSON.stringify(record));

    // Left by a reelbot that is gone: ended.
    const left = await startXvfb();
    servers.push(left);
    const leftId = identify(left.pid)!;
    write('left', { xvfb: leftId, owner: dead, display: left.display });
    // Of a reelbot still running (this test process stands for it): kept.
    const inUse = await startXvfb();
    servers.push(inUse);
    const inUseId = identify(inUse.pid)!;
    write('in-use', { xvfb: inUseId, owner: identify(process.pid)!, display: inUse.display });
    // A dead owner's record whose pid now names some other program: kept running, record dropped.
    const stranger = spawn('sleep', ['60'], { stdio: 'ignore' });
    others.push(stranger);
    const strangerId = identify(stranger.pid!)!;
    write('stranger', { xvfb: strangerId, owner: dead, display: ':99' });

    const run = await startReelbot({ DATA_DIR: dataDir, PORT: '0' });
    running.push(run);
    const swept = run.lines.find((line) => line.msg === 'ended Xvfb servers a stopped reelbot left running');
    expect(swept?.pids).toEqual([left.pid]);
    await left.stop();
    expect(isRunning(leftId)).toBe(false);
    expect(isRunning(inUseId)).toBe(true);
    expect(isRunning(strangerId)).toBe(true);
    expect(fs.readdirSync(runDir).sort()).toEqual(['xvfb-in-use.json']);
    expect((await run.stop()).code).toBe(0);
  });
});
