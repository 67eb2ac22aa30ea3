/**
 * The parse thread's side of the sink: rows are gathered into column batches and posted; the importing thread
 * applies them to the store in order. Posting waits while IN_FLIGHT messages are unhandled, so the parse thread
 * never runs further ahead of the store than that.
 */
import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import type { Anchor } from '../anchor.js';
import type { BootFacts, BootIdentity, BootRequest, ImportSink, InputSummary, NewBoot } from '../importer.js';
import type { EventRow } from '../row.js';
import { chainContentOf, hashLink } from '../../model/chain.js';
import { ChainBytes, type ChainMode, type FromParser, IN_FLIGHT, type ParseFailure, ROWS_PER_BATCH, type RowBatch, Slot, type SinkAnswer, type SinkCall } from './protocol.js';

/**
 * Waits on the store's thread after which this thread links the rows itself: once is a burst, twice is the
 * store's thread being the slower side (an input of 5 % lifecycle lines never waits; one of 100 % waits from
 * its second batch on).
 */
const CHAIN_AFTER_WAITS = 2;

/**
 * A batch goes before it is full when the importing thread has handled everything sent (it waits for rows) and
 * it holds this many: at the start of a boot, the store's thread begins at once instead of after ROWS_PER_BATCH
 * rows (at 5 % lifecycle lines, ~40 k lines of reading). Asked every IDLE_CHECK rows.
 */
const EAGER_ROWS = 256;
const IDLE_CHECK = 64;

/** The importing thread gave up (its store failed): the parse thread has nothing more to do. */
export class Aborted extends Error {}

export class RemoteSink implements ImportSink {
  private batch: BatchBuilder | null = null;
  private sent = 0;
  /** Times posting waited for the store's thread. */
  private waits = 0;
  /** The input's SHA-256 and the chain head after the last row sent, while this thread links its rows. */
  private chain: { readonly source: string; head: string } | null = null;
  /** A createBoot posted whose answer is not yet taken: it is the next on the reply port. */
  private asked = false;
  /** The chain content of the boot linked last: an input's rows come a boot at a time. */
  private content: { readonly boot: string; readonly of: ReturnType<typeof chainContentOf> } | null = null;

  constructor(
    private readonly port: MessagePort,
    private readonly replies: MessagePort,
    private readonly shared: Int32Array,
    private readonly chainBytes: Uint8Array,
    private readonly chainMode: ChainMode,
  ) {}

  event(boot: string, row: EventRow, toleranceNs: bigint): void {
    if (this.batch !== null && (this.batch.boot !== boot || this.batch.toleranceNs !== toleranceNs)) this.flush();
    // A row the store may still find it holds (an input stamped less precisely) could break the chain here.
    if (this.chain === null && toleranceNs === 0n && this.wantsChain()) this.startChain();
    if (this.batch === null) this.batch = new BatchBuilder(boot, toleranceNs, toleranceNs === 0n && this.chain !== null ? this.chain.head : null);
    let link: string | null = null;
    if (this.batch.linked) {
      const chain = this.chain!;
      if (this.content?.boot !== boot) this.content = { boot, of: chainContentOf(boot, chain.source) };
      link = hashLink(chain.head, this.content.of(row.timeNs, row.event, row.line, row.raw));
      chain.head = link;
    }
    const n = this.batch.push(row, link);
    if (n === ROWS_PER_BATCH || (n % IDLE_CHECK === 0 && n >= EAGER_ROWS && Atomics.load(this.shared, Slot.handled) === this.sent)) this.flush();
  }

  /** The store's thread is the slower side (or a test asks): this thread has time to hash the rows itself. */
  private wantsChain(): boolean {
    if (this.chainMode === 'never' || (this.chainMode === 'adaptive' && this.waits < CHAIN_AFTER_WAITS)) return false;
    if (Atomics.load(this.shared, Slot.chainRefused) !== 0) return false;
    return this.chainMode === 'always' || Atomics.load(this.shared, Slot.chainReady) !== 0;
  }

  /** Sends what is gathered, waits until the store's thread has applied all of it, and links from its head. */
  private startChain(): void {
    this.flush();
    for (;;) {
      this.checkAborted();
      if (Atomics.load(this.shared, Slot.chainRefused) !== 0) return;
      const handled = Atomics.load(this.shared, Slot.handled);
      if (handled === this.sent && Atomics.load(this.shared, Slot.chainReady) !== 0) break;
      Atomics.wait(this.shared, Slot.handled, handled, 50);
    }
    const text = (from: number) => new TextDecoder().decode(this.chainBytes.slice(from, from + 64));
    this.chain = { source: text(ChainBytes.source), head: text(ChainBytes.head) };
  }

  // Rows gathered before a call are sent before it: the sink sees every call in the order it was made.
  anchors(boot: string, anchors: readonly Anchor[]): void {
    this.flush();
    this.post({ kind: 'anchors', boot, anchors });
  }

  endBoot(boot: string, facts: BootFacts): void {
    this.flush();
    this.post({ kind: 'end-boot', boot, facts });
  }

