import fs from 'node:fs';

/** What the `moov` box of an MP4 or QuickTime file says about its first video track. */
export interface Mp4VideoHeader {
  /** Coded size from the track's sample description, as ffprobe reports a stream's size. */
  width: number;
  height: number;
  durationSeconds?: number;
  /** The sample entry's four-character code, e.g. `avc1`, `hvc1`, `av01`. */
  codec: string;
}

/** Box types that may open an ISO base media file; anything else is not one. */
const openingBoxes = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pdin', 'uuid', 'styp']);
/** Bytes read at once from the start of the file. */
const openingBytes = 64 * 1024;
/** A moov box larger than this is left to ffprobe: hours of samples, not worth holding in memory. */
const maxMoovBytes = 16 * 1024 * 1024;

interface Box {
  type: string;
  /** Offset of the payload, after the header. */
  start: number;
  end: number;
}

/** The boxes in `buffer` between `start` and `end`; stops at the first malformed one. */
function* boxes(buffer: Buffer, start: number, end: number): Generator<Box> {
  let offset = start;
  while (offset + 8 <= end) {
    let size = buffer.readUInt32BE(offset);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > end) return;
      size = Number(buffer.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) size = end - offset;
    if (size < header || offset + size > end) return;
    yield {
      type: buffer.toString('latin1', offset + 4, offset + 8),
      start: offset + header,
      end: offset + size,
    };
    offset += size;
  }
}

function child(buffer: Buffer, parent: Box, type: string): Box | undefined {
  for (const box of boxes(buffer, parent.start, parent.end)) if (box.type === type) return box;
  return undefined;
}

function descend(buffer: Buffer, parent: Box, types: string[]): Box | undefined {
  let box: Box | undefined = parent;
  for (const type of types) box = box && child(buffer, box, type);
  return box;
}

/** Seconds from an `mvhd` (movie) header: version 0 has 32-bit times, version 1 has 64-bit ones. */
function movieSeconds(buffer: Buffer, mvhd: Box): number | undefined {
  const version = buffer[mvhd.start];
  const at = mvhd.start + (version === 1 ? 20 : 12);
  if (at + (version === 1 ? 12 : 8) > mvhd.end) return undefined;
  const timescale = buffer.readUInt32BE(at);
  const duration = version === 1 ? Number(buffer.readBigUInt64BE(at + 4)) : buffer.readUInt32BE(at + 4);
  // All ones means "unknown".
  const unknown = version === 1 ? duration >= 2 ** 64 - 1 : duration === 0xffffffff;
  if (!timescale || !duration || unknown) return undefined;
  return duration / timescale;
}

function videoTrack(buffer: Buffer, trak: Box): { width: number; height: number; codec: string } | undefined {
  const mdia = child(buffer, trak, 'mdia');
  const hdlr = mdia && child(buffer, mdia, 'hdlr');
  // Full box header (4), pre_defined (4), then the handler type.
  if (!mdia || !hdlr || hdlr.start + 12 > hdlr.end) return undefined;
  if (buffer.toString('latin1', hdlr.start + 8, hdlr.start + 12) !== 'vide') return undefined;
  const stsd = descend(buffer, mdia, ['minf', 'stbl', 'stsd']);
  // Full box header (4), entry count (4), then the first sample entry (a box): reserved (6), data
  // reference index (2), pre_defined and reserved (16), width and height (2 each).
  const entry = stsd?.start === undefined ? undefined : stsd.start + 8;
  if (!stsd || entry === undefined || entry + 36 > stsd.end) return undefined;
  const width = buffer.readUInt16BE(entry + 32);
  const height = buffer.readUInt16BE(entry + 34);
  if (!width || !height) return undefined;
  return { width, height, codec: buffer.toString('latin1', entry + 4, entry + 8) };
}

async function readAt(handle: fs.promises.FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * Reads size, duration and codec of the first video track from an MP4/MOV container header, in
 * process: a child process per finished video cost more CPU than everything else reelbot does for
 * it. Undefined when the file is not an ISO media file, has no video track, or anything in the
 * header is out of place: the caller then asks ffprobe.
 */
export async function readMp4Header(file: string): Promise<Mp4VideoHeader | undefined> {
  const handle = await fs.promises.open(file, 'r');
  try {
    // One read holds ftyp and moov of a +faststart file, which is what models mostly send.
    const opening = await readAt(handle, 0, openingBytes);
    const size = opening.length < openingBytes ? opening.length : (await handle.stat()).size;
    const read = (position: number, length: number) =>
      position + length <= opening.length
        ? opening.subarray(position, position + length)
        : readAt(handle, position, length);
    let offset = 0;
    let first = true;
    while (offset + 8 <= size) {
      const head = await read(offset, Math.min(16, size - offset));
      if (head.length < 8) return undefined;
      const type = head.toString('latin1', 4, 8);
      if (first && !openingBoxes.has(type)) return undefined;
      first = false;
      let boxSize = head.readUInt32BE(0);
      let header = 8;
      if (boxSize === 1) {
        if (head.length < 16) return undefined;
        boxSize = Number(head.readBigUInt64BE(8));
        header = 16;
      } else if (boxSize === 0) boxSize = size - offset;
      if (boxSize < header || offset + boxSize > size) return undefined;
      if (type === 'moov') {
        if (boxSize > maxMoovBytes) return undefined;
        const moov = await read(offset, boxSize);
        if (moov.length < boxSize) return undefined;
        return parseMoov(moov, { type, start: header, end: boxSize });
      }
      offset += boxSize;
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

function parseMoov(buffer: Buffer, moov: Box): Mp4VideoHeader | undefined {
  const mvhd = child(buffer, moov, 'mvhd');
  for (const box of boxes(buffer, moov.start, moov.end)) {
    if (box.type !== 'trak') continue;
    const video = videoTrack(buffer, box);
    if (video) return { ...video, durationSeconds: mvhd && movieSeconds(buffer, mvhd) };
  }
  return undefined;
}
