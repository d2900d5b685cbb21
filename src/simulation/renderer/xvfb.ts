import { type ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import readline from 'node:readline';
import { SimulationError } from '../../core/errors.js';
import type { XvfbRegistry } from './xvfb-registry.js';

/** An X server this process started; `stop` ends it. */
export interface XServer {
  /** The DISPLAY value, e.g. `:3`. */
  display: string;
  /** The Xvfb process itself (not its guard shell). */
  pid: number;
  stop(): Promise<void>;
}

/** What to tell people whose machine has no Xvfb. */
export const xvfbInstallHint =
  'Install Xvfb (Debian/Ubuntu: apt-get install xvfb; Fedora: dnf install xorg-x11-server-Xvfb; Alpine: apk add xvfb), or set DISPLAY to a running X server';

export type XvfbSpawner = (
  command: string,
  args: string[],
  options: { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] },
) => ChildProcess;

/** How to start Xvfb: which binary, through which spawn (tests), recorded where. */
export interface XvfbOptions {
  command?: string;
  spawn?: XvfbSpawner;
  timeoutMs?: number;
  registry?: XvfbRegistry;
}

/**
 * The guard: a shell that starts Xvfb (`$0` with its arguments), prints its pid, and ends it when
 * its stdin, a pipe from the owner, closes: the owner stopped it, or died, even by SIGKILL or
 * SIGPIPE, which no exit handler sees. Without it a killed owner's Xvfb runs on under init.
 * A background job's stdin is /dev/null, hence the copy of the pipe on fd 5 for `cat`.
 */
const guard = [
  'command -v "$0" >/dev/null 2>&1 || exit 127',
  'exec 5<&0',
  '"$0" "$@" </dev/null >/dev/null 5<&- &',
  'x=$!',
  'echo "$x"',
  '{ cat <&5 >/dev/null; kill -TERM "$x" 2>/dev/null; } 3>&- &',
  'w=$!',
  'exec 5<&-',
  `trap 'kill -TERM "$x" 2>/dev/null' TERM INT HUP`,
  // Twice: a trapped signal ends the first wait early, while Xvfb is still stopping.
  'wait "$x"; s=$?; wait "$x" 2>/dev/null',
  // Xvfb ended by itself: the watcher goes, and its `cat` with the pipe when the owner stops.
  'kill "$w" 2>/dev/null',
  'exit "$s"',
].join('\n');

/**
 * Starts a private Xvfb for the renderer, under the guard above. `-displayfd` lets the server pick
 * a free display number and tell us when it accepts connections, so there is neither a race for a
 * number nor a sleep. The screen is tiny: headless-gl draws into offscreen buffers, never onto it.
 * With a `registry` the server is recorded while it runs (see xvfb-registry.ts).
 */
export async function startXvfb(options: XvfbOptions = {}): Promise<XServer> {
  const command = options.command ?? 'Xvfb';
  const spawn = options.spawn ?? (nodeSpawn as XvfbSpawner);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const child = spawn(
    'sh',
    ['-c', guard, command, '-displayfd', '3', '-screen', '0', '64x64x24', '-nolisten', 'tcp', '-noreset'],
    { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The owner closing the pipe is the stop signal; an error on it only means the guard is gone.
  child.stdin?.on('error', () => {});

  const started = await new Promise<{ display: string; pid: number }>((resolve, reject) => {
    let display: string | undefined;
    let pid: number | undefined;
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.stdin?.destroy();
      reject(error);
    };
    const ready = () => {
      if (display === undefined || pid === undefined) return;
      clearTimeout(timer);
      resolve({ display, pid });
    };
    const timer = setTimeout(() => {
      child.stdin?.destroy();
      fail(
        new SimulationError(
          'RENDER_XVFB_TIMEOUT',
          `Xvfb did not start within ${timeoutMs} ms: ${stderr.trim()}`,
        ),
      );
    }, timeoutMs);
    if (child.stdout) {
      readline.createInterface({ input: child.stdout }).once('line', (line) => {
        pid = Number(line);
        ready();
      });
    }
    let text = '';
    const fd = child.stdio[3] as NodeJS.ReadableStream | null;
    fd?.setEncoding('utf8');
    fd?.on('data', (chunk: string) => {
      text += chunk;
      const match = text.match(/^(\d+)\n/);
      if (match) {
        display = `:${match[1]}`;
        ready();
      }
    });
    child.once('error', (error: Error) =>
      fail(
        new SimulationError('RENDER_XVFB_FAILED', `${command} could not start: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    child.once('exit', (code, signal) =>
      fail(
        code === 127
          ? new SimulationError('RENDER_XVFB_MISSING', `${command} was not found. ${xvfbInstallHint}.`, {
              userMessage: 'The physics renderer is not set up on this server.',
            })
          : new SimulationError(
              'RENDER_XVFB_FAILED',
              `${command} exited with ${signal ?? code}: ${stderr.trim()}`,
            ),
      ),
    );
  });

  const forget = options.registry?.record(started.pid, started.display);
  void exited.then(() => forget?.());
  return {
    ...started,
    async stop() {
      child.stdin?.end();
      await exited;
    },
  };
}
