import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadError } from '../../../../src/core/errors.js';
import {
  type DownloadFile,
  downloadToTemp,
  imageTypes,
  videoTypes,
} from '../../../../src/core/media/download.js';
import { createGuardedDispatcher } from '../../../../src/core/media/guarded-dispatcher.js';
import { createHostAllowList } from '../../../../src/core/media/host-allow-list.js';
import { fakeMedia } from '../../../fakes/replicate/media.js';

let server: http.Server;
let base: string;
let port: number;
let video: Buffer;
/** 24 MB that plays as the sample video: random bytes in a `free` box, so misordered writes show. */
let big: Buffer;
const hits = new Map<string, number>();
const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-dl-'));

beforeAll(async () => {
  video = fs.readFileSync((await fakeMedia()).video);
  const filler = randomBytes(24 * 1024 * 1024 - video.length);
  filler.writeUInt32BE(filler.length, 0);
  filler.write('free', 4, 'ascii');
  big = Buffer.concat([video, filler]);
  server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const n = (hits.get(url) ?? 0) + 1;
    hits.set(url, n);
    if (url === '/ok.mp4' || url.startsWith('/ok.mp4?'))
      return res.writeHead(200, { 'content-length': video.length }).end(video);
    if (url === '/big.mp4') return res.writeHead(200, { 'content-length': big.length }).end(big);
    if (url === '/big-chunked.mp4') {
      // No length announced, and pieces of odd sizes: the cap and the hash see the body as it comes.
      res.writeHead(200);
      for (let at = 0; at < big.length; at += 100_003) res.write(big.subarray(at, at + 100_003));
      return res.end();
    }
    if (url === '/big-truncated.mp4') {
      res.writeHead(200, { 'content-length': big.length });
      return res.write(big.subarray(0, 12 * 1024 * 1024), () => res.socket?.destroy());
    }
    if (url === '/big-page.mp4') {
      const page = Buffer.alloc(big.length, '<html>');
      return res.writeHead(200, { 'content-length': page.length }).end(page);
    }
    if (url === '/chunked.mp4') {
      res.writeHead(200);
      res.write(video.subarray(0, 5000));
      return res.end(video.subarray(5000));
    }
    if (url.startsWith('/truncated') && (url !== '/truncated-once.mp4' || n === 1)) {
      res.writeHead(200, { 'content-length': video.length + 100 });
      res.write(video.subarray(0, 3000));
      return setTimeout(() => res.socket?.destroy(), 2);
    }
    if (url === '/truncated-once.mp4')
      return res.writeHead(200, { 'content-length': video.length }).end(video);
    if (url === '/stall.mp4') {
      res.writeHead(200, { 'content-length': video.length });
      return res.write(video.subarray(0, 3000)); // and then nothing
    }
    if (url === '/page.mp4')
      return res.writeHead(200, { 'content-length': 5000 }).end(Buffer.alloc(5000, 'x'));
    if (url === '/flaky.mp4' && n <= 2) return res.writeHead(503).end();
    if (url === '/flaky.mp4') return res.writeHead(200, { 'content-length': video.length }).end(video);
    if (url === '/gone.mp4') return res.writeHead(404).end();
    if (url === '/to-forbidden') return res.writeHead(302, { location: 'https://evil.example/x.mp4' }).end();
    if (url === '/to-ok') return res.writeHead(307, { location: '/ok.mp4' }).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function options(url: string, extra: Partial<Parameters<typeof downloadToTemp>[0]> = {}) {
  const waits: number[] = [];
  return {
    waits,
    options: {
      url,
      tempDir,
      maxBytes: 10 * 1024 * 1024,
      allowList: createHostAllowList([`127.0.0.1:${port}`]),
      accept: videoTypes,
      sleep: async (ms: number) => {
        waits.push(ms);
      },
      ...extra,
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<DownloadError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DownloadError);
  return error as DownloadError;
}

const leftovers = () => fs.readdirSync(tempDir).filter((f) => f.endsWith('.part'));

/**
 * A disk that is full: the temporary file is created, and every write fails with ENOSPC, as
 * /dev/full does.
 */
async function fullDisk(target: string): Promise<DownloadFile> {
  await (await fs.promises.open(target, 'wx')).close();
  return fs.promises.open('/dev/full', 'w');
}

/** Runs a download in a process whose files may not grow past `limit` bytes (RLIMIT_FSIZE). */
function downloadUnderSizeLimit(url: string, limit: number) {
  const script = path.join(import.meta.dirname, 'download-owner.ts');
  return new Promise<{ code?: string; context?: Record<string, unknown>; leftovers: string[] }>(
    (resolve, reject) => {
      const child = spawn(
        'prlimit',
        [`--fsize=${limit}`, process.execPath, '--import', 'tsx', script, url, tempDir],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout.on('data', (data: Buffer) => {
        out += data;
      });
      child.once('error', reject);
      child.once('exit', () => resolve(JSON.parse(out)));
    },
  );
}

describe('downloading an output', () => {
  it('fails with DOWNLOAD_DISK_FULL when the disk is full, at once and keeping nothing', async () => {
    const route = '/ok.mp4?full';
    const { options: opts, waits } = options(`${base}${route}`, { openFile: fullDisk });
    const error = await failure(downloadToTemp(opts));
    expect(error.code).toBe('DOWNLOAD_DISK_FULL');
    expect(error.userMessage).toBe(
      'The server ran out of disk space while saving the video, so it was not kept.',
    );
    expect(error.context).toMatchObject({ written: 0, code: 'ENOSPC' });
    // Retrying cannot make room: one request, no waits, and no partial file left behind.
    expect(waits).toEqual([]);
    expect(hits.get(route)).toBe(1);
    expect(leftovers()).toEqual([]);
  });

  it('finishes a short write and then fails with DOWNLOAD_DISK_FULL at the size limit, keeping nothing', async () => {
    // An odd limit: the write that crosses it takes only what fits, and writing the rest fails.
    const limit = 3 * 1024 * 1024 + 1;
    const result = await downloadUnderSizeLimit(`${base}/big.mp4`, limit);
    expect(result.code).toBe('DOWNLOAD_DISK_FULL');
    expect(result.context).toMatchObject({ written: limit, code: 'EFBIG' });
    expect(result.leftovers).toEqual([]);
    expect(hits.get('/big.mp4')).toBe(1);
  });

  it('fails with DOWNLOAD_WRITE_FAILED when the writer thread cannot write, retries, and keeps nothing', async () => {
    // A file opened for reading only: every write on the worker fails with EBADF.
    const readOnly = async (target: string): Promise<DownloadFile> => {
      await (await fs.promises.open(target, 'wx')).close();
      return fs.promises.open(target, 'r');
    };
    const route = '/ok.mp4?read-only';
    const run = options(`${base}${route}`, { openFile: readOnly, retryDelaysMs: [1] });
    const error = await failure(downloadToTemp(run.options));
    expect(error.code).toBe('DOWNLOAD_WRITE_FAILED');
    expect(error.context).toMatchObject({ written: 0, code: 'EBADF' });
    expect(run.waits).toEqual([1]);
    expect(hits.get(route)).toBe(2);
    expect(leftovers()).toEqual([]);
  });

  it('refuses a download announced as larger than the free space, before writing a byte', async () => {
    const route = '/ok.mp4?room=small';
    const dirs: string[] = [];
    const { options: opts, waits } = options(`${base}${route}`, {
      freeBytes: async (dir) => {
        dirs.push(dir);
        return video.length - 1;
      },
      openFile: () => Promise.reject(new Error('no file may be opened')),
    });
    const error = await failure(downloadToTemp(opts));
    expect(error.code).toBe('DOWNLOAD_DISK_FULL');
    expect(error.context).toEqual({ expected: video.length, free: video.length - 1 });
    expect(dirs).toEqual([tempDir]);
    expect(waits).toEqual([]);
    expect(hits.get(route)).toBe(1);
  });

  it('keeps a large body whole and in order on a disk slower than the network', async () => {
    // The "disk" is a pipe the test empties a piece at a time, each after a turn of the event
    // loop: the body arrives faster than that, and the writer thread holds the reading back.
    const pipe = path.join(tempDir, 'slow-disk.fifo');
    execFileSync('mkfifo', [pipe]);
    const onDisk: Buffer[] = [];
    const drained = (async () => {
      for await (const piece of fs.createReadStream(pipe, { highWaterMark: 256 * 1024 })) {
        onDisk.push(piece as Buffer);
        await new Promise(setImmediate);
      }
    })();
    const slowDisk = async (target: string): Promise<DownloadFile> => {
      await (await fs.promises.open(target, 'wx')).close();
      return fs.promises.open(pipe, 'w');
    };
    const progress: number[] = [];
    const file = await downloadToTemp(
      options(`${base}/big.mp4`, {
        openFile: slowDisk,
        maxBytes: 64 * 1024 * 1024,
        onProgress: (bytes) => progress.push(bytes),
      }).options,
    );
    await drained;
    fs.rmSync(pipe);
    expect(file.bytes).toBe(big.length);
    expect(file.sha256).toBe(createHash('sha256').update(big).digest('hex'));
    expect(Buffer.concat(onDisk).equals(big)).toBe(true);
    // Told as it goes, about once a megabyte, and of the whole at the end.
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.length).toBeLessThan(30);
    expect(progress.at(-1)).toBe(big.length);
    fs.rmSync(file.tempPath);
  });

  it('streams to a temp file with the sha256, size and type of the bytes', async () => {
    const file = await downloadToTemp(options(`${base}/ok.mp4`).options);
    expect(file.ext).toBe('mp4');
    expect(file.bytes).toBe(video.length);
    expect(file.sha256).toBe(createHash('sha256').update(video).digest('hex'));
    expect(fs.readFileSync(file.tempPath).equals(video)).toBe(true);
    fs.rmSync(file.tempPath);
    const chunked = await downloadToTemp(options(`${base}/chunked.mp4`).options);
    expect(chunked.bytes).toBe(video.length);
    fs.rmSync(chunked.tempPath);
  });

  it('records the sha256 of the file as it lies on disk, for a large body of unknown length', async () => {
    const file = await downloadToTemp(
      options(`${base}/big-chunked.mp4`, { maxBytes: 64 * 1024 * 1024 }).options,
    );
    const onDisk = fs.readFileSync(file.tempPath);
    expect(file.bytes).toBe(big.length);
    expect(onDisk.equals(big)).toBe(true);
    expect(file.sha256).toBe(createHash('sha256').update(onDisk).digest('hex'));
    fs.rmSync(file.tempPath);
  });

  it('fails a large download cut short, over the cap, or of the wrong type with its code, keeping nothing', async () => {
    const roomy = { maxBytes: 64 * 1024 * 1024, retryDelaysMs: [1] };
    const cut = options(`${base}/big-truncated.mp4`, roomy);
    expect((await failure(downloadToTemp(cut.options))).code).toBe('DOWNLOAD_TRUNCATED');
    expect(hits.get('/big-truncated.mp4')).toBe(2);
    expect(leftovers()).toEqual([]);
    const over = options(`${base}/big-chunked.mp4`, { maxBytes: 5 * 1024 * 1024 });
    expect((await failure(downloadToTemp(over.options))).code).toBe('DOWNLOAD_TOO_LARGE');
    expect(over.waits).toEqual([]);
    expect(leftovers()).toEqual([]);
    const page = options(`${base}/big-page.mp4`, roomy);
    expect((await failure(downloadToTemp(page.options))).code).toBe('DOWNLOAD_WRONG_TYPE');
    expect(leftovers()).toEqual([]);
    // The hashing went on for the other downloads all along.
    const after = await downloadToTemp(options(`${base}/ok.mp4`).options);
    expect(after.sha256).toBe(createHash('sha256').update(video).digest('hex'));
    fs.rmSync(after.tempPath);
  });

  it('retries a truncated body after 2, 4 and 8 s, then gives up keeping nothing', async () => {
    const run = options(`${base}/truncated.mp4`);
    const error = await failure(downloadToTemp(run.options));
    expect(error.code).toBe('DOWNLOAD_TRUNCATED');
    expect(run.waits).toEqual([2000, 4000, 8000]);
    expect(hits.get('/truncated.mp4')).toBe(4);
    expect(leftovers()).toEqual([]);
  });

  it('gives up on a stalled body after the idle timeout, and retries', async () => {
    const run = options(`${base}/stall.mp4`, { idleTimeoutMs: 50, retryDelaysMs: [1, 1] });
    const error = await failure(downloadToTemp(run.options));
    expect(error.code).toBe('DOWNLOAD_TRUNCATED');
    expect(hits.get('/stall.mp4')).toBe(3);
    expect(leftovers()).toEqual([]);
  });

  it('succeeds when a retry gets the whole file, and retries 5xx', async () => {
    const once = options(`${base}/truncated-once.mp4`);
    const first = await downloadToTemp(once.options);
    expect(first.bytes).toBe(video.length);
    expect(once.waits).toEqual([2000]);
    const flaky = options(`${base}/flaky.mp4`);
    const second = await downloadToTemp(flaky.options);
    expect(second.bytes).toBe(video.length);
    expect(flaky.waits).toEqual([2000, 4000]);
    for (const file of [first, second]) fs.rmSync(file.tempPath);
  });

  it('refuses the wrong type at once, and a gone file without retrying', async () => {
    const wrong = options(`${base}/page.mp4`);
    expect((await failure(downloadToTemp(wrong.options))).code).toBe('DOWNLOAD_WRONG_TYPE');
    expect(wrong.waits).toEqual([]);
    const asImage = options(`${base}/ok.mp4`, { accept: imageTypes });
    expect((await failure(downloadToTemp(asImage.options))).code).toBe('DOWNLOAD_WRONG_TYPE');
    const gone = options(`${base}/gone.mp4`);
    expect((await failure(downloadToTemp(gone.options))).code).toBe('DOWNLOAD_GONE');
    expect(gone.waits).toEqual([]);
    expect(leftovers()).toEqual([]);
  });

  it('stops at the size cap, announced or streamed', async () => {
    const announced = options(`${base}/ok.mp4`, { maxBytes: 1000 });
    expect((await failure(downloadToTemp(announced.options))).code).toBe('DOWNLOAD_TOO_LARGE');
    const streamed = options(`${base}/chunked.mp4`, { maxBytes: 6000 });
    expect((await failure(downloadToTemp(streamed.options))).code).toBe('DOWNLOAD_TOO_LARGE');
    expect(leftovers()).toEqual([]);
  });

  it('follows redirects only to allowed hosts', async () => {
    const redirected = await downloadToTemp(options(`${base}/to-ok`).options);
    expect(redirected.bytes).toBe(video.length);
    fs.rmSync(redirected.tempPath);
    const error = await failure(downloadToTemp(options(`${base}/to-forbidden`).options));
    expect(error.code).toBe('DOWNLOAD_HOST_REFUSED');
    expect((await failure(downloadToTemp(options('https://evil.example/a.mp4').options))).code).toBe(
      'DOWNLOAD_HOST_REFUSED',
    );
  });

  it('refuses a wildcard-allowed host that resolves to a private address, at connect time', async () => {
    const allowList = createHostAllowList(['*.cdn.test']);
    const dispatcher = createGuardedDispatcher(allowList, {
      // A DNS answer pointing into our own network, as a rebinding attacker would give.
      lookup: ((
        _host: string,
        _opts: unknown,
        cb: (e: null, a: { address: string; family: number }[]) => void,
      ) => cb(null, [{ address: '127.0.0.1', family: 4 }])) as never,
    });
    const run = options(`http://video.cdn.test:${port}/ok.mp4`, { allowList, dispatcher });
    const error = await failure(downloadToTemp(run.options));
    expect(error.code).toBe('DOWNLOAD_PRIVATE_ADDRESS');
    expect(run.waits).toEqual([]);
    expect(String(error.cause ?? error.message)).toMatch(/private|loopback/);
    await dispatcher.close();
    // An IP literal skips DNS, so it is checked before connecting.
    const literal = options('http://10.0.0.1/a.mp4', {
      allowList: createHostAllowList(['*.cdn.test', '10.0.0.1:81']),
    });
    expect((await failure(downloadToTemp(literal.options))).code).toBe('DOWNLOAD_HOST_REFUSED');
  });
});
