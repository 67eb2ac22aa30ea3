/** What became of one input line, as the decoder's parts say it. */
import type { LifecycleEvent } from '../../model/event.js';

export interface DecodedEvent {
  readonly timeNs: bigint;
  readonly event: LifecycleEvent;
  readonly line: number;
  readonly raw: string;
  /** How far the fact's own instant may be from `timeNs`, where more than the stamp's precision. */
  readonly uncertaintyNs?: bigint | undefined;
  /**
   * The instant is not the fact's own but a bound on it: a CPU's bring-up announced, or its online state first seen
   * already reached. A sighting with its own instant (the cpuhp trace's) is that fact.
   */
  readonly approximate?: boolean | undefined;
  /** The clock `timeNs` is on, where not the boot's kernel clock (model/sightings.ts). */
  readonly clock?: string | undefined;
  /** For a sighting aligned from another clock to kernel time: where it was seen, on that clock. */
  readonly sighted?: { readonly clock: string; readonly timeNs: bigint } | undefined;
}

/** A trace event routed into the kernel log (tp_printk) is stamped when printed: within this of its record. */
export const PRINTK_ROUTE_NS = 1_000_000n;
/** The function tracer stamps a call's entry; a kretprobe on it, its return: within this of each other. */
export const CALL_SPAN_NS = 1_000_000n;

export type Outcome =
  | { readonly kind: 'events'; readonly events: readonly DecodedEvent[] }
  /** A lifecycle signal whose fact another line records (an entry probe, a stack trace, a setup step). */
  | { readonly kind: 'context' }
  /** Not a lifecycle signal: another subsystem, a header, a blank line. */
  | { readonly kind: 'other' }
  /** A lifecycle signal that could not be read. */
  | { readonly kind: 'warning'; readonly message: string };

export const CONTEXT: Outcome = { kind: 'context' };
export const OTHER: Outcome = { kind: 'other' };
export const warn = (message: string): Outcome => ({ kind: 'warning', message });
export const events = (list: readonly DecodedEvent[]): Outcome => ({ kind: 'events', events: list });

/** Makes an event of the line being decoded, at its instant. */
export type At = (event: LifecycleEvent) => DecodedEvent;
