import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createGenerationStore, openDatabase } from '../../../src/core/store/index.js';
import { runReelbot } from '../../support/reelbot-process.js';
import { tempDataDir } from './process-helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `reelbot backup ...args` on `dataDir` as its own process, to its end. */
const backup = (dataDir: string, ...args: string[]) => runReelbot(['backup', ...args], { DATA_DIR: dataDir });

const requester = { platform: 'cli' as const, userId: 'tester' };

describe('reelbot backup', { timeout: 60_000 }, () => {
  it('copies a database in use: every committed row, nothing uncommitted, as one file that restores', async () => {
    const dataDir = tempDataDir('backup');
    const outDir = tempDataDir('backup-out');
    dirs.push(dataDir, outDir);
    // The database as a running bot holds it: open, WAL mode, recent rows still in the WAL.
    const db = openDatabase(dataDir);
    const store = createGenerationStore(db);
    const kept: string[] = [];
    for (const prompt of ['one', 'two', 'three'])
      kept.push(
        (await store.insert({ source: 'replicate', requester, model: 'a/b', prompt, input: { prompt } })).id,
      );
    expect(fs.statSync(path.join(dataDir, 'reelbot.sqlite-wal')).size).toBeGreaterThan(0);
    // ...and in the middle of a write of its own, which the copy must not see half of.
    db.exec('BEGIN IMMEDIATE');
    await store.insert({ source: 'replicate', requester, model: 'a/b', prompt: 'uncommitted', input: {} });

    const file = path.join(outDir, 'reelbot-backup.sqlite');
    const result = await backup(dataDir, file);
    db.exec('COMMIT');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Backed up .*reelbot\.sqlite to .*reelbot-backup\.sqlite: 3 generations/);

    // One self-contained file: no WAL beside it, and it passes SQLite's own check.
    expect(fs.readdirSync(outDir)).toEqual(['reelbot-backup.sqlite']);
    const copy = new BetterSqlite3(file, { readonly: true });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();

    // Restoring is putting the file in place as DATA_DIR/reelbot.sqlite.
    const restored = tempDataDir('restored');
    dirs.push(restored);
    fs.copyFileSync(file, path.join(restored, 'reelbot.sqlite'));
    const reopened = openDatabase(restored);
    const ids = (await createGenerationStore(reopened).list()).items.map((g) => g.id).sort();
    expect(ids).toEqual([...kept].sort());
    reopened.close();
    db.close();
  });

  it('refuses to replace a file without --force, and never writes over the live database', async () => {
    const dataDir = tempDataDir('backup-refuse');
    dirs.push(dataDir);
    const db = openDatabase(dataDir);
    await createGenerationStore(db).insert({ source: 'replicate', requester, model: 'a/b', input: {} });
    const existing = path.join(dataDir, 'old-backup.sqlite');
    fs.writeFileSync(existing, 'yesterday');

    const refused = await backup(dataDir, existing);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already exists; choose another name, or pass --force to replace it');
    expect(fs.readFileSync(existing, 'utf8')).toBe('yesterday');

    const replaced = await backup(dataDir, existing, '--force');
    expect(replaced.code).toBe(0);
    expect(fs.readFileSync(existing).subarray(0, 15).toString()).toBe('SQLite format 3');

    const live = path.join(dataDir, 'reelbot.sqlite');
    const before = fs.readFileSync(live);
    const onItself = await backup(dataDir, live, '--force');
    expect(onItself.code).toBe(1);
    expect(onItself.stderr).toContain('is the live database');
    expect(fs.readFileSync(live).equals(before)).toBe(true);
    db.close();
  });
});
