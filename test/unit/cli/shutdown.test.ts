import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { descendantPids, type ShutdownHost, watchStopSignals } from '../../../src/cli/shutdown.js';
import { silentLogger } from '../../../src/core/logger.js';

/** A process as the watcher sees it: signals we send by hand, and what it did. */
function fakeHost() {
  const listeners = new Map<NodeJS.Signals, (() => void)[]>();
  const host = {
    exits: [] as number[],
    kills: 0,
    on(signal: NodeJS.Signals, listener: () => void) {
      listeners.set(signal, [...(listeners.get(signal) ?? []), listener]);
    },
    exit(code: number): never {
      host.exits.push(code);
      return undefined as never;
    },
    killChildren() {
      host.kills++;
      return [4242];
    },
    openResources: () => ['TCPSocketWrap'],
    send(signal: NodeJS.Signals) {
      for (const listener of listeners.get(signal) ?? []) listener();
    },
  };
  return host satisfies ShutdownHost;
}

describe('watchStopSignals', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const limits = { deadlineMs: 7000, lingerMs: 1000 };

  it('resolves with the first signal and, past the deadline, kills the children and exits with 1', async () => {
    const host = fakeHost();
    const stop = watchStopSignals(silentLogger(), limits, host);
    host.send('SIGTERM');
    expect(await stop.received).toBe('SIGTERM');
    await vi.advanceTimersByTimeAsync(6999);
    expect(host.exits).toEqual([]);
    // A repeated signal (tsx relays one) does not cut the shutdown short.
    host.send('SIGTERM');
    host.send('SIGINT');
    expect(host.exits).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(host.kills).toBe(1);
    expect(host.exits).toEqual([1]);
  });

  it('after an orderly stop, gives open handles a moment, then exits with 0', async () => {
    const host = fakeHost();
    const stop = watchStopSignals(silentLogger(), limits, host);
    host.send('SIGINT');
    expect(await stop.received).toBe('SIGINT');
    await vi.advanceTimersByTimeAsync(2000);
    stop.stopped();
    await vi.advanceTimersByTimeAsync(999);
    expect(host.exits).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(host.exits).toEqual([0]);
  });

  it('keeps the same deadline for a start-up that failed and closes without a signal', async () => {
    const host = fakeHost();
    const stop = watchStopSignals(silentLogger(), limits, host);
    stop.arm();
    await vi.advanceTimersByTimeAsync(7000);
    expect(host.exits).toEqual([1]);
  });

  it('arms nothing before a signal', async () => {
    const host = fakeHost();
    watchStopSignals(silentLogger(), limits, host);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(host.exits).toEqual([]);
    expect(host.kills).toBe(0);
  });
});

describe('descendantPids (Linux /proc)', () => {
  it('finds a child and its own child through /proc', async () => {
    const child = spawn('sh', ['-c', 'sleep 30 & echo $!; wait'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    const grandchild = Number(line.toString().trim());
    try {
      const found = descendantPids();
      expect(found).toContain(child.pid);
      expect(found).toContain(grandchild);
      // Deepest first, so that a parent does not respawn what was just killed.
      expect(found.indexOf(grandchild)).toBeLessThan(found.indexOf(child.pid!));
    } finally {
      process.kill(grandchild, 'SIGKILL');
      child.kill('SIGKILL');
    }
  });
});
