import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDiscord, type RecordedCall, startFakeDiscord } from '../fakes/discord/server.js';
import { type FakeReplicate, startFakeReplicate } from '../fakes/replicate/server.js';
import { type FakeS3, startFakeS3 } from '../fakes/s3/server.js';
import { createE2eStage } from '../support/e2e-stage.js';
import { probeVideo, type ReelbotProcess, runReelbot } from '../support/reelbot-process.js';

const stage = createE2eStage('s3');
const { dataDir } = stage;
let discord: FakeDiscord;
let replicate: FakeReplicate;
let s3: FakeS3;
let bucket: S3Client;
let reelbot: ReelbotProcess | undefined;

beforeAll(async () => {
  discord = await stage.use(startFakeDiscord());
  replicate = await stage.use(startFakeReplicate());
  s3 = await stage.use(startFakeS3());
  bucket = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
});
afterAll(async () => {
  bucket?.destroy();
  await stage.end();
});

const env = () => ({ DATA_DIR: dataDir, PORT: '0', ...replicate.env, ...discord.env, ...s3.env });

const isFinalEdit = (token: string) => (call: RecordedCall) =>
  call.method === 'PATCH' &&
  call.route.includes(`/${token}/messages/`) &&
  /^✅ Done/.test(call.json?.content ?? '');

type Button = { label: string; url?: string; custom_id?: string };
const buttonsOf = (call: RecordedCall) =>
  (call.json.components as { components: Button[] }[]).flatMap((row) => row.components);

/** Every file under `dir`, relative to it; none when it is not there. */
function filesUnder(dir: string): string[] {
  return fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]) : [];
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('`reelbot start` with media in S3 (s3rver), as its own process', { timeout: 120_000 }, () => {
  it('keeps the video in the bucket, posts it in Discord, streams it to the gallery with Range, and Delete removes it', async () => {
    reelbot = await stage.start(env());
    const video = discord.sendCommand('video', [
      { name: 'model', value: 'tencent/hunyuan-video' },
      { name: 'prompt', value: 'a red fox running through snow' },
    ]);
    expect((await discord.waitForCallback(video)).json.type).toBe(5);
    const done = await discord.waitForCall(isFinalEdit(video.token));

    // The video reached chat, read back from the bucket.
    expect(done.status).toBe(200);
    expect(done.files).toHaveLength(1);
    const posted = done.files[0]!.bytes;
    const info = await probeVideo(posted);
    expect(info.codec).toBe('h264');

    // The video and its poster are objects in the bucket; DATA_DIR has no media and no leftovers.
    const link = new URL(buttonsOf(done).find((b) => b.label === 'Open in gallery')!.url!);
    const id = decodeURIComponent(link.pathname.split('/').at(-1)!);
    const head = await bucket.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `media/${id}.mp4` }));
    expect(head.ContentLength).toBe(posted.length);
    expect(head.ContentType).toBe('video/mp4');
    await bucket.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `media/${id}.poster.jpg` }));
    expect(filesUnder(path.join(dataDir, 'media'))).toEqual([]);
    expect(filesUnder(path.join(dataDir, 'tmp'))).toEqual([]);

    // The gallery streams it from the bucket: a 206 for a range, the whole file for no range,
    // and only with the signed link from the chat message.
    const key = link.searchParams.get('key')!;
    const media = `${reelbot.url}/media/${encodeURIComponent(id)}`;
    const ranged = await fetch(`${media}?key=${key}`, { headers: { range: 'bytes=100-1099' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 100-1099/${posted.length}`);
    expect(ranged.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await ranged.arrayBuffer()).equals(posted.subarray(100, 1100))).toBe(true);
    const whole = await fetch(`${media}?key=${key}`);
    expect(whole.status).toBe(200);
    const body = Buffer.from(await whole.arrayBuffer());
    expect(sha256(body)).toBe(sha256(posted));
    const poster = await fetch(`${media}/poster?key=${key}`);
    expect(poster.status).toBe(200);
    expect(poster.headers.get('content-type')).toBe('image/jpeg');
    expect((await fetch(media)).status).toBe(404);

    // Delete removes the objects from the bucket.
    const deleteButton = buttonsOf(done).find((b) => b.label === 'Delete')!;
    const [audit] = await Promise.all([
      reelbot.waitForLine((line) => line.audit === 'delete', 'the audit line'),
      discord.pressButton(video.originalMessageId!, deleteButton.custom_id!),
    ]);
    expect(audit.generationId).toBe(id);
    const left = await bucket.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `media/${id}` }));
    expect(left.Contents ?? []).toEqual([]);
    expect((await fetch(`${media}?key=${key}`)).status).toBe(404);

    expect((await reelbot.stop()).code).toBe(0);
    reelbot = undefined;
  });

  it('refuses to start with half the S3 variables, saying which are missing', async () => {
    const run = await runReelbot(['start'], { DATA_DIR: dataDir, PORT: '0', S3_BUCKET: s3.bucket });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      'S3_BUCKET is set but S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY are missing',
    );
  });
});
