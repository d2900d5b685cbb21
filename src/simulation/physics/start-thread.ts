import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const here = fileURLToPath(import.meta.url);
const extension = path.extname(here);

/**
 * Starts the worker thread whose entry is `name` in this folder (`thread` or `stream-thread`),
 * from built files or, through tsx, from the TypeScript sources.
 */
export function startPhysicsThread(name: 'thread' | 'stream-thread', workerData: unknown): Worker {
  const entry = pathToFileURL(path.join(path.dirname(here), `${name}${extension}`)).href;
  if (extension !== '.ts') return new Worker(new URL(entry), { workerData });
  // From TypeScript sources a thread needs tsx too, and `--import` in a Worker's execArgv is
  // ignored on Node 20: so the thread registers tsx itself before loading its entry.
  const tsx = pathToFileURL(createRequire(here).resolve('tsx/package.json')).href.replace(
    /package\.json$/,
    'dist/esm/api/index.mjs',
  );
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
