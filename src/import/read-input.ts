/**
 * Reads one input as a stream — its format recognized from its first lines — and hands its boots and events to a
 * sink, in input order. Knows formats and kernels; knows nothing of SQL or threads.
 */
import { KvmlogError } from '../errors.js';
import { detectFormat, readerFor } from '../ingest/formats/registry.js';
import type { LineBatch } from '../ingest/lines.js';
import { BootSplitter } from './boot-splitter.js';
import type { ImportSink, InputSummary, ReadOptions } from './sink.js';

/** Lines a format is recognized from. */
const HEAD_LINES = 64;

export async function readInput(batches: AsyncIterable<LineBatch> | Iterable<LineBatch>, sink: ImportSink, opts: ReadOptions): Promise<InputSummary> {
  const it: AsyncIterator<LineBatch> | Iterator<LineBatch> = Symbol.asyncIterator in batches ? batches[Symbol.asyncIterator]() : batches[Symbol.iterator]();
  const first: LineBatch[] = [];
  const head: string[] = [];
  for (;;) {
    const r = await it.next();
    if (r.done) break;
    first.push(r.value);
    for (let i = 0; i < r.value.length && head.length < HEAD_LINES; i++) head.push(r.value.text(i));
    if (head.length === HEAD_LINES) break;
    // Held while a later batch is read, and a reader may reuse the buffer under it (readLineBatchesSync): copied
    // then, and only then (a fresh buffer costs page faults at the start of every import).
    first[first.length - 1] = r.value.detached();
  }
  if (head.every((l) => l.trim() === '')) throw new KvmlogError('input', `${opts.name}: empty; nothing to import`);
  const format = opts.format ?? detectFormat(head);
  if (format === null) {
    if (head.some((l) => l.startsWith('Linux version '))) {
      throw new KvmlogError('format', `${opts.name}: a kernel log without timestamps (dmesg -t, printk.time=0); kvmlog needs each line's time`);
    }
    throw new KvmlogError('format', `${opts.name}: not a format kvmlog reads (kvmlog import --help lists them); force one with --format`);
  }
  const reader = readerFor(format);
  const splitter = new BootSplitter(format, sink, opts);
  for (const b of first) reader.readBatch(b, splitter);
  for (let r = await it.next(); !r.done; r = await it.next()) reader.readBatch(r.value, splitter);
  splitter.tail(reader.end());
  return splitter.finish();
}
