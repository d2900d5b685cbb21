import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');

/**
 * Lists every module a fresh Node process resolves while importing `entry` (as `bin/reelbot` runs
 * it: tsx loaded in-process), through a resolve hook that reports each URL over a port. A last
 * import of a marker module flushes the port: its URL comes after every one before it.
 */
async function modulesLoadedBy(entry: string): Promise<string[]> {
  const hook = `let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  port.postMessage(resolved.url);
  return resolved;
}`;
  const script = `
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const urls = [];
const marker = 'data:text/javascript,export default "marker"';
const flushed = new Promise((resolve) => port1.on('message', (url) => (url === marker ? resolve() : urls.push(url))));
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}), { data: { port: port2 }, transferList: [port2] });
await import(${JSON.stringify(entry)});
await import(marker);
await flushed;
process.stdout.write(JSON.stringify(urls));
process.exit(0);
`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', script],
    { cwd: root, maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as string[];
}

describe('what `reelbot start` loads', () => {
  it('does not load Rapier: the physics loads with the first simulation, in a thread or the render worker', async () => {
    const urls = await modulesLoadedBy(path.join(root, 'src/cli/start.ts'));
    // The check can see: start.ts brings the simulation's port in with it.
    expect(urls.some((url) => url.endsWith('/src/simulation/render-on-worker.ts'))).toBe(true);
    // Rapier's WebAssembly and bindings held about 23 MB at rest (`npm run bench -- footprint`).
    expect(urls.filter((url) => url.includes('rapier'))).toEqual([]);
    expect(urls.filter((url) => url.endsWith('/src/simulation/physics/simulate.ts'))).toEqual([]);
  });
});
