/**
 * `npm run bench`: runs every `bench/*.bench.ts`, one after the other, each in its own `tsx` child
 * process so one benchmark's heap, timers and open handles never colour the next one's numbers.
 * `npm run bench -- gallery` runs only the files whose name contains "gallery".
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => wanted.length === 0 || wanted.some((word) => name.includes(word)))
  .sort();

if (files.length === 0) {
  process.stderr.write(`no bench/*.bench.ts matches ${wanted.join(' ')}\n`);
  process.exit(1);
}

const failed: string[] = [];
for (const file of files) {
  process.stdout.write(`\n=== ${file}\n`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(dir, file)], { stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  if (code !== 0) failed.push(`${file} (exit ${code})`);
}
if (failed.length > 0) {
  process.stderr.write(`\nfailed: ${failed.join(', ')}\n`);
  process.exit(1);
}
