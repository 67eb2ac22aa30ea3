/**
 * Reads one input in a parse thread while this thread appends what it decodes: on a machine with two cores
 * the reading, splitting and decoding of lines runs beside the SQLite inserts instead of before each one.
 * Same result as `importLines` in this thread (test/ingest/parse-thread.test.ts): the thread runs the same
 * importer, and this side applies its sink calls to the real sink in the order they were made.
 */
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { KvmlogError } from '../../errors.js';
import type { EventType } from '../../model/event.js';
import type { ImportOptions, ImportSink, InputSummary } from '../importer.js';
import { type FromParser, type ParseFailure, type ParserData, SLOTS, Slot, type SinkAnswer, type SinkCall } from './protocol.js';

/** Set by scripts/build.js: where the bundled parse thread is, relative to the bundle that starts it. */
declare const KVMLOG_PARSE_THREAD: string | undefined;

/**
 * The bundled thread; or, running from source (tests, bin/dev.js), the TypeScript module behind tsx's loader,
 * which a worker does not inherit from the thread that starts it (Node 20): the worker registers it first.
 */
function startParseThread(data: ParserData, transferList: MessagePort[]): Worker {
  if (typeof KVMLOG_PARSE_THREAD === 'string') return new Worker(new URL(KVMLOG_PARSE_THREAD, import.meta.url), { workerData: data, transferList });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./parse-thread.ts', import.meta.url).href);
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}); })`, { eval: true, workerData: data, transferList });
}

export function readInThread(path: string, sink: ImportSink, opts: ImportOptions, onBytes?: (bytes: number) => void): Promise<InputSummary> {
  const shared = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  const { port1: answers, port2: replies } = new MessageChannel();
  const data: ParserData = { path, opts, shared, replies };
  const worker = startParseThread(data, [replies]);
  return new Promise<InputSummary>((resolve, reject) => {
    let settled = false;
    const settle = () => {
      settled = true;
      answers.close();
    };
    const fail = (e: unknown) => {
      if (settled) return;
      settle();
      // Wake the parse thread wherever it waits, so that it stops rather than sleep forever.
      Atomics.store(shared, Slot.aborted, 1);
      Atomics.notify(shared, Slot.replied);
      Atomics.notify(shared, Slot.handled);
      void worker.terminate();
      reject(e);
    };
    const handle = (m: FromParser): void => {
      switch (m.kind) {
        case 'rows':
          for (let i = 0; i < m.timeNs.length; i++) {
            const cpu = m.cpu[i]!;
            const row = { timeNs: m.timeNs[i]!, type: m.type[i] as EventType, cpu: cpu < 0 ? null : cpu, fields: m.fields[i]!, event: m.event[i]!, line: m.line[i]!, raw: m.raw[i]! };
            sink.event(m.boot, row, m.toleranceNs);
          }
          return;
        case 'anchors':
          return sink.anchors(m.boot, m.anchors);
        case 'end-boot':
          return sink.endBoot(m.boot, m.facts);
        case 'call': {
          const answer: SinkAnswer = { value: ask(sink, m.call) };
          answers.postMessage(answer);
          Atomics.store(shared, Slot.replied, 1);
          Atomics.notify(shared, Slot.replied);
          return;
        }
        case 'progress':
          return onBytes?.(m.bytes);
        case 'done':
          settle();
          return resolve(m.summary);
        case 'failed':
          throw asError(m.failure);
      }
    };
    worker.on('message', (m: FromParser) => {
      if (settled) return;
      try {
        handle(m);
      } catch (e) {
        fail(e);
        return;
      }
      Atomics.add(shared, Slot.handled, 1);
      Atomics.notify(shared, Slot.handled);
    });
    // An error the parse thread did not catch is a bug in it, stack and all.
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the parse thread of ${path} exited (status ${code}) before it finished`)));
  });
}

function ask(sink: ImportSink, c: SinkCall): SinkAnswer['value'] {
  switch (c.op) {
    case 'findBoot':
      return sink.findBoot(c.anchors, c.identity);
    case 'hasBoot':
      return sink.hasBoot(c.id);
    case 'createBoot':
      return sink.createBoot(c.boot);
  }
}

function asError(f: ParseFailure): Error {
  if (f.code !== null) return new KvmlogError(f.code, f.message);
  const e = new Error(f.message);
  e.stack = f.stack;
  return e;
}
