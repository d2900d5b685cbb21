import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { loadLinkSecret } from '../../src/core/access/link-secret.js';
import { createLinkSigner } from '../../src/core/access/link-token.js';
import type { Place } from '../../src/core/access/place.js';
import { loadConfig } from '../../src/core/config.js';
import type { GenerationStore } from '../../src/core/generations/generation-store.js';
import type { GroupStore } from '../../src/core/generations/groups/group-store.js';
import type { GenerationGroup, NewGroup } from '../../src/core/generations/groups/types.js';
import type { Generation } from '../../src/core/generations/types.js';
import { silentLogger } from '../../src/core/logger.js';
import { createGenerationStore, openDatabase } from '../../src/core/store/index.js';
import { startWebServer, type WebDeps } from '../../src/web/index.js';
import { createOperatorSessions } from '../../src/web/operator-sessions.js';

const run = promisify(execFile);

const tempDirs: string[] = [];

/** A fresh directory under the system temp dir, removed by {@link removeTempDirs}. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes every directory {@link tempDir} made in this test file (close databases first). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A real two-second H.264 MP4 and a JPEG poster, made once per test file. */
export async function makeSampleMedia(
  dir = tempDir('reelbot-sample-'),
): Promise<{ video: string; poster: string }> {
  const video = path.join(dir, 'sample.mp4');
  const poster = path.join(dir, 'sample.jpg');
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi'],
    ...['-i', 'testsrc=size=320x240:rate=24', '-t', '2'],
    ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', video],
  ]);
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-ss',
    '0.5',
    '-i',
    video,
    '-frames:v',
    '1',
    poster,
  ]);
  return { video, poster };
}

export const adminToken = 'test-admin-token-0123456789';
export const t0 = Date.UTC(2025, 0, 15, 12, 0, 0);

/**
 * A temp DATA_DIR with a store whose clock the test moves. The gallery is public unless `private`:
 * the suites that test pages, filters and media look at every place's videos at once, and
 * privacy.test.ts tests what a link or session may see.
 */
export function createTestData(options: { adminToken?: string; private?: boolean } = {}) {
  const dataDir = tempDir('reelbot-web-');
  fs.mkdirSync(path.join(dataDir, 'media'));
  const clock = { now: t0 };
  const db = openDatabase(dataDir);
  const store = createGenerationStore(db, () => clock.now);
  const config = loadConfig({
    DATA_DIR: dataDir,
    ADMIN_TOKEN: options.adminToken ?? adminToken,
    PORT: '0',
    GALLERY_PUBLIC: options.private ? 'false' : 'true',
  });
  return { dataDir, clock, db, store, config };
}

export type TestData = ReturnType<typeof createTestData>;

/** Records `count` queued generations by Ada, a second apart, prompted `${prompt} 0`, `${prompt} 1`... */
export async function insertMany(
  data: TestData,
  count: number,
  fields: { source: 'replicate' | 'simulation'; model: string; prompt: string },
): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    data.clock.now += 1000;
    await data.store.insert({ ...fields, requester: ada, prompt: `${fields.prompt} ${i}`, input: {} });
  }
}

/** Copies a sample video (and poster) into DATA_DIR/media for `id` and records it as succeeded. */
export async function attachMedia(
  data: TestData,
  sample: { video: string; poster: string },
  id: string,
  options: { poster?: boolean } = {},
): Promise<Generation> {
  const videoPath = `media/${id}.mp4`;
  const posterPath = options.poster === false ? undefined : `media/${id}.jpg`;
  fs.copyFileSync(sample.video, path.join(data.dataDir, videoPath));
  if (posterPath) fs.copyFileSync(sample.poster, path.join(data.dataDir, posterPath));
  const bytes = fs.readFileSync(sample.video);
  await data.store.update(id, {
    status: 'succeeded',
    media: {
      path: videoPath,
      posterPath,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
      mime: 'video/mp4',
      width: 320,
      height: 240,
      durationSeconds: 2,
    },
  });
  return (await data.store.get(id))!;
}

type SampleMedia = { video: string; poster: string };

/**
 * Records `prompts` as a chain of extends by Ada, a second apart, each part with the sample media:
 * every part after the first continues the one before it, in the first part's chain. With
 * `restrictedCategories`, every part is flagged with them (Extend carries the first part's marks).
 */
