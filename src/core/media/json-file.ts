import { fileTypeFromBuffer } from 'file-type';

/** A file read as JSON: its value, or why it is not JSON in words a person reads. */
export type JsonFileRead = { ok: true; value: unknown } | { ok: false; problem: string };

/** Letters whose English name starts with a vowel sound: "an MP4 video", "a PNG image". */
const vowelSoundLetters = new Set('AEFHILMNORSX');

function describeType(type: { ext: string; mime: string }): string {
  const name = type.ext.toUpperCase();
  const kind = /^(image|video|audio)\//.exec(type.mime)?.[1] ?? 'file';
  return `${vowelSoundLetters.has(name[0]!) ? 'an' : 'a'} ${name} ${kind}`;
}

/**
 * Reads a file a person gave as JSON (a scene file). When it is not JSON, the problem says what the
 * file is instead ("it is a PNG image") or where its JSON breaks; never the file's bytes themselves,
 * which for a picture or a video are control characters that mangle a chat message or a terminal.
 * A UTF-8 byte order mark, which some Windows editors write, is allowed, and so is UTF-16 with
 * its mark, which Notepad's "Unicode" and Windows PowerShell's `>` write.
 */
export async function readJsonFile(bytes: Uint8Array): Promise<JsonFileRead> {
  const encoding = utf16ByBom(bytes);
  // A byte order mark of UTF-16 is text, not the sync word of MPEG audio file-type takes it for.
  const type = encoding ? undefined : await fileTypeFromBuffer(bytes);
  if (type) return { ok: false, problem: `it is ${describeType(type)}, not JSON` };
  let text: string;
  try {
    text = new TextDecoder(encoding ?? 'utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { ok: false, problem: 'it is not text, so not JSON' };
  }
  // Text files hold tabs and line breaks, other control characters only when they are binary.
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) return { ok: false, problem: 'it is not text, so not JSON' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    // JSON.parse quotes the text around the mistake; line breaks in it would split the message.
    return { ok: false, problem: `it is not JSON (${(error as Error).message.replace(/\s+/g, ' ')})` };
  }
}

/** UTF-16 announced by its byte order mark (FF FE little-endian, FE FF big-endian). */
function utf16ByBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}
