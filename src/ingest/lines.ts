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
  ) {}

  text(i: number): string {
    return this.bytes.toString('utf8', this.starts[i]!, this.ends[i]!);
  }

  line(i: number): Line {
    return { no: this.firstNo + i, text: this.text(i) };
  }
}

const CHUNK = 1 << 20;

/**
 * Streams the lines of a file, or of stdin for `-`, in bounded memory: a batch per 1 MiB chunk, so that the
 * consumer pays one await per chunk, not per line. `onBytes` hears how far it got.
 */
export async function* readLineBatches(path: string, onBytes?: (bytes: number) => void, chunkBytes = CHUNK): AsyncGenerator<LineBatch> {
  const stream: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: chunkBytes });
  // The unfinished last line, in pieces: a line longer than a chunk is joined once, when it ends.
  let carry: Buffer[] = [];
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
      carry.push(buf);
      continue;
    }
    if (carry.length > 0) {
      // The line the previous chunk left unfinished: only it is copied, not the whole chunk.
      yield lastLine(Buffer.concat([...carry, buf.subarray(0, first)]), no++);
      carry = [];
      start = first + 1;
    }
    let n = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      if (n === starts.length) [starts, ends] = [grow(starts), grow(ends)];
      starts[n] = start;
      ends[n] = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      n++;
      start = nl + 1;
    }
    if (start < buf.length) carry.push(buf.subarray(start));
    if (n > 0) {
      // The batch owns its offsets: the consumer may still hold it while the next chunk is split.
      yield new LineBatch(buf, starts.slice(0, n), ends.slice(0, n), n, no);
      no += n;
    }
  }
  if (carry.length > 0) yield lastLine(Buffer.concat(carry), no);
}

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
