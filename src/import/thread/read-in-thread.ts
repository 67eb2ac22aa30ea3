/**
 * Reads one input in a parse thread while this thread appends what it decodes: on a machine with two cores the
 * reading, splitting and decoding of lines runs beside the SQLite inserts instead of before each one. Same result
 * as `readInput` in this thread (test/import/thread/parse-thread.test.ts): the thread runs the same reader, and
 * this side applies its sink calls to the real sink in the order they were made, binding the thread's provisional
 * boot handles to the boots the sink creates.
 */
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { KvmlogError } from '../../errors.js';
import type { DecodedEvent } from '../../ingest/decode/outcome.js';
import { rememberCanonical } from '../../model/canonical.js';
import type { LifecycleEvent } from '../../model/event.js';
import type { ImportSink, InputSummary, ReadOptions } from '../sink.js';
import { type Binding, ChainBytes, type ChainMode, type FromParser, type ParseFailure, type ParserData, SLOTS, Slot, type SinkAnswer, type SinkCall, isHandle } from './protocol.js';

/** The sink's questions that only read the store: answerable before the import's session has recorded the input. */
export type StoreQuestions = Pick<ImportSink, 'findBoot' | 'hasBoot' | 'anchorTimes' | 'factTimes'>;

/**
 * What a parse thread that links rows into the hash chain itself needs of the store: the input's SHA-256, the
 * chain's head, and an append that takes a row's link where it follows the head (the store's ImportSession).
 */
export interface ChainPort {
  readonly source: string;
  head(): string;
  linkedEvent(boot: string, e: DecodedEvent, uncertaintyNs: bigint, link: { readonly prev: string; readonly hash: string }): void;
}

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
/** Distinct event texts parsed once and shared by every row of their text (events are immutable). */
const DISTINCT_MAX = 4096;

/**
 * A parse thread reading one input. It starts at once — while the importing thread takes the store's write lock
 * and hashes the input — and what it sends waits, in a bounded window, until `into` hands it the sink; the
 * questions `answerEarly` may answer meanwhile excepted.
 */
