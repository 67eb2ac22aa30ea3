/**
 * Projections of a boot's history, computed in the one fold: checkpoints of the state every `every` events,
 * and per-CPU spans — the intervals during which a CPU was online, post-VMXON, or TDX LP-initialized. Pure.
 */
import type { Era } from './era.js';
import type { EventRecord } from './event.js';
import { apply } from './reduce.js';
import { type CpuState, type HostState, initialState } from './state.js';

/** Bump whenever apply() changes what it computes: stored projections of another version are rebuilt. */
export const PROJECTION_VERSION = 1;

export type SpanKind = 'online' | 'virt' | 'tdx';
export const SPAN_KINDS: readonly SpanKind[] = ['online', 'virt', 'tdx'];

export interface Span {
  readonly cpu: number;
  readonly kind: SpanKind;
  readonly fromNs: bigint;
  readonly fromSeq: number;
  /** Null while still open at the end of what is known. */
  readonly toNs: bigint | null;
  readonly toSeq: number | null;
}

/** What the fold learns of the boot as a whole: the CPUs its events mention, its first and last times, its size. */
export interface BootSummary {
  readonly cpus: readonly number[];
  readonly firstNs: bigint | null;
  readonly lastNs: bigint | null;
  readonly events: number;
  readonly lastSeq: number;
}

export type Projected =
  | { readonly kind: 'checkpoint'; readonly timeNs: bigint; readonly seq: number; readonly state: HostState }
  | { readonly kind: 'span'; readonly span: Span }
  /** Last, once: what the events folded (only they, for a fold resumed at a checkpoint) showed of the boot. */
  | { readonly kind: 'boot'; readonly summary: BootSummary };

/** The span kinds a CPU's state holds, one bit each in SPAN_KINDS order. */
const holding = (c: CpuState | undefined): number => (c === undefined ? 0 : (c.online === true ? 1 : 0) | (c.virt === 'on' ? 2 : 0) | (c.tdx === true ? 4 : 0));

type Open = { readonly cpu: number; readonly kind: SpanKind; readonly fromNs: bigint; readonly fromSeq: number };

/** Where a fold resumes: a checkpoint's state and the spans open at it. */
export interface Resume {
  readonly state: HostState;
  readonly open: readonly Open[];
}

// Written out, not spread: spreading an object that holds bigints was most of the fold's time (docs/performance.md).
const closeSpan = (o: Open, toNs: bigint | null, toSeq: number | null): Span => ({ cpu: o.cpu, kind: o.kind, fromNs: o.fromNs, fromSeq: o.fromSeq, toNs, toSeq });

// The fold runs once per stored event on import and rebuild: spans are keyed by number, not by text.
const slot = (cpu: number, k: number) => cpu * SPAN_KINDS.length + k;

/**
 * The fold of `project`, one event at a time, for a caller that has the events as they come (an import
 * projecting a new boot while it appends): what each event projects is appended to `out`, which the caller
 * empties.
 */
export class Projector {
  readonly out: Projected[] = [];
  private s: HostState;
  private n = 0;
  private readonly open = new Map<number, Open>();
  private readonly cpus = new Set<number>();
  private firstNs: bigint | null = null;
  private last: bigint | null = null;
  private lastSeq = 0;

  constructor(
    era: Era | null,
    private readonly every: number,
    from?: Resume,
  ) {
    this.s = from?.state ?? initialState(era);
    for (const o of from?.open ?? []) this.open.set(slot(o.cpu, SPAN_KINDS.indexOf(o.kind)), o);
  }

  /** The time of the last event folded, if any. */
  get lastNs(): bigint | null {
    return this.last;
  }

  push(r: Pick<EventRecord, 'seq' | 'timeNs' | 'event'>): void {
    const e = r.event;
    const cpu = 'cpu' in e ? e.cpu : null;
    if (cpu !== null) this.cpus.add(cpu);
    this.firstNs ??= r.timeNs;
    this.last = r.timeNs;
    if (r.seq > this.lastSeq) this.lastSeq = r.seq;
    const before = this.s;
    const s = apply(before, e);
    this.s = s;
    if (s !== before) {
      // A per-CPU event changes only its CPU; the others (shutdown, a loss, a new boot) may change any.
      if (cpu !== null && s.kvm === before.kvm) this.diff(before, s, cpu, r.timeNs, r.seq);
      else for (const c of new Set([...before.cpus.keys(), ...s.cpus.keys()])) this.diff(before, s, c, r.timeNs, r.seq);
    }
    if (++this.n % this.every === 0) this.out.push({ kind: 'checkpoint', timeNs: r.timeNs, seq: r.seq, state: s });
  }

  /** The spans still open, and the boot's summary: after the last event. */
  finish(): void {
    for (const o of this.open.values()) this.out.push({ kind: 'span', span: closeSpan(o, null, null) });
    this.open.clear();
    const summary = { cpus: [...this.cpus].sort((a, b) => a - b), firstNs: this.firstNs, lastNs: this.last, events: this.n, lastSeq: this.lastSeq };
    this.out.push({ kind: 'boot', summary });
  }

  /** Spans the CPU's change opens (kept) and closes (out). */
  private diff(before: HostState, after: HostState, cpu: number, timeNs: bigint, seq: number): void {
    const is = holding(after.cpus.get(cpu));
    const changed = holding(before.cpus.get(cpu)) ^ is;
    for (let k = 0; changed >> k !== 0; k++) {
      if ((changed & (1 << k)) === 0) continue;
      const key = slot(cpu, k);
      if (is & (1 << k)) this.open.set(key, { cpu, kind: SPAN_KINDS[k]!, fromNs: timeNs, fromSeq: seq });
      else {
        const o = this.open.get(key);
        this.open.delete(key);
        if (o) this.out.push({ kind: 'span', span: closeSpan(o, timeNs, seq) });
      }
    }
  }
}

export function* project(era: Era | null, events: Iterable<Pick<EventRecord, 'seq' | 'timeNs' | 'event'>>, every: number, from?: Resume): Generator<Projected> {
  const p = new Projector(era, every, from);
  for (const r of events) {
    p.push(r);
    if (p.out.length > 0) {
      yield* p.out;
      p.out.length = 0;
    }
  }
  p.finish();
  yield* p.out;
}

/** A state as JSON text, and back: CPUs as an array, nothing lost. */
export function serializeState(s: HostState): string {
  return JSON.stringify({ ...s, cpus: [...s.cpus] });
}

export function deserializeState(text: string): HostState {
  const o = JSON.parse(text) as Omit<HostState, 'cpus'> & { cpus: [number, CpuState][] };
  return { ...o, cpus: new Map(o.cpus) };
}
