import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export interface Line {
  /** 1-based line number in the input. */
  readonly no: number;
  /** The line without its end (`\n` or `\r\n`). */
  readonly text: string;
}

/**
 * Streams the lines of a file, or of stdin for `-`, in bounded memory: a batch per 1 MiB chunk, so that the
 * consumer pays one await per chunk, not per line. `onBytes` hears how far it got.
 */
export async function* readLineBatches(path: string, onBytes?: (bytes: number) => void): AsyncGenerator<Line[]> {
  const stream: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let no = 0;
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
    onBytes?.(bytes);
    const text = carry + decoder.decode(chunk as Buffer, { stream: true });
    const batch: Line[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      batch.push({ no: ++no, text: text.slice(start, end) });
      start = nl + 1;
    }
    carry = text.slice(start);
    if (batch.length > 0) yield batch;
  }
  carry += decoder.decode();
  if (carry.length > 0) yield [{ no: ++no, text: carry.endsWith('\r') ? carry.slice(0, -1) : carry }];
}
