import fs from 'node:fs';

/** CPU time used so far, in milliseconds of user plus system time. */
export interface CpuTime {
  /** This process, all its threads (llvmpipe's rasteriser threads among them). */
  selfMs: number;
  /** Its children that have exited and been reaped (ffmpeg); undefined where /proc is missing. */
  childrenMs?: number;
}

/**
 * Linux counts the CPU of reaped children in clock ticks of 1/100 s: USER_HZ is 100 on every
 * architecture Node runs on, whatever the kernel's own tick.
 */
const msPerTick = 10;

/** How much CPU this process and its finished children have used: for benchmarks' splits. */
export function cpuTime(): CpuTime {
  const { user, system } = process.cpuUsage();
  const selfMs = (user + system) / 1000;
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name, which may itself hold spaces: state is field 3, cutime 16, cstime 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { selfMs, childrenMs: (Number(fields[13]) + Number(fields[14])) * msPerTick };
  } catch {
    return { selfMs };
  }
}
