import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Real media made by ffmpeg once per machine and cached in the temp dir (shared by test workers). */
export interface FakeMedia {
  /** 2 s, 320x240, H.264 + AAC, +faststart. */
  video: string;
  /** A second, different video (array outputs). */
  video2: string;
  /** A PNG still. */
  image: string;
}

const cacheDir = path.join(os.tmpdir(), 'reelbot-fake-replicate-media-v1');
let made: Promise<FakeMedia> | undefined;

async function make(file: string, args: string[]): Promise<string> {
  const target = path.join(cacheDir, file);
  if (fs.existsSync(target)) return target;
  // Workers may race on the same file: each writes its own and renames, which is atomic.
  const temp = path.join(cacheDir, `${process.pid}-${Math.random().toString(36).slice(2)}-${file}`);
  await run('ffmpeg', ['-v', 'error', '-y', ...args, temp]);
  fs.renameSync(temp, target);
  return target;
}

/** Makes (or finds) the sample media. */
export function fakeMedia(): Promise<FakeMedia> {
  made ??= (async () => {
    fs.mkdirSync(cacheDir, { recursive: true });
    const [video, video2, image] = await Promise.all([
      make('sample.mp4', [
        ...['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=24', '-f', 'lavfi', '-i', 'sine=frequency=440'],
        ...['-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
        ...['-c:a', 'aac', '-shortest', '-movflags', '+faststart'],
      ]),
      make('sample-2.mp4', [
        ...['-f', 'lavfi', '-i', 'smptebars=size=320x240:rate=24', '-t', '1'],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart'],
      ]),
      make('sample.png', ['-f', 'lavfi', '-i', 'testsrc=size=320x240', '-frames:v', '1']),
    ]);
    return { video, video2, image };
  })();
  return made;
}

/**
 * A valid MP4 of `totalBytes`, produced as a stream and never held whole: the sample video
 * (ftyp, moov, mdat, with +faststart) followed by one `free` box that fills the rest with zeros.
 * Players and ffprobe skip `free` boxes, so the file plays and probes as the sample does.
 */
export function hugeMp4Stream(sample: Buffer, totalBytes: number): Readable {
  const freeBytes = totalBytes - sample.length;
  if (freeBytes < 8 || freeBytes > 0xffffffff) throw new Error('huge output size out of range');
  const header = Buffer.alloc(8);
  header.writeUInt32BE(freeBytes, 0);
  header.write('free', 4, 'ascii');
  const zeros = Buffer.alloc(256 * 1024);
  let left = freeBytes - 8;
  let sentHead = false;
  return new Readable({
    read() {
      if (!sentHead) {
        sentHead = true;
        this.push(Buffer.concat([sample, header]));
        return;
      }
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, zeros.length);
      left -= n;
      this.push(n === zeros.length ? zeros : zeros.subarray(0, n));
    },
  });
}