export async function insertChain(
  data: TestData,
  sample: SampleMedia,
  prompts: string[],
  restrictedCategories?: string[],
): Promise<Generation[]> {
  const parts: Generation[] = [];
  for (const prompt of prompts) {
    data.clock.now += 1000;
    const previous = parts.at(-1);
    const part = await data.store.insert({
      source: 'replicate',
      requester: ada,
      model: 'minimax/video-01',
      prompt,
      input: { prompt },
      ...(restrictedCategories ? { restrictedCategories } : {}),
      ...(previous
        ? { origin: { kind: 'extend' as const, generationId: previous.id }, chainId: parts[0]!.id }
        : {}),
    });
    parts.push(await attachMedia(data, sample, part.id));
  }
  return parts;
}

/** Copies the sample video into DATA_DIR/media as the joined video of chain part `id`, and records it. */
export async function attachJoinedMedia(
  data: TestData,
  sample: SampleMedia,
  id: string,
  options: { durationSeconds?: number } = {},
): Promise<void> {
  const joinedPath = `media/${id}.joined.mp4`;
  fs.copyFileSync(sample.video, path.join(data.dataDir, joinedPath));
  await data.store.update(id, {
    joinedMedia: {
      path: joinedPath,
      sha256: 'x',
      bytes: fs.statSync(sample.video).size,
      mime: 'video/mp4',
      ...options,
    },
  });
}

/** Records `group` and finishes it with the sample media as its grid video and poster. */
export async function insertGroupWithMedia(
  data: TestData,
  sample: SampleMedia,
  groups: GroupStore,
  group: NewGroup,
  options: { durationSeconds?: number } = {},
): Promise<GenerationGroup> {
  const inserted = await groups.insert(group);
  return finishGroupWithMedia(data, sample, groups, inserted.id, options);
}

/** Finishes running group `id` as the group service does, with the sample media as its grid video and poster. */
export async function finishGroupWithMedia(
  data: TestData,
  sample: SampleMedia,
  groups: GroupStore,
  id: string,
  options: { durationSeconds?: number } = {},
): Promise<GenerationGroup> {
  const gridPath = `media/${id}.mp4`;
  const posterPath = `media/${id}.poster.jpg`;
  fs.copyFileSync(sample.video, path.join(data.dataDir, gridPath));
  fs.copyFileSync(sample.poster, path.join(data.dataDir, posterPath));
  await groups.transition(id, ['running'], {
    status: 'succeeded',
    media: {
      path: gridPath,
      posterPath,
      sha256: 'x',
      bytes: fs.statSync(sample.video).size,
      mime: 'video/mp4',
      ...options,
    },
  });
  return (await groups.get(id))!;
}

export const ada = {
  platform: 'discord' as const,
  workspaceId: 'w1',
  channelId: 'c1',
  userId: 'u-ada',
  userName: 'Ada',
};
export const bob = {
  platform: 'slack' as const,
  workspaceId: 't1',
  channelId: 'c2',
  userId: 'u-bob',
  userName: 'Bob',
};

/** Ada's Discord server and Bob's Slack workspace, as the places a link or a filter names. */
export const w1: Place = { kind: 'server', platform: 'discord', workspaceId: ada.workspaceId };
export const t1: Place = { kind: 'server', platform: 'slack', workspaceId: bob.workspaceId };

export const longError =
  'The model ran out of GPU memory while decoding frame 97 of 121; try a shorter duration or a smaller size.';

