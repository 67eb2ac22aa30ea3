/** Reads of the stored projections: the checkpoint nearest an instant, and spans overlapping a window. */
import { PROJECTION_VERSION, type Span, type SpanKind, deserializeState } from '../../model/projection.js';
import type { HostState } from '../../model/state.js';
import type { Store } from '../db.js';
import { iterate } from '../read.js';
import { prepared } from '../statements.js';

export interface Checkpoint {
  readonly timeNs: bigint;
  readonly seq: number;
  readonly state: HostState;
}

export type CheckpointLookup = { readonly kind: 'found'; readonly checkpoint: Checkpoint } | { readonly kind: 'none' } | { readonly kind: 'stale' };

/** The last checkpoint at or before `atNs`, or none; `stale` when the boot's checkpoints are of another version. */
export function nearestCheckpoint(store: Store, boot: string, atNs: bigint): CheckpointLookup {
  const row = prepared(
    store,
    'SELECT time_ns, seq, version, state FROM checkpoints WHERE boot_id = ? AND time_ns <= ? ORDER BY time_ns DESC, seq DESC LIMIT 1',
  ).get(boot, atNs) as { time_ns: bigint; seq: bigint; version: bigint; state: string } | undefined;
  if (row === undefined) return { kind: 'none' };
  if (Number(row.version) !== PROJECTION_VERSION) return { kind: 'stale' };
  return { kind: 'found', checkpoint: { timeNs: row.time_ns, seq: Number(row.seq), state: deserializeState(row.state) } };
}

export interface SpanFilter {
  readonly boot: string;
  readonly kind?: SpanKind | undefined;
  readonly cpu?: number | undefined;
  /** Spans overlapping [fromNs, toNs]. */
  readonly fromNs?: bigint | undefined;
  readonly toNs?: bigint | undefined;
}

export function readSpans(store: Store, f: SpanFilter): Span[] {
  let q = store.db.selectFrom('spans').select(['cpu', 'kind', 'from_ns', 'to_ns', 'from_seq', 'to_seq']).where('boot_id', '=', f.boot);
  if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
  if (f.cpu !== undefined) q = q.where('cpu', '=', f.cpu);
  if (f.toNs !== undefined) q = q.where('from_ns', '<=', f.toNs);
  const from = f.fromNs;
  if (from !== undefined) q = q.where((eb) => eb.or([eb('to_ns', 'is', null), eb('to_ns', '>=', from)]));
  q = q.orderBy('from_ns').orderBy('cpu').orderBy('kind');
  return [...iterate(store, q)].map((r) => ({
    cpu: Number(r['cpu'] as bigint),
    kind: r['kind'] as SpanKind,
    fromNs: r['from_ns'] as bigint,
    toNs: (r['to_ns'] as bigint | null) ?? null,
    fromSeq: Number(r['from_seq'] as bigint),
    toSeq: r['to_seq'] === null ? null : Number(r['to_seq'] as bigint),
  }));
}