export class ParseThread {
  private readonly shared = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  private readonly chainBytes = new Uint8Array(new SharedArrayBuffer(ChainBytes.size));
  private readonly bytesRead = new BigInt64Array(new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT));
  private progress: ReturnType<typeof setInterval> | null = null;
  private tell: (() => void) | null = null;
  private readonly answers: MessagePort;
  private readonly bindings: MessagePort;
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
  /** The boot each provisional handle stands for. */
  private readonly bound = new Map<string, string>();
  private readonly distinct = new Map<string, LifecycleEvent>();

  private constructor(path: string, opts: ReadOptions, chain: ChainMode) {
    const replies = new MessageChannel();
    const bindings = new MessageChannel();
    this.answers = replies.port1;
    this.bindings = bindings.port1;
    const data: ParserData = { path, opts, shared: this.shared, chainBytes: this.chainBytes, chain, replies: replies.port2, bindings: bindings.port2, bytesRead: this.bytesRead };
    this.worker = startParseThread(data, [replies.port2, bindings.port2]);
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

  /** `chain`: when the thread may compute the rows' chain links (ChainMode); only with a ChainPort given to `into`. */
  static start(path: string, opts: ReadOptions, chain: ChainMode = 'adaptive'): ParseThread {
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
   * Applies what the thread read, and reads on, into the sink; resolves with what reading found. With `chain`, the
   * thread may link the rows into the hash chain itself, and the store take the links that follow its head.
   */
  into(sink: ImportSink, onBytes?: (bytes: number) => void, chain?: ChainPort): Promise<InputSummary> {
    return new Promise<InputSummary>((resolve, reject) => {
      if (this.failure !== null) return reject(this.failure);
      this.fail = reject;
      Atomics.store(this.shared, Slot.started, 1);
      if (chain !== undefined) {
        this.write(ChainBytes.source, chain.source);
        this.write(ChainBytes.head, chain.head());
        Atomics.store(this.shared, Slot.chainReady, 1);
      } else Atomics.store(this.shared, Slot.chainRefused, 1);
      if (onBytes !== undefined) this.report(onBytes);
      const id = (boot: string): string => (isHandle(boot) ? this.bound.get(boot)! : boot);
      const handle = (m: FromParser): void => {
        switch (m.kind) {
          case 'rows': {
            const boot = id(m.boot);
            let prev = m.chain?.prev;
            for (let i = 0; i < m.timeNs.length; i++) {
              const e: DecodedEvent = { timeNs: m.timeNs[i]!, event: this.eventOf(m.event[i]!, m.fields[i]!), line: m.line[i]!, raw: m.raw[i]!, clock: m.clock?.[i], sighted: m.sighted?.[i] };
              const hash = m.chain?.hash[i];
              const uncertaintyNs = m.uncertaintyNs[i]!;
              if (chain !== undefined && prev !== undefined && hash !== undefined) chain.linkedEvent(boot, e, uncertaintyNs, { prev, hash });
              else sink.event(boot, e, uncertaintyNs);
              prev = hash;
            }
            if (chain !== undefined) {
              const head = chain.head();
              // The store refused a link (it held a row already): the thread's next links would follow the wrong head.
              if (prev !== undefined && head !== prev) Atomics.store(this.shared, Slot.chainRefused, 1);
              this.write(ChainBytes.head, head);
            }
            return;
          }
          case 'create-boot': {
            const binding: Binding = { handle: m.handle, id: sink.createBoot(m.boot) };
            this.bound.set(binding.handle, binding.id);
            this.bindings.postMessage(binding);
            return;
          }
          case 'anchors':
            return sink.anchors(id(m.boot), m.anchors);
          case 'end-boot':
            return sink.endBoot(id(m.boot), { ...m.facts, previous: m.facts.previous === null ? null : id(m.facts.previous) });
          case 'clock-block':
            return sink.clockBlock({ ...m.block, boot: id(m.block.boot) });
          case 'call':
            return this.reply(ask(sink, m.call, id));
          case 'done':
            this.finish();
            onBytes?.(Number(Atomics.load(this.bytesRead, 0)));
            return resolve({ ...m.summary, boots: [...new Set(m.summary.boots.map(id))], clocks: m.summary.clocks.map((c) => ({ ...c, boot: id(c.boot) })) });
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

  /** Bytes of the input the thread has read so far. */
  bytesSoFar(): number {
    return Number(Atomics.load(this.bytesRead, 0));
  }

  /** Stops the thread, for the import will not take what it reads (already imported, or failed before `into`). */
  cancel(): void {
    this.stop(null);
  }

  /**
   * An event from its canonical text, parsed once per distinct text: the store's canonical encoding of it is the
   * text itself (rememberCanonical), not made again.
   */
  private eventOf(json: string, fields: string): LifecycleEvent {
    let event = this.distinct.get(json);
    if (event === undefined) {
      event = JSON.parse(json) as LifecycleEvent;
      rememberCanonical(event, { fields, event: json });
      if (this.distinct.size < DISTINCT_MAX) this.distinct.set(json, event);
    }
    return event;
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

  private answeredEarly(m: FromParser): boolean {
    const q = this.questions;
    if (q === null || this.settled || m.kind !== 'call' || (this.early.length > 0 && this.early[0] !== m)) return false;
    try {
      // Nothing before the question is unhandled: a boot it names is stored, by its own id.
      this.reply(ask(q, m.call, (boot) => boot));
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
    this.bindings.close();
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

function ask(sink: StoreQuestions, c: SinkCall, id: (boot: string) => string): SinkAnswer['value'] {
  switch (c.op) {
    case 'findBoot':
      return sink.findBoot(c.anchors, c.identity);
    case 'hasBoot':
      return sink.hasBoot(c.id);
    case 'anchorTimes':
      return sink.anchorTimes(id(c.boot), c.keys);
    case 'factTimes':
      return sink.factTimes(id(c.boot), c.facts);
  }
}

function asError(f: ParseFailure): Error {
  if (f.code !== null) return new KvmlogError(f.code, f.message);
  const e = new Error(f.message);
  e.stack = f.stack;
  return e;
}
