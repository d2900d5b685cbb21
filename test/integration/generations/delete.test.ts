import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Generation } from '../../../src/core/generations/types.js';
import {
  alice,
  type FakeReplicate,
  type ServiceUnderTest,
  startFakeReplicate,
  startService,
  tempDataDir,
  waitForFinal,
} from './harness.js';

let fake: FakeReplicate;
let sut: ServiceUnderTest;

beforeAll(async () => {
  fake = await startFakeReplicate();
  sut = startService(fake, { dataDir: tempDataDir() });
});
afterAll(async () => {
  await sut.close();
  await fake.close();
});

async function finishedVideo(prompt: string) {
  const started = await sut.service.start({
    requester: alice,
    model: 'minimax/video-01',
    values: { prompt },
  });
  const done = await waitForFinal(sut, started.id);
  expect(done.status).toBe('succeeded');
  const files = [done.media?.path, done.media?.posterPath]
    .filter((file): file is string => Boolean(file))
    .map((file) => path.join(sut.config.dataDir, file));
  expect(files.length).toBeGreaterThan(0);
  return { done, files };
}

describe('service.delete', () => {
  it('takes the video off the chat message first, then removes its files, then its entry', async () => {
    const { done, files } = await finishedVideo('a lantern on a boat');
    const seenByChat: { row: boolean; files: boolean[] }[] = [];
    const deleted = await sut.service.delete(done.id, {
      userId: alice.userId,
      removeFromChat: async (generation: Generation) => {
        expect(generation.id).toBe(done.id);
        seenByChat.push({
          row: (await sut.store.get(done.id)) !== undefined,
          files: files.map((f) => fs.existsSync(f)),
        });
      },
    });
    expect(seenByChat).toEqual([{ row: true, files: files.map(() => true) }]);
    expect(deleted.id).toBe(done.id);
    expect(await sut.store.get(done.id)).toBeUndefined();
    for (const file of files) expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses someone else with DELETE_NOT_ALLOWED and keeps everything; an admin may', async () => {
    const { done, files } = await finishedVideo('a tram in the snow');
    let chatTouched = false;
    await expect(
      sut.service.delete(done.id, {
        userId: 'mallory',
        removeFromChat: async () => {
          chatTouched = true;
        },
      }),
    ).rejects.toMatchObject({ code: 'DELETE_NOT_ALLOWED' });
    expect(chatTouched).toBe(false);
    expect(await sut.store.get(done.id)).toBeDefined();
    for (const file of files) expect(fs.existsSync(file)).toBe(true);

    await sut.service.delete(done.id, { userId: 'moderator', admin: true });
    expect(await sut.store.get(done.id)).toBeUndefined();
    for (const file of files) expect(fs.existsSync(file)).toBe(false);
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    await expect(sut.service.delete('g_nothing', { userId: alice.userId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
