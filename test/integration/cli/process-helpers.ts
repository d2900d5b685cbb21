import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadLinkSecret } from '../../../src/core/access/link-secret.js';
import { createLinkSigner } from '../../../src/core/access/link-token.js';
import { createGenerationStore, openDatabase } from '../../../src/core/store/index.js';

/** A fresh DATA_DIR under the system temp directory. */
export function tempDataDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `reelbot-${prefix}-`));
}

/**
 * Records a generation as a previous process would have accepted it (queued, nothing sent), so
 * that `reelbot start` picks it up on resume. Returns its id.
 */
export async function seedQueuedGeneration(dataDir: string, model: string, prompt: string): Promise<string> {
  const db = openDatabase(dataDir);
  try {
    return (
      await createGenerationStore(db).insert({
        source: 'replicate',
        requester: { platform: 'cli', userId: 'tester' },
        model,
        prompt,
        input: { prompt },
      })
    ).id;
  } finally {
    db.close();
  }
}

/**
 * `key=...` for URLs of the operator's videos (those the command line made): the gallery is
 * private, and this is the link a process keyed from this DATA_DIR accepts.
 */
export function operatorKey(dataDir: string): string {
  const signer = createLinkSigner({ secret: loadLinkSecret({ dataDir, gallery: { public: false } }) });
  return `key=${signer.sign({ place: { kind: 'operator' } })}`;
}

/** A generation as `GET /api/generations/:id` shows it. */
export interface ApiGeneration {
  id: string;
  status: string;
  final: boolean;
  error?: string;
  errorCode?: string;
}

/**
 * Asks the running process for a generation until it is final, and returns it with every status
 * seen on the way. Fails once `deadline` (a `Date.now()` value) has passed.
 */
export async function waitForFinalGeneration(
  baseUrl: string,
  id: string,
  deadline: number,
  dataDir: string,
): Promise<{ generation: ApiGeneration; seen: string[] }> {
  const seen: string[] = [];
  const url = `${baseUrl}/api/generations/${id}?${operatorKey(dataDir)}`;
  for (;;) {
    const generation = (await (await fetch(url)).json()) as ApiGeneration;
    if (seen.at(-1) !== generation.status) seen.push(generation.status);
    if (generation.final) return { generation, seen };
    if (Date.now() > deadline)
      throw new Error(`${id} was still ${generation.status} at the deadline; saw ${seen.join(' → ')}`);
    // Each answer is a real request to the process: a short pause keeps this from hogging the CPU.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The `.part` files (downloads in progress) in DATA_DIR/tmp. */
export function partFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, 'tmp');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.part')) : [];
}
