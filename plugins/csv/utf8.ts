import type { PluginError } from "../contract";
import { badFile } from "./errors";

const NEWLINE = 0x0a;
const strict = () => new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function countNewlines(bytes: Uint8Array): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) count += 1;
  return count;
}

const failsAt = (bytes: Uint8Array, length: number) => {
  try {
    strict().decode(bytes.subarray(0, length), { stream: true });
    return false;
  } catch {
    return true;
  }
};

/** Roughly where in `chunk` decoding fails: the end of the shortest prefix that does not decode. */
function firstBadByte(chunk: Uint8Array): number {
  // A character begun in the previous chunk ends in this one's first bytes, which a fresh decoder would refuse.
  let skip = 0;
  while (skip < 3 && skip < chunk.byteLength && (chunk[skip]! & 0xc0) === 0x80) skip += 1;
  const rest = chunk.subarray(skip);
  if (!failsAt(rest, rest.byteLength)) return 0;
  let good = 0;
  let bad = rest.byteLength;
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    if (failsAt(rest, mid)) bad = mid;
    else good = mid;
  }
  return skip + bad - 1;
}

/**
 * Checks a byte stream as strict UTF-8, one chunk at a time at native speed, so that the CSV
 * parser can decode fields leniently (and fast) without ever meeting a bad sequence. When a chunk
 * holds one, only the lines before it are passed on, and the error names its line and byte.
 */
export class Utf8Guard {
  private readonly decoder = strict();
  private offset: number;
  private line: number;

  constructor(start: { offset: number; line: number }) {
    this.offset = start.offset;
    this.line = start.line;
  }

  check(chunk: Uint8Array): { valid: Uint8Array; error: PluginError | null } {
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      const bad = firstBadByte(chunk);
      const lineStart = bad > 0 ? chunk.lastIndexOf(NEWLINE, bad - 1) + 1 : 0;
      return { valid: chunk.subarray(0, lineStart), error: this.failure(this.line + countNewlines(chunk.subarray(0, bad)), this.offset + bad) };
    }
    this.line += countNewlines(chunk);
    this.offset += chunk.byteLength;
    return { valid: chunk, error: null };
  }

  /** After the last chunk: a character cut off by the end of the file is as bad as a wrong byte. */
  finish(): PluginError | null {
    try {
      this.decoder.decode();
      return null;
    } catch {
      return this.failure(this.line, this.offset);
    }
  }

  private failure(line: number, byteOffset: number) {
    return badFile(`Line ${line} is not valid UTF-8 (near byte ${byteOffset}); save the file as UTF-8 and upload it again`, { line, byteOffset });
  }
}
