import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
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

  /** The same lines in bytes of their own, for a batch kept while its reader reuses its buffer. */
  detached(): LineBatch {
    if (this.length === 0 || this.tooLong !== undefined) return this;
    const from = this.starts[0]!;
    const shift = (a: Int32Array) => a.map((x) => x - from);
    return new LineBatch(Buffer.from(this.bytes.subarray(from, this.ends[this.length - 1]!)), shift(this.starts), shift(this.ends), this.length, this.firstNo);
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
  const split = new LineSplitter();
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
    onBytes?.(bytes);
    yield* split.push(chunk as Buffer);
  }
  yield* split.end();
}

/**
 * The same batches read with blocking calls, for a thread with nothing else to do meanwhile (the parse thread),
 * into two buffers used in turn: a batch's bytes are valid until the next batch is asked for (`LineBatch.detached`
 * keeps a copy): a fresh buffer per chunk costs the kernel's page faults more than the reading (docs/performance.md).
 */
export function* readLineBatchesSync(path: string, onBytes?: (bytes: number) => void, chunkBytes = CHUNK): Generator<LineBatch> {
  const fd = openSync(path, 'r');
  try {
    const split = new LineSplitter();
    const buffers = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
    let bytes = 0;
    for (let turn = 0; ; turn ^= 1) {
      const buf = buffers[turn]!;
      const n = readSync(fd, buf, 0, chunkBytes, null);
      if (n === 0) break;
      bytes += n;
      onBytes?.(bytes);
      yield* split.push(n < chunkBytes ? buf.subarray(0, n) : buf);
    }
    yield* split.end();
  } finally {
    closeSync(fd);
  }
}

/**
 * Cuts chunks of input into batches of lines, carrying the unfinished last line of each chunk to the next. The
 * carry is a copy: a chunk's buffer may be reused once its batches are taken.
 */
class LineSplitter {
  // The unfinished last line, in pieces: a line longer than a chunk is joined once, when it ends.
  private carry: Buffer[] = [];
  private carried = 0;
  /** Bytes of the current line dropped for being past MAX_LINE_BYTES. */
  private dropped = 0;
  private no = 1;
  private starts: Int32Array<ArrayBuffer> = new Int32Array(CHUNK / 32);
  private ends: Int32Array<ArrayBuffer> = new Int32Array(CHUNK / 32);

  *push(buf: Buffer): Generator<LineBatch> {
    let start = 0;
    const first = buf.indexOf(10);
    if (first === -1) {
      this.carried += buf.length;
      if (this.dropped > 0 || this.carried > MAX_LINE_BYTES) {
        this.dropped += this.dropped === 0 ? this.carried : buf.length;
        this.carry = [];
      } else this.carry.push(Buffer.from(buf));
      return;
    }
    if (this.dropped > 0 || this.carried + first > MAX_LINE_BYTES) {
      yield tooLong(this.no++, this.carried + first);
      [this.carry, this.carried, this.dropped, start] = [[], 0, 0, first + 1];
    } else if (this.carry.length > 0) {
      // The line the previous chunk left unfinished: only it is copied, not the whole chunk.
      yield lastLine(Buffer.concat([...this.carry, buf.subarray(0, first)]), this.no++);
      [this.carry, this.carried, start] = [[], 0, first + 1];
    }
    let n = 0;
    let { starts, ends } = this;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      if (nl - start > MAX_LINE_BYTES) {
        // Within one chunk only if chunks are larger than the limit (tests); same answer either way.
        if (n > 0) yield new LineBatch(buf, starts.slice(0, n), ends.slice(0, n), n, this.no);
        this.no += n;
        n = 0;
        yield tooLong(this.no++, nl - start);
        start = nl + 1;
        continue;
      }
      if (n === starts.length) {
        [starts, ends] = [grow(starts), grow(ends)];
        [this.starts, this.ends] = [starts, ends];
      }
      starts[n] = start;
      ends[n] = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      n++;
      start = nl + 1;
    }
    if (start < buf.length) {
      this.carry.push(Buffer.from(buf.subarray(start)));
      this.carried = buf.length - start;
    }
    if (n > 0) {
      // The batch owns its offsets: the consumer may still hold it while the next chunk is split.
      yield new LineBatch(buf, starts.slice(0, n), ends.slice(0, n), n, this.no);
      this.no += n;
    }
  }

  *end(): Generator<LineBatch> {
    if (this.dropped > 0) yield tooLong(this.no, this.dropped);
    else if (this.carry.length > 0) yield lastLine(Buffer.concat(this.carry), this.no);
  }
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
