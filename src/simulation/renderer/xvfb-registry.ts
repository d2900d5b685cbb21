import fs from 'node:fs';
import path from 'node:path';
import { commandLine, identify, isRunning, type ProcessIdentity } from '../../core/process-table.js';

/** What a pid file says: the Xvfb, and the reelbot process it serves. */
export interface XvfbRecord {
  xvfb: ProcessIdentity;
  owner: ProcessIdentity;
  display: string;
}

/**
 * Pid files of the Xvfb servers reelbot started, one per server, so that a later start can end
 * the ones a dead reelbot left running. The guard shell (xvfb.ts) ends Xvfb when its owner dies,
 * even by SIGKILL; this catches what is left when the guard itself was killed with it.
 */
export interface XvfbRegistry {
  /** Notes a running Xvfb of this process; the returned function forgets it once it stopped. */
  record(xvfbPid: number, display: string): () => void;
  /**
   * Ends every recorded Xvfb whose owner is gone, and forgets every record of a process that is
   * gone. Only what is proven ours is killed: the pid, its start time, an Xvfb command line.
   * Returns the pids it killed.
   */
  sweep(): number[];
}

const prefix = 'xvfb-';

/** A registry of pid files under `dir`; `proc` is /proc, for tests. */
export function createXvfbRegistry(dir: string, proc = '/proc'): XvfbRegistry {
  const owner = identify(process.pid, proc);
  const fileOf = (pid: number) => path.join(dir, `${prefix}${pid}.json`);

  return {
    record(xvfbPid, display) {
      const xvfb = identify(xvfbPid, proc);
      // No /proc (macOS), or it already ended: nothing can be proven later, so nothing is kept.
      if (!owner || !xvfb) return () => {};
      const file = fileOf(xvfbPid);
      const record: XvfbRecord = { xvfb, owner, display };
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(file, JSON.stringify(record), { mode: 0o600 });
      return () => fs.rmSync(file, { force: true });
    },
    sweep() {
      let names: string[];
      try {
        names = fs.readdirSync(dir).filter((name) => name.startsWith(prefix) && name.endsWith('.json'));
      } catch {
        return [];
      }
      const killed: number[] = [];
      for (const name of names) {
        const file = path.join(dir, name);
        let record: XvfbRecord;
        try {
          record = JSON.parse(fs.readFileSync(file, 'utf8')) as XvfbRecord;
        } catch {
          fs.rmSync(file, { force: true });
          continue;
        }
        if (isRunning(record.owner, proc)) continue;
        const program = commandLine(record.xvfb.pid, proc)?.[0];
        if (isRunning(record.xvfb, proc) && program && /(^|\/)Xvfb$/.test(program)) {
          try {
            process.kill(record.xvfb.pid, 'SIGKILL');
            killed.push(record.xvfb.pid);
          } catch {
            // ended meanwhile
          }
        }
        fs.rmSync(file, { force: true });
      }
      return killed;
    },
  };
}
