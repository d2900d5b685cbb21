/** Width and height in pixels. */
export interface Dimensions {
  width: number;
  height: number;
}

function png(b: Buffer): Dimensions | undefined {
  // Signature (8), IHDR length (4), "IHDR" (4), then width and height.
  if (b.length < 24 || b.toString('ascii', 12, 16) !== 'IHDR') return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function gif(b: Buffer): Dimensions | undefined {
  if (b.length < 10) return undefined;
  return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
}

function jpeg(b: Buffer): Dimensions | undefined {
  let offset = 2;
  while (offset + 9 < b.length) {
    if (b[offset] !== 0xff) return undefined;
    const marker = b[offset + 1]!;
    // Start-of-frame markers carry the size; C4 (DHT), C8 and CC (DAC) are not frames.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: b.readUInt16BE(offset + 5), width: b.readUInt16BE(offset + 7) };
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += 2;
      continue;
    }
    offset += 2 + b.readUInt16BE(offset + 2);
  }
  return undefined;
}

function webp(b: Buffer): Dimensions | undefined {
  if (b.length < 30) return undefined;
  const chunk = b.toString('ascii', 12, 16);
  if (chunk === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = b.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  return undefined;
}

/** Reads the pixel size from the header of a PNG, GIF, JPEG or WebP image; undefined when unreadable. */
export function imageDimensions(bytes: Buffer, ext: string): Dimensions | undefined {
  try {
    if (ext === 'png') return png(bytes);
    if (ext === 'gif') return gif(bytes);
    if (ext === 'jpg') return jpeg(bytes);
    if (ext === 'webp') return webp(bytes);
  } catch {
    return undefined;
  }
  return undefined;
}
