import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export interface Line {
  /** 1-based line number in the input. */
  readonly no: number;
  /** The line without its end (`\n` or `\r\n`). */
  readonly text: string;
}

/**
 * The lines of one chunk of input, kept as byte ranges of the chunk: a line becomes a string only when a
 * reader asks for it, so that the lines a reader rejects by their bytes cost no decoding and no garbage.
 * `\n` never occurs inside a UTF-8 sequence, so splitting bytes at it never splits a character.
 */
export class LineBatch {
  constructor(
    readonly bytes: Buffer,
    /** Start and end (exclusive, without `\r\n`) of each line in `bytes`. */
    readonly starts: Int32Array,
    readonly ends: Int32Array,
    readonly length: number,
    /** Number of the batch's first line. */
    readonly firstNo: number,
    /** For a batch of one line too long to read: its length in bytes (the line itself is not kept). */
    readonly tooLong?: number,
  ) {}

  text(i: number): string {
    return this.bytes.toString('utf8', this.starts[i]!, this.ends[i]!);
  }

  line(i: number): Line {
    return { no: this.firstNo + i, text: this.text(i) };
  }
}

const CHUNK = 1 << 20;
/** No kernel or journal line comes near this; a longer one is binary or mangled, and is not held in memory. */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * Streams the lines of a file, or of stdin for `-`, in bounded memory: a batch per 1 MiB chunk, so that the
 * consumer pays one await per chunk, not per line. `onBytes` hears how far it got.
 */
export async function* readLineBatches(path: string, onBytes?: (bytes: number) => void, chunkBytes = CHUNK): AsyncGenerator<LineBatch> {
  const stream: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: chunkBytes });
  // The unfinished last line, in pieces: a line longer than a chunk is joined once, when it ends.
  let carry: Buffer[] = [];
  let carried = 0;
  /** Bytes of the current line dropped for being past MAX_LINE_BYTES. */
  let dropped = 0;
  let no = 1;
  let bytes = 0;
  let starts: Int32Array<ArrayBuffer> = new Int32Array(CHUNK / 32);
  let ends: Int32Array<ArrayBuffer> = new Int32Array(CHUNK / 32);
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    bytes += buf.length;
    onBytes?.(bytes);
    let start = 0;
    const first = buf.indexOf(10);
    if (first === -1) {
      carried += buf.length;
      if (dropped > 0 || carried > MAX_LINE_BYTES) {
        dropped += dropped === 0 ? carried : buf.length;
        carry = [];
      } else carry.push(buf);
      continue;
    }
    if (dropped > 0 || carried + first > MAX_LINE_BYTES) {
      yield tooLong(no++, carried + first);
      [carry, carried, dropped, start] = [[], 0, 0, first + 1];
    } else if (carry.length > 0) {
      // The line the previous chunk left unfinished: only it is copied, not the whole chunk.
      yield lastLine(Buffer.concat([...carry, buf.subarray(0, first)]), no++);
      [carry, carried, start] = [[], 0, first + 1];
    }
    let n = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      if (nl - start > MAX_LINE_BYTES) {
        // Within one chunk only if chunks are larger than the limit (tests); same answer either way.
        if (n > 0) yield new LineBatch(buf, starts.slice(0, n), ends.slice(0, n), n, no);
        no += n;
        n = 0;
        yield tooLong(no++, nl - start);
        start = nl + 1;
        continue;
      }
      if (n === starts.length) [starts, ends] = [grow(starts), grow(ends)];
      starts[n] = start;
      ends[n] = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      n++;
      start = nl + 1;
    }
    if (start < buf.length) {
      carry.push(buf.subarray(start));
      carried = buf.length - start;
    }
    if (n > 0) {
      // The batch owns its offsets: the consumer may still hold it while the next chunk is split.
      yield new LineBatch(buf, starts.slice(0, n), ends.slice(0, n), n, no);
      no += n;
    }
  }
  if (dropped > 0) yield tooLong(no, dropped);
  else if (carry.length > 0) yield lastLine(Buffer.concat(carry), no);
}

const EMPTY = Buffer.alloc(0);

/** A line past MAX_LINE_BYTES: its number and length, not its bytes. */
const tooLong = (no: number, bytes: number): LineBatch => new LineBatch(EMPTY, Int32Array.of(0), Int32Array.of(0), 1, no, bytes);

/** One line on its own, without its `\r`. */
function lastLine(line: Buffer, no: number): LineBatch {
  const end = line.length > 0 && line[line.length - 1] === 13 ? line.length - 1 : line.length;
  return new LineBatch(line, Int32Array.of(0), Int32Array.of(end), 1, no);
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
