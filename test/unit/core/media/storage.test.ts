import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalMediaStorage } from '../../../../src/core/media/storage.js';

function freshStorage() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-storage-'));
  const storage = createLocalMediaStorage(dataDir);
  fs.mkdirSync(storage.tempDir, { recursive: true });
  const work = (name: string, text: string) => {
    const file = path.join(storage.tempDir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  return { dataDir, storage, work };
}

describe('local media storage', () => {
  it('commits into a directory that is not there yet, then into the same one again', async () => {
    const { dataDir, storage, work } = freshStorage();
    await storage.commit(work('a.mp4', 'first'), 'media/a.mp4');
    await storage.commit(work('b.mp4', 'second'), 'media/b.mp4');
    expect(fs.readFileSync(path.join(dataDir, 'media/a.mp4'), 'utf8')).toBe('first');
    expect(fs.readFileSync(path.join(dataDir, 'media/b.mp4'), 'utf8')).toBe('second');
    expect(fs.readdirSync(storage.tempDir)).toEqual([]);
  });

  it('recreates the media directory when someone removed it', async () => {
    const { dataDir, storage, work } = freshStorage();
    await storage.commit(work('a.mp4', 'first'), 'media/a.mp4');
    fs.rmSync(path.join(dataDir, 'media'), { recursive: true });
    await storage.commit(work('b.mp4', 'second'), 'media/b.mp4');
    expect(await storage.exists('media/b.mp4')).toBe(true);
  });

  it('says so when the work file is missing, and creates nothing', async () => {
    const { dataDir, storage } = freshStorage();
    await expect(storage.commit(path.join(storage.tempDir, 'gone.mp4'), 'media/x.mp4')).rejects.toMatchObject(
      {
        code: 'ENOENT',
      },
    );
    expect(fs.existsSync(path.join(dataDir, 'media'))).toBe(false);
  });
});