/** The generations most tests look at; inserted a minute apart, newest last. */
export async function seedGallery(data: TestData, sample: { video: string; poster: string }) {
  const { store, clock } = data;
  const next = () => {
    clock.now += 60_000;
  };
  const fox = await store.insert({
    source: 'replicate',
    requester: ada,
    model: 'minimax/video-01',
    version: 'abc123def4567890',
    prompt: 'A red fox running through fresh snow at dawn',
    input: { prompt: 'A red fox running through fresh snow at dawn', duration: 6, prompt_optimizer: true },
    seed: 42,
  });
  await store.update(fox.id, { startedAt: clock.now + 5_000, completedAt: clock.now + 65_000 });
  await attachMedia(data, sample, fox.id);
  next();
  const boxes = await store.insert({
    source: 'simulation',
    requester: bob,
    model: 'physics',
    prompt: 'Ten wooden boxes tumble down a ramp',
    input: { scene: { objects: 10, gravity: -9.81 } },
    seed: 7,
  });
  await attachMedia(data, sample, boxes.id, { poster: false });
  next();
  const failed = await store.insert({
    source: 'replicate',
    requester: ada,
    model: 'wan-video/wan-2.2-t2v-fast',
    prompt: 'A lighthouse in a storm',
    input: { prompt: 'A lighthouse in a storm' },
  });
  await store.update(failed.id, {
    status: 'failed',
    error: longError,
    errorCode: 'PREDICTION_FAILED',
    upstreamError: 'CUDA out of memory. Tried to allocate 2.00 GiB',
    completedAt: clock.now + 30_000,
  });
  next();
  const running = await store.insert({
    source: 'replicate',
    requester: bob,
    model: 'minimax/video-01',
    prompt: 'A paper boat on a rainy street',
    input: { prompt: 'A paper boat on a rainy street' },
  });
  await store.update(running.id, { status: 'processing', progress: 40, startedAt: clock.now + 1_000 });
  next();
  const hostile = await store.insert({
    source: 'replicate',
    requester: { ...bob, userName: '<img src=x onerror=alert(2)>' },
    model: 'minimax/video-01',
    prompt: '<script>alert(1)</script> & "quotes"',
    input: { prompt: '<script>alert(1)</script>' },
    status: 'canceled',
  });
  next();
  return {
    fox: (await store.get(fox.id))!,
    boxes: (await store.get(boxes.id))!,
    failed: (await store.get(failed.id))!,
    running: (await store.get(running.id))!,
    hostile: (await store.get(hostile.id))!,
  };
}

/** Starts the web server on 127.0.0.1 with these deps; the defaults are silent and use the test clock. */
export async function startTestServer(data: TestData, deps: Partial<WebDeps> = {}) {
  return startWebServer(
    {
      config: data.config,
      store: data.store as GenerationStore,
      logger: silentLogger(),
      clock: () => data.clock.now,
      ...deps,
    },
    0,
    '127.0.0.1',
  );
}

/**
 * What a private gallery's server checks, on the test clock: signed links (the signer, for the test
 * to sign its own) and operator sessions.
 */
export function linkAccess(data: TestData) {
  const clock = () => data.clock.now;
  return {
    signer: createLinkSigner({ secret: loadLinkSecret(data.config), clock }),
    sessions: createOperatorSessions({ clock }),
  };
}

/**
 * Takes down what a suite served, for its `afterAll`: the server, then the database, then every
 * temp dir. Either may be missing when `beforeAll` failed half way.
 */
export async function closeTestServer(
  server: { close(): Promise<void> } | undefined,
  data: TestData | undefined,
): Promise<void> {
  await server?.close();
  data?.db.close();
  removeTempDirs();
}

/** The seeded gallery, served: what most suites test against. Filled in by the suite's `beforeAll`. */
export interface SeededGallery {
  sample: { video: string; poster: string };
  data: TestData;
  seeded: Awaited<ReturnType<typeof seedGallery>>;
  server: Awaited<ReturnType<typeof startTestServer>>;
}

/**
 * Seeds the gallery with sample media and serves it for the calling suite, and takes it all down
 * afterwards. The returned object's fields are set once `beforeAll` has run.
 */
export function useSeededGallery(): SeededGallery {
  const gallery = {} as SeededGallery;
  beforeAll(async () => {
    gallery.sample = await makeSampleMedia();
    gallery.data = createTestData();
    gallery.seeded = await seedGallery(gallery.data, gallery.sample);
    gallery.server = await startTestServer(gallery.data);
  });
  afterAll(() => closeTestServer(gallery.server, gallery.data));
  return gallery;
}

/** A GET with the path sent exactly as written (fetch would normalise `..`). */
export function rawRequest(
  baseUrl: string,
  requestPath: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { hostname, port, path: requestPath, method: options.method ?? 'GET', headers: options.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end();
  });
}

/** Debian's Chromium, headless, through playwright-core: the browser every gallery test drives. */
export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
