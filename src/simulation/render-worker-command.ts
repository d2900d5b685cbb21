import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);
const extension = path.extname(here);

/** How to start the worker: from TypeScript sources through tsx, or plainly from built files. */
export function workerCommand(): { file: string; execArgv: string[] } {
  const file = path.join(path.dirname(here), `render-worker-main${extension}`);
  const loader =
    extension === '.ts' ? ['--import', pathToFileURL(createRequire(here).resolve('tsx')).href] : [];
  // A 2 MB young generation, as bin/reelbot gives the bot: with V8's 16 MB the worker touched
  // fresh nursery pages for a dozen videos, about 0.4 MB more resident each, before reusing them.
  const heap = ['--max-semi-space-size=2'];
  return { file, execArgv: [...loader, ...heap] };
}
