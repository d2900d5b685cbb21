import { type ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import { SimulationError } from '../../errors.js';

/** An X server this process started; `stop` ends it. */
export interface XServer {
  /** The DISPLAY value, e.g. `:3`. */
  display: string;
  stop(): Promise<void>;
}

/** What to tell people whose machine has no Xvfb. */
export const xvfbInstallHint =
  'Install Xvfb (Debian/Ubuntu: apt-get install xvfb; Fedora: dnf install xorg-x11-server-Xvfb; Alpine: apk add xvfb), or set DISPLAY to a running X server';

export type XvfbSpawner = (
  command: string,
  args: string[],
  options: { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
) => ChildProcess;

/**
 * Starts a private Xvfb for the renderer. `-displayfd` lets the server pick a free display number
 * and tell us when it accepts connections, so there is neither a race for a number nor a sleep.
 * The screen is tiny: headless-gl draws into offscreen buffers, never onto it.
 */
export async function startXvfb(
  options: { command?: string; spawn?: XvfbSpawner; timeoutMs?: number } = {},
): Promise<XServer> {
  const command = options.command ?? 'Xvfb';
  const spawn = options.spawn ?? (nodeSpawn as XvfbSpawner);
  const child = spawn(
    command,
    ['-displayfd', '3', '-screen', '0', '64x64x24', '-nolisten', 'tcp', '-noreset'],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const display = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new SimulationError(
          'RENDER_XVFB_TIMEOUT',
          `Xvfb did not start within ${options.timeoutMs ?? 10_000} ms: ${stderr.trim()}`,
        ),
      );
    }, options.timeoutMs ?? 10_000);
    const fd = child.stdio[3] as NodeJS.ReadableStream | null;
    fd?.setEncoding('utf8');
    fd?.on('data', (chunk: string) => {
      text += chunk;
      const match = text.match(/^(\d+)\n/);
      if (match) {
        clearTimeout(timer);
        resolve(`:${match[1]}`);
      }
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new SimulationError('RENDER_XVFB_MISSING', `${command} was not found. ${xvfbInstallHint}.`, {
              cause: error,
              userMessage: 'The physics renderer is not set up on this server.',
            })
          : new SimulationError('RENDER_XVFB_FAILED', `${command} could not start: ${error.message}`, {
              cause: error,
            }),
      );
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new SimulationError(
          'RENDER_XVFB_FAILED',
          `${command} exited with ${signal ?? code}: ${stderr.trim()}`,
        ),
      );
    });
  });

  return {
    display,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
