/**
 * The parse thread's side of the sink: rows are gathered into column batches and posted; the importing thread
 * applies them to the store in order. Posting waits while a window of messages is unhandled, so the parse thread
 * never runs further ahead of the store than that. A new boot gets a provisional handle at once.
 */
import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import type { DecodedEvent } from '../../ingest/decode/outcome.js';
import { canonicalParts } from '../../model/canonical.js';
import { chainContentOf, hashLink } from '../../model/chain.js';
import type { Anchor } from '../anchor.js';
import type { LifecycleEvent } from '../../model/event.js';
import type { BootFacts, BootIdentity, ClockBlock, ImportSink, InputSummary, NewBoot } from '../sink.js';
import {
  type Binding,
  ChainBytes,
  type ChainMode,
  EARLY_IN_FLIGHT,
  type FromParser,
  IN_FLIGHT,
  type ParseFailure,
  ROWS_PER_BATCH,
  type RowBatch,
  Slot,
  type SinkAnswer,
  type SinkCall,
  handle,
  isHandle,
} from './protocol.js';

/**
 * Waits on the store's thread after which this thread links the rows itself: once is a burst, twice is the
 * store's thread being the slower side (an input of 5 % lifecycle lines never waits; one of 100 % waits from
 * its second batch on).
 */
const CHAIN_AFTER_WAITS = 2;

/**
 * A batch goes before it is full when the importing thread has handled everything sent (it waits for rows) and
 * it holds this many: at the start of a boot, the store's thread begins at once instead of after ROWS_PER_BATCH
 * rows. Asked every IDLE_CHECK rows.
 */
const EAGER_ROWS = 256;
const IDLE_CHECK = 64;

/** The importing thread gave up (its store failed): the parse thread has nothing more to do. */
export class Aborted extends Error {}

export interface RemotePorts {
  readonly port: MessagePort;
  readonly replies: MessagePort;
  readonly bindings: MessagePort;
}

export class RemoteSink implements ImportSink {
  private batch: BatchBuilder | null = null;
  private sent = 0;
  /** Times posting waited for the store's thread. */
  private waits = 0;
  private handles = 0;
  /** Provisional handles the importing thread has bound, as far as this thread has heard. */
  private readonly bound = new Map<string, string>();
  /** The input's SHA-256 and the chain head after the last row sent, while this thread links its rows. */
  private chain: { readonly source: string; head: string } | null = null;
  /** The chain content of the boot linked last: an input's rows come a boot at a time. */
  private content: { readonly boot: string; readonly of: ReturnType<typeof chainContentOf> } | null = null;

  constructor(
    private readonly ports: RemotePorts,
    private readonly shared: Int32Array,
    private readonly chainBytes: Uint8Array,
    private readonly chainMode: ChainMode,
  ) {}

