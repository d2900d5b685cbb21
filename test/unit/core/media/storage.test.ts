import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
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

  it('reads a kept file in place: stat, a range, a local copy that release leaves alone', async () => {
    const { dataDir, storage, work } = freshStorage();
    await storage.commit(work('r.mp4', '0123456789'), 'media/r.mp4');
    expect(await storage.stat('media/r.mp4')).toMatchObject({ bytes: 10 });
    expect((await buffer((await storage.open('media/r.mp4', { start: 2, end: 5 }))!)).toString()).toBe(
      '2345',
    );
    const copy = await storage.fetchLocal('media/r.mp4');
    expect(copy.path).toBe(path.join(dataDir, 'media/r.mp4'));
    await copy.release();
    expect(fs.existsSync(copy.path)).toBe(true);
    expect(storage.describe('media/r.mp4')).toBe(path.join(dataDir, 'media/r.mp4'));
  });

  it('says undefined or MEDIA_NOT_FOUND for a missing file, and refuses keys outside DATA_DIR', async () => {
    const { storage } = freshStorage();
    expect(await storage.stat('media/none.mp4')).toBeUndefined();
    expect(await storage.open('media/none.mp4')).toBeUndefined();
    await expect(storage.fetchLocal('media/none.mp4')).rejects.toMatchObject({ code: 'MEDIA_NOT_FOUND' });
    for (const bad of ['../x.mp4', '/etc/passwd', 'media/../../x.mp4'])
      await expect(storage.stat(bad), bad).rejects.toMatchObject({ code: 'MEDIA_KEY_INVALID' });
  });

  it('lists the files under a prefix by key, and nothing when the folder is not there', async () => {
    const { storage, work } = freshStorage();
    const none = [];
    for await (const object of storage.list('media/')) none.push(object);
    expect(none).toEqual([]);
    await storage.commit(work('a.mp4', 'a'), 'media/a.mp4');
    await storage.commit(work('b.jpg', 'bb'), 'media/sub/b.jpg');
    const listed = [];
    for await (const object of storage.list('media/')) listed.push({ key: object.key, bytes: object.bytes });
    expect(listed.sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { key: 'media/a.mp4', bytes: 1 },
      { key: 'media/sub/b.jpg', bytes: 2 },
    ]);
  });
});
