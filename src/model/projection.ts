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

// Written out, not spread: a spread of an object holding bigints took ~3 µs per span, most of the fold.
const closeSpan = (o: Open, toNs: bigint | null, toSeq: number | null): Span => ({ cpu: o.cpu, kind: o.kind, fromNs: o.fromNs, fromSeq: o.fromSeq, toNs, toSeq });

// The fold runs once per stored event on import and rebuild: spans are keyed by number, not by text.
const slot = (cpu: number, k: number) => cpu * SPAN_KINDS.length + k;

export function* project(era: Era | null, events: Iterable<Pick<EventRecord, 'seq' | 'timeNs' | 'event'>>, every: number, from?: Resume): Generator<Projected> {
  let s = from?.state ?? initialState(era);
  let n = 0;
  const open = new Map<number, Open>();
  for (const o of from?.open ?? []) open.set(slot(o.cpu, SPAN_KINDS.indexOf(o.kind)), o);
  const cpus = new Set<number>();
  let firstNs: bigint | null = null;
  let lastNs: bigint | null = null;
  let lastSeq = 0;
  /** Spans the event being folded closed. */
  const closed: Span[] = [];
  const diff = (before: HostState, after: HostState, cpu: number, timeNs: bigint, seq: number) => {
    const is = holding(after.cpus.get(cpu));
    const changed = holding(before.cpus.get(cpu)) ^ is;
    for (let k = 0; changed >> k !== 0; k++) {
      if ((changed & (1 << k)) === 0) continue;
      const key = slot(cpu, k);
      if (is & (1 << k)) open.set(key, { cpu, kind: SPAN_KINDS[k]!, fromNs: timeNs, fromSeq: seq });
      else {
        const o = open.get(key);
        open.delete(key);
        if (o) closed.push(closeSpan(o, timeNs, seq));
      }
    }
  };
  for (const r of events) {
    const e = r.event;
    const cpu = 'cpu' in e ? e.cpu : null;
    if (cpu !== null) cpus.add(cpu);
    firstNs ??= r.timeNs;
    lastNs = r.timeNs;
    if (r.seq > lastSeq) lastSeq = r.seq;
    const before = s;
    s = apply(s, e);
    if (s !== before) {
      // A per-CPU event changes only its CPU; the others (shutdown, a loss, a new boot) may change any.
      if (cpu !== null && s.kvm === before.kvm) diff(before, s, cpu, r.timeNs, r.seq);
      else for (const c of new Set([...before.cpus.keys(), ...s.cpus.keys()])) diff(before, s, c, r.timeNs, r.seq);
      for (const span of closed) yield { kind: 'span', span };
      closed.length = 0;
    }
    if (++n % every === 0) yield { kind: 'checkpoint', timeNs: r.timeNs, seq: r.seq, state: s };
  }
  for (const o of open.values()) yield { kind: 'span', span: closeSpan(o, null, null) };
  yield { kind: 'boot', summary: { cpus: [...cpus].sort((a, b) => a - b), firstNs, lastNs, events: n, lastSeq } };
}

/** A state as JSON text, and back: CPUs as an array, nothing lost. */
export function serializeState(s: HostState): string {
  return JSON.stringify({ ...s, cpus: [...s.cpus] });
}

export function deserializeState(text: string): HostState {
  const o = JSON.parse(text) as Omit<HostState, 'cpus'> & { cpus: [number, CpuState][] };
  return { ...o, cpus: new Map(o.cpus) };
}
