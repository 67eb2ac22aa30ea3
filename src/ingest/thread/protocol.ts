/**
 * What crosses between the parse thread and the importing thread. The parse thread reads and decodes one
 * input (ingest: no store); the importing thread owns the store and the import's transaction. Everything the
 * parse thread hands its sink crosses as a message, in order. The three questions whose answers decide where
 * events go (findBoot, hasBoot, createBoot) are answered on the reply port, one at a time: the parse thread
 * posts the call and sleeps on a shared slot until the answer is there — but for a boot it creates after its
 * 4,096th anchor, which the store can name only once it has hashed the input: that answer it looks for between
 * batches while it reads on (RemoteSink.requestBoot).
 */
import type { MessagePort } from 'node:worker_threads';
import type { ErrorCode } from '../../errors.js';
import type { Anchor } from '../anchor.js';
import type { BootFacts, BootIdentity, ImportOptions, InputSummary, NewBoot } from '../importer.js';

/** Slots of the Int32Array both threads share. */
export const Slot = {
  /** 1 while an answer waits on the reply port. */
  replied: 0,
  /** Messages the importing thread has handled: the parse thread stays at most IN_FLIGHT ahead of it. */
  handled: 1,
  /** 1 once the importing thread gave up: the parse thread stops at its next message. */
  aborted: 2,
  /** 1 once the importing thread has written the input's SHA-256 and its chain head (ChainBytes). */
  chainReady: 3,
  /** 1 once the store takes no more links: it refused one (it held that row already), or it was given no ChainTip. */
  chainRefused: 4,
  /** 1 once the importing thread has the import's transaction (`into`): it answers createBoot at once. */
  sinkReady: 5,
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
 * Messages posted and not yet handled. With ROWS_PER_BATCH rows of ~400 bytes this bounds what waits between
 * the threads to a few MB, whatever the input's size, when the store is the slower side. Progress is no message
 * (it is a shared counter, `ParserData.bytesRead`), so that a trace of few events does not fill the window with it.
 */
export const IN_FLIGHT = 8;
export const ROWS_PER_BATCH = 2048;

/** Rows of one boot as columns: numbers in typed arrays, which cross as one copy. */
export interface RowBatch {
  readonly kind: 'rows';
  readonly boot: string;
  readonly toleranceNs: bigint;
  readonly timeNs: BigInt64Array;
  readonly line: Float64Array;
  /** -1: about no CPU. */
  readonly cpu: Int32Array;
  readonly type: readonly string[];
  readonly fields: readonly string[];
  readonly event: readonly string[];
  readonly raw: readonly string[];
  /** The rows' chain links, each after the one before it and the first after `prev`; null: not computed. */
  readonly chain: { readonly prev: string; readonly hash: readonly string[] } | null;
}

export type SinkCall =
  | { readonly op: 'findBoot'; readonly anchors: readonly Anchor[]; readonly identity: BootIdentity }
  | { readonly op: 'hasBoot'; readonly id: string }
  | { readonly op: 'createBoot'; readonly boot: NewBoot };

export interface SinkAnswer {
  readonly value: string | boolean | null;
}

/** A failure of the parse thread: the user's (a KvmlogError, by code) or a bug (with its stack). */
export type ParseFailure = { readonly code: ErrorCode; readonly message: string } | { readonly code: null; readonly message: string; readonly stack: string | undefined };

export type FromParser =
  | RowBatch
  | { readonly kind: 'anchors'; readonly boot: string; readonly anchors: readonly Anchor[] }
  | { readonly kind: 'end-boot'; readonly boot: string; readonly facts: BootFacts }
  | { readonly kind: 'call'; readonly call: SinkCall }
  | { readonly kind: 'done'; readonly summary: InputSummary }
  | { readonly kind: 'failed'; readonly failure: ParseFailure };

export interface ParserData {
  readonly path: string;
  readonly opts: ImportOptions;
  readonly shared: Int32Array;
  readonly chainBytes: Uint8Array;
  readonly chain: ChainMode;
  readonly replies: MessagePort;
  /** Bytes of the input read so far, written by the parse thread, read by the importing thread's progress bar. */
  readonly bytesRead: BigInt64Array;
}
