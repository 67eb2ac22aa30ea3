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

/** The sink's questions that only read the store: answerable before the import's transaction is begun. */
export type StoreQuestions = Pick<ImportSink, 'findBoot' | 'hasBoot'>;
import { ChainBytes, type ChainMode, type FromParser, type ParseFailure, type ParserData, SLOTS, Slot, type SinkAnswer, type SinkCall } from './protocol.js';

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

/** A progress bar redraws at most this often (cli-progress's own default throttle is 100 ms too). */
const PROGRESS_MS = 100;

/** The store's end of the hash chain, for a parse thread that links rows itself: the input's SHA-256, the head. */
export interface ChainTip {
  readonly source: string;
  head(): string;
}

/**
 * A parse thread reading one input. It starts at once — while the importing thread takes the store's write lock
 * and hashes the input — and what it sends waits (at most IN_FLIGHT messages) until `into` hands it the sink; the
 * questions `answerEarly` may answer meanwhile excepted. The new boot it asks for then is answered in `into`
 * too, and the thread reads on meanwhile (RemoteSink.requestBoot).
 */
export class ParseThread {
  private readonly shared = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  private readonly chainBytes = new Uint8Array(new SharedArrayBuffer(ChainBytes.size));
  private readonly bytesRead = new BigInt64Array(new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT));
  private progress: ReturnType<typeof setInterval> | null = null;
  private tell: (() => void) | null = null;
  private readonly answers: MessagePort;
  private readonly worker: Worker;
  private readonly early: FromParser[] = [];
  private failure: unknown = null;
  private deliver: ((m: FromParser) => void) | null = null;
  private fail: ((e: unknown) => void) | null = null;
  /** Answers the thread's first questions while `into` is not yet called (`answerEarly`). */
  private questions: StoreQuestions | null = null;
  private settled = false;
  /** The thread said its last word (done or failed); its exit is then no news. */
  private ended = false;

  private constructor(path: string, opts: ImportOptions, chain: ChainMode) {
    const { port1, port2: replies } = new MessageChannel();
    this.answers = port1;
    this.worker = startParseThread({ path, opts, shared: this.shared, chainBytes: this.chainBytes, chain, replies, bytesRead: this.bytesRead }, [replies]);
    this.worker.on('message', (m: FromParser) => {
      if (m.kind === 'done' || m.kind === 'failed') this.ended = true;
      if (this.deliver !== null) this.deliver(m);
      else if (!this.answeredEarly(m)) this.early.push(m);
    });
    // An error the parse thread did not catch is a bug in it, stack and all.
    this.worker.on('error', (e) => this.stop(e));
    this.worker.on('exit', (code) => {
      if (!this.ended) this.stop(new Error(`the parse thread of ${path} exited (status ${code}) before it finished`));
    });
  }

  /** `chain`: when the thread may compute the rows' chain links (ChainMode); only with a ChainTip given to `into`. */
  static start(path: string, opts: ImportOptions, chain: ChainMode = 'adaptive'): ParseThread {
    return new ParseThread(path, opts, chain);
  }

  /**
   * Until `into`, the thread's questions that only read the store (is this boot stored already?) are answered
   * by `questions` — while this thread hashes the input, say — so that the thread reads on rather than wait.
   * Only a question that nothing unhandled comes before is answered: the store must hold all the thread sent
   * before it.
   */
  answerEarly(questions: StoreQuestions): void {
    this.questions = questions;
    while (this.early.length > 0 && this.answeredEarly(this.early[0]!)) this.early.shift();
  }

  /**
   * Applies what the thread read, and reads on, into the sink; resolves with what reading found. With `tip`, the
   * thread may link the rows into the hash chain itself, and the sink take the links that follow its head.
   */
  into(sink: ImportSink, onBytes?: (bytes: number) => void, tip?: ChainTip): Promise<InputSummary> {
    return new Promise<InputSummary>((resolve, reject) => {
      if (this.failure !== null) return reject(this.failure);
      this.fail = reject;
      Atomics.store(this.shared, Slot.sinkReady, 1);
      if (tip !== undefined) {
        this.write(ChainBytes.source, tip.source);
        this.write(ChainBytes.head, tip.head());
        Atomics.store(this.shared, Slot.chainReady, 1);
      } else Atomics.store(this.shared, Slot.chainRefused, 1);
      if (onBytes !== undefined) this.report(onBytes);
      const handle = (m: FromParser): void => {
        switch (m.kind) {
          case 'rows': {
            let prev = m.chain?.prev;
            for (let i = 0; i < m.timeNs.length; i++) {
              const cpu = m.cpu[i]!;
              const hash = m.chain?.hash[i];
              const link = prev !== undefined && hash !== undefined ? { prev, hash } : undefined;
              prev = hash;
              const row = { timeNs: m.timeNs[i]!, type: m.type[i] as EventType, cpu: cpu < 0 ? null : cpu, fields: m.fields[i]!, event: m.event[i]!, line: m.line[i]!, raw: m.raw[i]!, link };
              sink.event(m.boot, row, m.toleranceNs);
            }
            if (tip !== undefined) {
              const head = tip.head();
              // The sink refused a link (it held a row already): the thread's next links would follow the wrong head.
              if (prev !== undefined && head !== prev) Atomics.store(this.shared, Slot.chainRefused, 1);
              this.write(ChainBytes.head, head);
            }
            return;
          }
          case 'anchors':
            return sink.anchors(m.boot, m.anchors);
          case 'end-boot':
            return sink.endBoot(m.boot, m.facts);
          case 'call':
            return this.reply(ask(sink, m.call));
          case 'done':
            this.finish();
            onBytes?.(Number(Atomics.load(this.bytesRead, 0)));
            return resolve(m.summary);
          case 'failed':
            throw asError(m.failure);
        }
      };
      this.deliver = (m) => {
        if (this.settled) return;
        try {
          handle(m);
        } catch (e) {
          this.stop(e);
          return;
        }
        this.handled();
        this.tell?.();
      };
      for (const m of this.early.splice(0)) this.deliver(m);
    });
  }

  /**
   * How far the thread read, told every PROGRESS_MS while it reads: from a timer while this thread waits for
   * messages, and as messages are handled, for a stream of them runs no timer until it ends.
   */
  private report(onBytes: (bytes: number) => void): void {
    let told = 0n;
    let at = 0;
    this.tell = () => {
      const now = performance.now();
      if (now - at < PROGRESS_MS) return;
      at = now;
      const bytes = Atomics.load(this.bytesRead, 0);
      if (bytes !== told) onBytes(Number((told = bytes)));
    };
    this.progress = setInterval(this.tell, PROGRESS_MS);
  }

  /** Hex text into the shared chain bytes, before the `handled` slot that publishes it moves. */
  private write(at: number, hex: string): void {
    for (let i = 0; i < 64; i++) this.chainBytes[at + i] = hex.charCodeAt(i);
  }

  /** Stops the thread, for the import will not take what it reads (already imported, or failed before `into`). */
  cancel(): void {
    this.stop(null);
  }

  private answeredEarly(m: FromParser): boolean {
    const q = this.questions;
    if (q === null || this.settled || m.kind !== 'call' || (this.early.length > 0 && this.early[0] !== m)) return false;
    const c = m.call;
    if (c.op === 'createBoot') return false;
    try {
      this.reply(c.op === 'findBoot' ? q.findBoot(c.anchors, c.identity) : q.hasBoot(c.id));
    } catch (e) {
      this.stop(e);
      return true;
    }
    this.handled();
    return true;
  }

  private reply(value: SinkAnswer['value']): void {
    const answer: SinkAnswer = { value };
    this.answers.postMessage(answer);
    Atomics.store(this.shared, Slot.replied, 1);
    Atomics.notify(this.shared, Slot.replied);
  }

  private handled(): void {
    Atomics.add(this.shared, Slot.handled, 1);
    Atomics.notify(this.shared, Slot.handled);
  }

  private finish(): void {
    this.settled = true;
    if (this.progress !== null) clearInterval(this.progress);
    this.tell = null;
    this.answers.close();
  }

  private stop(e: unknown): void {
    if (this.settled) return;
    this.finish();
    // Wake the parse thread wherever it waits, so that it stops rather than sleep forever.
    Atomics.store(this.shared, Slot.aborted, 1);
    Atomics.notify(this.shared, Slot.replied);
    Atomics.notify(this.shared, Slot.handled);
    void this.worker.terminate();
    if (e === null) return;
    if (this.fail !== null) this.fail(e);
    else this.failure = e;
  }
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
