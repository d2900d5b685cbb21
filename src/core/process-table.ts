import fs from 'node:fs';

/** A process as /proc shows it: its parent, its state letter, and when it started. */
export interface ProcessStat {
  ppid: number;
  /** `R`, `S`, `Z` (a zombie: ended, not yet reaped), ... */
  state: string;
  /** Clock ticks after boot; with the pid it names one process, even once pids are reused. */
  startTime: string;
  /** Its niceness, -20 to 19: the weight the scheduler gives it. */
  nice: number;
}

/** One process for good: its id and its start time. */
export interface ProcessIdentity {
  pid: number;
  startTime: string;
}

/** What /proc says of `pid`; undefined when it is gone, or there is no /proc (macOS). */
export function readProcessStat(pid: number, proc = '/proc'): ProcessStat | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`${proc}/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // `pid (comm) state ppid ...`; comm may hold spaces and parentheses, so read after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, ppid: Number(fields[1]), startTime: fields[19]!, nice: Number(fields[16]) };
}

/** The identity of `pid` now, or undefined when it is gone (or there is no /proc). */
export function identify(pid: number, proc = '/proc'): ProcessIdentity | undefined {
  const stat = readProcessStat(pid, proc);
  return stat && { pid, startTime: stat.startTime };
}

/** Whether that very process still runs: same pid and start time, and not a zombie. */
export function isRunning(id: ProcessIdentity, proc = '/proc'): boolean {
  const stat = readProcessStat(id.pid, proc);
  return stat !== undefined && stat.startTime === id.startTime && stat.state !== 'Z';
}

/** The arguments `pid` was started with, or undefined when it is gone. */
export function commandLine(pid: number, proc = '/proc'): string[] | undefined {
  try {
    return fs.readFileSync(`${proc}/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}
