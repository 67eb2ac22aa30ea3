/**
 * What crosses between the parse thread and the importing thread. The parse thread reads and decodes one input
 * (no store); the importing thread owns the store and the import's session. Everything the parse thread hands its
 * sink crosses as a message, in order. A new boot is named at once by a provisional handle, which the importing
 * thread binds to the boot's id when it creates it: the parse thread never waits for it. The two questions that
 * decide where events go (findBoot, hasBoot, and where a block on another clock lies: anchorTimes, factTimes) are answered on the reply port, one at a time: the parse thread posts
 * the call and sleeps on a shared slot until the answer is there.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ErrorCode } from '../../errors.js';
import type { Anchor } from '../anchor.js';
import type { DecodedEvent } from '../../ingest/decode/outcome.js';
import type { LifecycleEvent } from '../../model/event.js';
import type { BootFacts, BootIdentity, ClockBlock, InputSummary, NewBoot, ReadOptions } from '../sink.js';

/** Slots of the Int32Array both threads share. */
export const Slot = {
  /** 1 while an answer waits on the reply port. */
  replied: 0,
  /** Messages the importing thread has handled: the parse thread stays at most a window ahead of it. */
  handled: 1,
  /** 1 once the importing thread gave up: the parse thread stops at its next message. */
  aborted: 2,
  /** 1 once the importing thread has written the input's SHA-256 and its chain head (ChainBytes). */
  chainReady: 3,
  /** 1 once the store takes no more links: it refused one (it held that row already), or it was given no ChainPort. */
  chainRefused: 4,
  /** 1 once the importing thread applies what the parse thread sends (`into`): the window narrows. */
  started: 5,
} as const;
export const SLOTS = 6;

/**
 * Shared bytes: the input's SHA-256 and the store's chain head, in hex, the head rewritten after each batch of
 * rows the importing thread applied. The parse thread reads the head only when every message it sent has been
 * handled (the `handled` slot then orders the write before its read).
 */
export const ChainBytes = { source: 0, head: 64, size: 128 } as const;

/**
 * When the parse thread computes the chain links of its rows: `adaptive` once it has had to wait for the
 * store's thread (that thread is the slower side, this one has time to spare), `always` from the first row
 * (tests), `never`.
 */
export type ChainMode = 'adaptive' | 'always' | 'never';

/**
 * Messages posted and not yet handled, once the importing thread applies them. With ROWS_PER_BATCH rows of ~400
 * bytes this bounds what waits between the threads to a few MB, whatever the input's size, when the store is the
 * slower side. Progress is no message (it is a shared counter), so that a trace of few events does not fill it.
 */
export const IN_FLIGHT = 8;
/**
 * The window before the importing thread applies anything — it is hashing the input (1.2 s for 2 GB) — so that
 * the parse thread reads on meanwhile, in bounded memory: up to 128 k rows.
 */
export const EARLY_IN_FLIGHT = 64;
export const ROWS_PER_BATCH = 2048;

/** A provisional boot handle: no boot id (printable ASCII, model/export-line.ts) can look like one. */
export const isHandle = (id: string): boolean => id.startsWith('\u0000');
export const handle = (n: number): string => `\u0000${n}`;

/** Rows of one boot as columns: numbers in typed arrays, which cross as one copy. */
export interface RowBatch {
  readonly kind: 'rows';
  /** A boot id, or a provisional handle. */
  readonly boot: string;
  readonly timeNs: BigInt64Array;
  /** How far each row's fact may be from its stamp (ImportSink.event). */
  readonly uncertaintyNs: BigInt64Array;
  /** Each row's clock where any row is on another than the kernel's; null: all on the kernel's. */
  readonly clock: readonly (string | undefined)[] | null;
  /** Each row's sighting on another clock where any row was aligned from one (DecodedEvent.sighted); null: none. */
  readonly sighted: readonly (DecodedEvent['sighted'] | undefined)[] | null;
  readonly line: Float64Array;
  /** Canonical JSON of each event and of its fields alone (model/canonical.ts), made in the parse thread. */
  readonly event: readonly string[];
  readonly fields: readonly string[];
  readonly raw: readonly string[];
  /** The rows' chain links, each after the one before it and the first after `prev`; null: not computed. */
  readonly chain: { readonly prev: string; readonly hash: readonly string[] } | null;
}

export type SinkCall =
  | { readonly op: 'findBoot'; readonly anchors: readonly Anchor[]; readonly identity: BootIdentity }
  | { readonly op: 'hasBoot'; readonly id: string }
  | { readonly op: 'anchorTimes'; readonly boot: string; readonly keys: readonly number[] }
  | { readonly op: 'factTimes'; readonly boot: string; readonly facts: readonly LifecycleEvent[] };

export interface SinkAnswer {
  readonly value: string | boolean | null | readonly (readonly [number, bigint])[];
}

/** A failure of the parse thread: the user's (a KvmlogError, by code) or a bug (with its stack). */
export type ParseFailure = { readonly code: ErrorCode; readonly message: string } | { readonly code: null; readonly message: string; readonly stack: string | undefined };

export type FromParser =
  | RowBatch
  | { readonly kind: 'create-boot'; readonly handle: string; readonly boot: NewBoot }
  | { readonly kind: 'anchors'; readonly boot: string; readonly anchors: readonly Anchor[] }
  | { readonly kind: 'end-boot'; readonly boot: string; readonly facts: BootFacts }
  | { readonly kind: 'clock-block'; readonly block: ClockBlock }
  | { readonly kind: 'call'; readonly call: SinkCall }
  | { readonly kind: 'done'; readonly summary: InputSummary }
  | { readonly kind: 'failed'; readonly failure: ParseFailure };

/** A provisional handle bound to the boot's id, sent back on the bindings port as the importing thread creates it. */
export interface Binding {
  readonly handle: string;
  readonly id: string;
}

export interface ParserData {
  readonly path: string;
  readonly opts: ReadOptions;
  readonly shared: Int32Array;
  readonly chainBytes: Uint8Array;
  readonly chain: ChainMode;
  readonly replies: MessagePort;
  readonly bindings: MessagePort;
  /** Bytes of the input read so far, written by the parse thread, read by the importing thread's progress bar. */
  readonly bytesRead: BigInt64Array;
}