  findBoot(anchors: readonly Anchor[], identity: BootIdentity): string | null {
    // The splitter passes its segment as the identity: only these fields are the identity.
    const { kernel, cmdline, toleranceNs } = identity;
    return this.call({ op: 'findBoot', anchors, identity: { kernel, cmdline, toleranceNs } }) as string | null;
  }

  hasBoot(id: string): boolean {
    return this.call({ op: 'hasBoot', id }) as boolean;
  }

  createBoot(boot: NewBoot): string {
    return this.call({ op: 'createBoot', boot }) as string;
  }

  /**
   * Asks for the boot and reads on: the importing thread answers only once it has hashed the input (the boot's id
   * is derived from it), 1.2 s for 2 GB, in which this thread would otherwise wait.
   */
  requestBoot(boot: NewBoot): BootRequest {
    // Once the importing thread has its transaction the answer comes at once: asked and waited for, as any other.
    if (Atomics.load(this.shared, Slot.sinkReady) !== 0) {
      const named = this.createBoot(boot);
      return { poll: () => named, wait: () => named };
    }
    this.flush();
    this.post({ kind: 'call', call: { op: 'createBoot', boot } });
    this.asked = true;
    let id: string | null = null;
    const take = (): string => {
      this.asked = false;
      return (id = this.answer() as string);
    };
    return {
      poll: () => id ?? (Atomics.load(this.shared, Slot.replied) !== 0 ? take() : null),
      wait: () => id ?? take(),
    };
  }

  done(summary: InputSummary): void {
    this.flush();
    this.post({ kind: 'done', summary });
  }

  failed(failure: ParseFailure): void {
    this.post({ kind: 'failed', failure });
  }

  private flush(): void {
    if (this.batch === null) return;
    const b = this.batch.build();
    this.batch = null;
    this.post(b);
    // The store took a row under another head (one it already held): links made here would all be refused.
    if (this.chain !== null && Atomics.load(this.shared, Slot.chainRefused) !== 0) this.chain = null;
  }

  private call(call: SinkCall): SinkAnswer['value'] {
    // The splitter names a boot it asked for before it asks anything else: one answer is awaited at a time.
    if (this.asked) throw new Error('a question to the store while the boot asked for is not yet named');
    // Whatever the sink was handed before the question is in the store before it is answered.
    this.flush();
    this.post({ kind: 'call', call });
    return this.answer();
  }

  /** The answer to the question posted last, waiting for it. */
  private answer(): SinkAnswer['value'] {
    while (Atomics.load(this.shared, Slot.replied) === 0) {
      this.checkAborted();
      Atomics.wait(this.shared, Slot.replied, 0);
    }
    this.checkAborted();
    Atomics.store(this.shared, Slot.replied, 0);
    const answer = receiveMessageOnPort(this.replies);
    if (answer === undefined) throw new Error('the importing thread signalled an answer and sent none');
    return (answer.message as SinkAnswer).value;
  }

  private post(m: FromParser): void {
    for (;;) {
      this.checkAborted();
      const handled = Atomics.load(this.shared, Slot.handled);
      if (this.sent - handled < IN_FLIGHT) break;
      this.waits++;
      Atomics.wait(this.shared, Slot.handled, handled);
    }
    this.port.postMessage(m);
    this.sent++;
  }

  private checkAborted(): void {
    if (Atomics.load(this.shared, Slot.aborted) !== 0) throw new Aborted('the import was abandoned');
  }
}

class BatchBuilder {
  private n = 0;
  private readonly links: string[] = [];
  private readonly timeNs = new BigInt64Array(ROWS_PER_BATCH);
  private readonly line = new Float64Array(ROWS_PER_BATCH);
  private readonly cpu = new Int32Array(ROWS_PER_BATCH);
  private readonly type: string[] = [];
  private readonly fields: string[] = [];
  private readonly event: string[] = [];
  private readonly raw: string[] = [];

  constructor(
    readonly boot: string,
    readonly toleranceNs: bigint,
    /** The chain head before the batch's first row, when its rows are linked here. */
    private readonly prev: string | null,
  ) {}

  get linked(): boolean {
    return this.prev !== null;
  }

  /** Adds a row (and its link, in a linked batch); returns how many the batch holds. */
  push(r: EventRow, link: string | null): number {
    const i = this.n++;
    if (link !== null) this.links.push(link);
    this.timeNs[i] = r.timeNs;
    this.line[i] = r.line;
    this.cpu[i] = r.cpu ?? -1;
    this.type.push(r.type);
    this.fields.push(r.fields);
    this.event.push(r.event);
    this.raw.push(r.raw);
    return this.n;
  }

  build(): RowBatch {
    // Cloning a typed array copies its whole buffer: a part-filled batch sends only its rows.
    const n = this.n;
    return {
      kind: 'rows',
      boot: this.boot,
      toleranceNs: this.toleranceNs,
      timeNs: this.timeNs.slice(0, n),
      line: this.line.slice(0, n),
      cpu: this.cpu.slice(0, n),
      type: this.type,
      fields: this.fields,
      event: this.event,
      raw: this.raw,
      chain: this.prev === null ? null : { prev: this.prev, hash: this.links },
    };
  }
}