  event(boot: string, e: DecodedEvent, uncertaintyNs: bigint): void {
    if (this.batch !== null && this.batch.boot !== boot) this.flush();
    // A row the store may still find it holds (an input stamped less precisely) could break the chain here.
    if (this.chain === null && uncertaintyNs === 0n && this.wantsChain()) this.startChain();
    if (this.batch === null) {
      // A boot whose id this thread does not know yet cannot be linked: the store will hash its rows.
      const id = this.chain === null ? null : this.idOf(boot);
      if (this.chain !== null && id === null) this.chain = null;
      this.batch = new BatchBuilder(boot, id, this.chain !== null ? this.chain.head : null);
    }
    const { fields, event } = canonicalParts(e.event);
    let link: string | null = null;
    if (this.batch.linked) {
      const chain = this.chain!;
      const id = this.batch.id!;
      if (this.content?.boot !== id) this.content = { boot: id, of: chainContentOf(id, chain.source) };
      link = hashLink(chain.head, this.content.of(e.timeNs, event, e.line, e.raw, e.clock, uncertaintyNs));
      chain.head = link;
    }
    const n = this.batch.push(e, uncertaintyNs, event, fields, link);
    if (n === ROWS_PER_BATCH || (n % IDLE_CHECK === 0 && n >= EAGER_ROWS && Atomics.load(this.shared, Slot.handled) === this.sent)) this.flush();
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

  anchorTimes(boot: string, keys: readonly number[]): readonly (readonly [number, bigint])[] {
    return this.call({ op: 'anchorTimes', boot, keys }) as readonly (readonly [number, bigint])[];
  }

  factTimes(boot: string, facts: readonly LifecycleEvent[]): readonly (readonly [number, bigint])[] {
    return this.call({ op: 'factTimes', boot, facts }) as readonly (readonly [number, bigint])[];
  }

  clockBlock(block: ClockBlock): void {
    this.flush();
    this.post({ kind: 'clock-block', block });
  }

  /** Named by a provisional handle at once: the store can name the boot only once the input is hashed. */
  createBoot(boot: NewBoot): string {
    const h = handle(this.handles++);
    this.flush();
    this.post({ kind: 'create-boot', handle: h, boot });
    return h;
  }

  done(summary: InputSummary): void {
    this.flush();
    this.post({ kind: 'done', summary });
  }

  failed(failure: ParseFailure): void {
    this.post({ kind: 'failed', failure });
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

  /** A boot's id: its own, or the one bound to its handle, if this thread has heard of it. */
  private idOf(boot: string): string | null {
    if (!isHandle(boot)) return boot;
    for (let m = receiveMessageOnPort(this.ports.bindings); m !== undefined; m = receiveMessageOnPort(this.ports.bindings)) {
      const b = m.message as Binding;
      this.bound.set(b.handle, b.id);
    }
    return this.bound.get(boot) ?? null;
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
    // Whatever the sink was handed before the question is in the store before it is answered.
    this.flush();
    this.post({ kind: 'call', call });
    while (Atomics.load(this.shared, Slot.replied) === 0) {
      this.checkAborted();
      Atomics.wait(this.shared, Slot.replied, 0);
    }
    this.checkAborted();
    Atomics.store(this.shared, Slot.replied, 0);
    const answer = receiveMessageOnPort(this.ports.replies);
    if (answer === undefined) throw new Error('the importing thread signalled an answer and sent none');
    return (answer.message as SinkAnswer).value;
  }

  private post(m: FromParser): void {
    for (;;) {
      this.checkAborted();
      const handled = Atomics.load(this.shared, Slot.handled);
      const started = Atomics.load(this.shared, Slot.started) !== 0;
      if (this.sent - handled < (started ? IN_FLIGHT : EARLY_IN_FLIGHT)) break;
      // Waiting on a store that has not started is waiting for the input's hash, not for a slower store.
      if (started) this.waits++;
      Atomics.wait(this.shared, Slot.handled, handled);
    }
    this.ports.port.postMessage(m);
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
  private readonly uncertaintyNs = new BigInt64Array(ROWS_PER_BATCH);
  private readonly line = new Float64Array(ROWS_PER_BATCH);
  private clock: (string | undefined)[] | null = null;
  private sighted: (DecodedEvent['sighted'] | undefined)[] | null = null;
  private readonly event: string[] = [];
  private readonly fields: string[] = [];
  private readonly raw: string[] = [];

  constructor(
    /** The boot as the splitter names it: an id, or a provisional handle. */
    readonly boot: string,
    /** Its id, where this thread knows it (for its chain links). */
    readonly id: string | null,
    /** The chain head before the batch's first row, when its rows are linked here. */
    private readonly prev: string | null,
  ) {}

  get linked(): boolean {
    return this.prev !== null;
  }

  /** Adds a row (and its link, in a linked batch); returns how many the batch holds. */
  push(e: DecodedEvent, uncertaintyNs: bigint, event: string, fields: string, link: string | null): number {
    const i = this.n++;
    if (link !== null) this.links.push(link);
    this.timeNs[i] = e.timeNs;
    this.uncertaintyNs[i] = uncertaintyNs;
    if (e.clock !== undefined && this.clock === null) this.clock = new Array<string | undefined>(i);
    this.clock?.push(e.clock);
    if (e.sighted !== undefined && this.sighted === null) this.sighted = new Array<DecodedEvent['sighted'] | undefined>(i);
    this.sighted?.push(e.sighted);
    this.line[i] = e.line;
    this.event.push(event);
    this.fields.push(fields);
    this.raw.push(e.raw);
    return this.n;
  }

  build(): RowBatch {
    // Cloning a typed array copies its whole buffer: a part-filled batch sends only its rows.
    const n = this.n;
    return {
      kind: 'rows',
      boot: this.boot,
      timeNs: this.timeNs.slice(0, n),
      uncertaintyNs: this.uncertaintyNs.slice(0, n),
      clock: this.clock,
      sighted: this.sighted,
      line: this.line.slice(0, n),
      event: this.event,
      fields: this.fields,
      raw: this.raw,
      chain: this.prev === null ? null : { prev: this.prev, hash: this.links },
    };
  }
}
