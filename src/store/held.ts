/**
 * The events of a boot an import created, kept for its projection while they arrive in the store's order, so
 * that the fold need not read them back. Kept compact: a boot's events repeat (the same VMXON on each CPU,
 * again and again), so each distinct event text is parsed once and its copies share the object (events are
 * immutable); sequence numbers and times sit in typed arrays. Measured on a 2 GB import: 200,000 events held
 * as objects with their JSON text raised the peak RSS by ~100 MB; held so, by a few MB.
 */
import type { LifecycleEvent } from '../model/event.js';
import type { FoldEvent } from './read.js';

/** Events held at most: past this, the fold reads them back. */
export const HOLD_MAX = 200_000;
/** Distinct event texts parsed and shared; others are kept as text and parsed by the fold. */
const DISTINCT_MAX = 4096;

export class HeldEvents {
  private n = 0;
  private seq = new Float64Array(1024);
  private timeNs = new BigInt64Array(1024);
  private readonly events: (LifecycleEvent | string)[] = [];
  private readonly distinct = new Map<string, LifecycleEvent>();

  /** Takes the next appended event; false when it cannot be held (too many, or out of time order). */
  push(seq: number, timeNs: bigint, eventJson: string): boolean {
    const n = this.n;
    if (n >= HOLD_MAX || (n > 0 && timeNs < this.timeNs[n - 1]!)) return false;
    if (n === this.seq.length) {
      const seqs = new Float64Array(n * 2);
      seqs.set(this.seq);
      this.seq = seqs;
      const times = new BigInt64Array(n * 2);
      times.set(this.timeNs);
      this.timeNs = times;
    }
    this.seq[n] = seq;
    this.timeNs[n] = timeNs;
    let event: LifecycleEvent | string | undefined = this.distinct.get(eventJson);
    if (event === undefined) {
      if (this.distinct.size < DISTINCT_MAX) {
        event = JSON.parse(eventJson) as LifecycleEvent;
        this.distinct.set(eventJson, event);
      } else event = eventJson;
    }
    this.events.push(event);
    this.n = n + 1;
    return true;
  }

  /** The held events in the store's order, as the fold takes them. */
  *fold(): Generator<FoldEvent> {
    for (let i = 0; i < this.n; i++) {
      const e = this.events[i]!;
      yield { seq: this.seq[i]!, timeNs: this.timeNs[i]!, event: typeof e === 'string' ? (JSON.parse(e) as LifecycleEvent) : e };
    }
  }
}
