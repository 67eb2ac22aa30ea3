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

export type Projected =
  | { readonly kind: 'checkpoint'; readonly timeNs: bigint; readonly seq: number; readonly state: HostState }
  | { readonly kind: 'span'; readonly span: Span };

const holds = (c: CpuState | undefined, k: SpanKind): boolean => (k === 'online' ? c?.online === true : k === 'virt' ? c?.virt === 'on' : c?.tdx === true);

/** Where a fold resumes: a checkpoint's state and the spans open at it. */
export interface Resume {
  readonly state: HostState;
  readonly open: readonly { cpu: number; kind: SpanKind; fromNs: bigint; fromSeq: number }[];
}

export function* project(era: Era | null, events: Iterable<Pick<EventRecord, 'seq' | 'timeNs' | 'event'>>, every: number, from?: Resume): Generator<Projected> {
  let s = from?.state ?? initialState(era);
  let n = 0;
  const open = new Map<string, { cpu: number; kind: SpanKind; fromNs: bigint; fromSeq: number }>();
  for (const o of from?.open ?? []) open.set(`${o.cpu}/${o.kind}`, o);
  for (const r of events) {
    const before = s;
    s = apply(s, r.event);
    if (s !== before) {
      // A per-CPU event changes only its CPU; the others (shutdown, a loss, a new boot) may change any.
      const changed = 'cpu' in r.event && r.event.cpu !== null && s.kvm === before.kvm ? [r.event.cpu] : new Set([...before.cpus.keys(), ...s.cpus.keys()]);
      for (const cpu of changed) {
        for (const kind of SPAN_KINDS) {
          const was = holds(before.cpus.get(cpu), kind);
          const is = holds(s.cpus.get(cpu), kind);
          const key = `${cpu}/${kind}`;
          if (!was && is) open.set(key, { cpu, kind, fromNs: r.timeNs, fromSeq: r.seq });
          if (was && !is) {
            const o = open.get(key);
            open.delete(key);
            if (o) yield { kind: 'span', span: { ...o, toNs: r.timeNs, toSeq: r.seq } };
          }
        }
      }
    }
    if (++n % every === 0) yield { kind: 'checkpoint', timeNs: r.timeNs, seq: r.seq, state: s };
  }
  for (const o of open.values()) yield { kind: 'span', span: { ...o, toNs: null, toSeq: null } };
}

/** A state as JSON text, and back: CPUs as an array, nothing lost. */
export function serializeState(s: HostState): string {
  return JSON.stringify({ ...s, cpus: [...s.cpus] });
}

export function deserializeState(text: string): HostState {
  const o = JSON.parse(text) as Omit<HostState, 'cpus'> & { cpus: [number, CpuState][] };
  return { ...o, cpus: new Map(o.cpus) };
}
