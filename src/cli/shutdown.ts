import fs from 'node:fs';
import type { Logger } from '../core/logger.js';
import { readProcessStat } from '../core/process-table.js';

/** Every process below `pid`, deepest first, read from the parent ids in /proc (Linux). */
export function descendantPids(pid: number = process.pid): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    // No /proc (macOS): the children we know of were stopped by their owners; we cannot see others.
    return [];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcessStat(Number(entry));
    if (!stat) continue; // ended while we looked
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const child of children.get(parent) ?? []) {
      visit(child);
      found.push(child);
    }
  };
  visit(pid);
  return found;
}

/** SIGKILLs every process this one started, and theirs; returns their ids. */
export function killChildProcesses(): number[] {
  const pids = descendantPids();
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids;
}

/** What {@link watchStopSignals} needs from the process; the real one by default. */
export interface ShutdownHost {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  exit(code: number): never;
  killChildren(): number[];
  /** Handle types keeping the event loop alive, for the log. */
  openResources(): string[];
}

const realHost: ShutdownHost = {
  on: (signal, listener) => process.on(signal, listener),
  exit: (code) => process.exit(code),
  killChildren: killChildProcesses,
  openResources: () => process.getActiveResourcesInfo(),
};

/** Bounds on a shutdown; see {@link watchStopSignals}. */
export interface ShutdownLimits {
  /** From the first signal to the forced exit, whatever is still running: 7 s. */
  deadlineMs: number;
  /** After an orderly stop, how long open handles may keep the process up: 1 s. */
  lingerMs: number;
}

export const defaultShutdownLimits = { deadlineMs: 7000, lingerMs: 1000 } satisfies ShutdownLimits;

/** The stop signals of a long-running command, and the deadline that follows the first one. */
export interface StopSignals {
  /** Resolves with the first SIGTERM or SIGINT. */
  readonly received: Promise<NodeJS.Signals>;
  /** Starts the deadline without a signal: for a start-up that failed and is closing what it opened. */
  arm(): void;
  /**
   * Call once everything was closed in order: the event loop should now drain and the process end
   * by itself. What is still open gets `lingerMs`, then the process exits anyway, naming it.
   */
  stopped(): void;
}

/**
 * Listens for SIGTERM and SIGINT from the start of a command (a signal during start-up counts too)
 * and guarantees the process ends: an orderly shutdown gets `deadlineMs`; past that, or when
 * handles stay open `lingerMs` after it, the process exits anyway. Its child processes (the render
 * worker, Xvfb, ffmpeg) are killed first, since an exit does not take them along. Supervisors (Docker, systemd) send SIGKILL some seconds after
 * SIGTERM; a process that hangs on a request nobody answers must not wait for that, nor forever.
 * The timers are unref'd: they never keep the process up themselves.
 */
export function watchStopSignals(
  logger: Logger,
  limits: ShutdownLimits = defaultShutdownLimits,
  host: ShutdownHost = realHost,
): StopSignals {
  let orderly = false;
  let armed = false;
  const force = (why: string) => {
    const killed = host.killChildren();
    const open = host.openResources();
    if (orderly) logger.warn({ open, killed }, `${why}; exiting anyway`);
    else logger.error({ open, killed }, `${why}; exiting without finishing the shutdown`);
    logger.flush();
    host.exit(orderly ? 0 : 1);
  };

  const arm = () => {
    if (armed) return;
    armed = true;
    setTimeout(() => force(`shutdown took longer than ${limits.deadlineMs} ms`), limits.deadlineMs).unref();
  };

  const received = new Promise<NodeJS.Signals>((resolve) => {
    let signals = 0;
    // Still listening after the first: with no listener, a repeated signal would end the process at
    // once and leave its children running. Repeats do not cut the shutdown short either: tsx sends
    // one of its own when the first seems slow to arrive, and a terminal's Ctrl-C reaches both.
    const onSignal = (signal: NodeJS.Signals) => {
      if (++signals > 1) return logger.info({ signal }, 'already shutting down');
      resolve(signal);
      arm();
    };
    host.on('SIGTERM', () => onSignal('SIGTERM'));
    host.on('SIGINT', () => onSignal('SIGINT'));
  });

  return {
    received,
    arm,
    stopped() {
      orderly = true;
      setTimeout(() => force(`still open ${limits.lingerMs} ms after stopping`), limits.lingerMs).unref();
    },
  };
}
