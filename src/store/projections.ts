/** Stored projections (migrations/0003): rebuilt from a boot's events, read to answer state and spans fast. */
import { type BootSummary, PROJECTION_VERSION, type Projected, type Span, type SpanKind, deserializeState, project, serializeState } from '../model/projection.js';
import type { EventRecord } from '../model/event.js';
import type { HostState } from '../model/state.js';
import type { Store } from './db.js';
import { type FoldEvent, foldEvents, iterate } from './read.js';
import { prepared } from './statements.js';

/**
 * Events between checkpoints. Measured (npm run bench): with 1024, state at an instant took p50 3.6 ms in a
 * 10^7-event boot, most of it folding up to 1024 events read back from SQLite. With 256, p50 0.4–0.6 ms but
 * p99 3.5–5.5 ms on 10^5 and 10^6 events: the garbage of folding up to 256 events (rows, parsed fields, states)
 * brings a young-generation collection every few queries. With 64, in the same runs, p50 0.14–0.27 ms and
 * p99 0.33–0.70 ms, for one checkpoint (~300 bytes for 4 CPUs) per 64 events: ~5 of ~550 bytes per event stored.
 */
export const CHECKPOINT_EVERY = 64;

/**
 * Recomputes a boot's checkpoints and spans; inside the caller's transaction when there is one. `events`, when
 * given, are all of the boot's events in the store's (time, seq) order, already in memory.
 */
export function rebuildProjections(store: Store, boot: string, era: Parameters<typeof project>[0], events?: Iterable<FoldEvent>): { checkpoints: number; spans: number } {
  const raw = store.raw;
  raw.prepare('DELETE FROM checkpoints WHERE boot_id = ?').run(boot);
  raw.prepare('DELETE FROM spans WHERE boot_id = ?').run(boot);
  raw.prepare('DELETE FROM projected_boots WHERE boot_id = ?').run(boot);
  const { summary, ...written } = writeProjected(store, boot, project(era, events ?? pagedEvents(store, boot), CHECKPOINT_EVERY));
  raw
    .prepare('INSERT INTO projected_boots (boot_id, version, cpus, first_ns, last_ns, events, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(boot, PROJECTION_VERSION, JSON.stringify(summary.cpus), summary.firstNs, summary.lastNs, summary.events, summary.lastSeq);
  return written;
}

/** What an import appended to a boot: enough to bring its projection up to date without a full fold. */
export interface Appended {
  readonly count: number;
  readonly minNs: bigint;
  readonly maxNs: bigint;
  readonly maxSeq: number;
  readonly cpus: ReadonlySet<number>;
}

/**
 * Brings a boot's projections up to date after an import appended events: the fold resumes from the last
 * checkpoint before the earliest new event, with the spans open there; everything after it is recomputed.
 * Falls back to a full rebuild where there is nothing to resume from.
 */
export function updateProjections(store: Store, boot: string, era: Parameters<typeof project>[0], added: Appended): { checkpoints: number; spans: number } {
  const raw = store.raw;
  const cp = raw
    .prepare('SELECT time_ns, seq, state FROM checkpoints WHERE boot_id = ? AND version = ? AND time_ns < ? ORDER BY time_ns DESC, seq DESC LIMIT 1')
    .safeIntegers(true)
    .get(boot, PROJECTION_VERSION, added.minNs) as { time_ns: bigint; seq: bigint; state: string } | undefined;
  const stats = raw
    .prepare('SELECT cpus, first_ns, last_ns, events, last_seq FROM projected_boots WHERE boot_id = ? AND version = ?')
    .safeIntegers(true)
    .get(boot, PROJECTION_VERSION) as { cpus: string; first_ns: bigint | null; last_ns: bigint | null; events: bigint; last_seq: bigint } | undefined;
  if (cp === undefined || stats === undefined) return rebuildProjections(store, boot, era);
  const at = { timeNs: cp.time_ns, seq: Number(cp.seq) };
  // Spans the checkpoint had already closed stay; those still open at it resume; the rest are recomputed.
  const after = '(to_ns IS NULL OR to_ns > ? OR (to_ns = ? AND to_seq > ?))';
  const open = (
    raw
      .prepare(`SELECT cpu, kind, from_ns, from_seq FROM spans WHERE boot_id = ? AND ${after} AND (from_ns < ? OR (from_ns = ? AND from_seq <= ?))`)
      .safeIntegers(true)
      .all(boot, at.timeNs, at.timeNs, at.seq, at.timeNs, at.timeNs, at.seq) as { cpu: bigint; kind: SpanKind; from_ns: bigint; from_seq: bigint }[]
  ).map((r) => ({ cpu: Number(r.cpu), kind: r.kind, fromNs: r.from_ns, fromSeq: Number(r.from_seq) }));
  raw.prepare(`DELETE FROM spans WHERE boot_id = ? AND ${after}`).run(boot, at.timeNs, at.timeNs, at.seq);
  raw.prepare('DELETE FROM checkpoints WHERE boot_id = ? AND (time_ns > ? OR (time_ns = ? AND seq > ?))').run(boot, at.timeNs, at.timeNs, at.seq);
  // The fold's own summary covers only the events after the checkpoint: the boot's is the stored one plus what was added.
  const { summary: _resumed, ...written } = writeProjected(store, boot, project(era, pagedEvents(store, boot, at), CHECKPOINT_EVERY, { state: deserializeState(cp.state), open }));
  const cpus = new Set([...(JSON.parse(stats.cpus) as number[]), ...added.cpus]);
  const min = (a: bigint | null, b: bigint) => (a === null || b < a ? b : a);
  const max = (a: bigint | null, b: bigint) => (a === null || b > a ? b : a);
  raw
    .prepare('UPDATE projected_boots SET cpus = ?, first_ns = ?, last_ns = ?, events = ?, last_seq = ? WHERE boot_id = ?')
    .run(JSON.stringify([...cpus].sort((a, b) => a - b)), min(stats.first_ns, added.minNs), max(stats.last_ns, added.maxNs), Number(stats.events) + added.count, Math.max(Number(stats.last_seq), added.maxSeq), boot);
  return written;
}

/**
 * Span rows per INSERT statement. Measured (78 k spans, one transaction): one row per statement 0.22 s, 32 per
 * statement 0.14 s — on an import of only lifecycle events the spans are half as many rows as the events.
 */
const SPANS_PER_INSERT = 32;
const SPAN_COLUMNS = '(boot_id, cpu, kind, from_ns, to_ns, from_seq, to_seq, version)';

function writeProjected(store: Store, boot: string, projected: Iterable<Projected>): { checkpoints: number; spans: number; summary: BootSummary } {
  const cp = store.raw.prepare('INSERT INTO checkpoints (boot_id, time_ns, seq, version, state) VALUES (?, ?, ?, ?, ?)');
  const values = (n: number) => Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
  const many = store.raw.prepare(`INSERT INTO spans ${SPAN_COLUMNS} VALUES ${values(SPANS_PER_INSERT)}`);
  const one = store.raw.prepare(`INSERT INTO spans ${SPAN_COLUMNS} VALUES ${values(1)}`);
  const pending: unknown[] = [];
  let checkpoints = 0;
  let spans = 0;
  let summary: BootSummary | null = null;
  for (const p of projected) {
    if (p.kind === 'boot') summary = p.summary;
    else if (p.kind === 'checkpoint') {
      cp.run(boot, p.timeNs, p.seq, PROJECTION_VERSION, serializeState(p.state));
      checkpoints++;
    } else {
      const s = p.span;
      pending.push(boot, s.cpu, s.kind, s.fromNs, s.toNs, s.fromSeq, s.toSeq, PROJECTION_VERSION);
      if (++spans % SPANS_PER_INSERT === 0) {
        many.run(pending);
        pending.length = 0;
      }
    }
  }
  for (let i = 0; i < pending.length; i += 8) one.run(pending.slice(i, i + 8));
  if (summary === null) throw new Error('project() ended without its boot summary');
  return { checkpoints, spans, summary };
}

/**
 * A boot's events in (time, seq) order, read a page at a time: the connection must stay free for the inserts
 * of the rebuild, and memory bounded whatever the boot's size.
 */
function* pagedEvents(store: Store, boot: string, start?: { timeNs: bigint; seq: number }, page = 10_000): Generator<FoldEvent> {
  let after = start;
  for (;;) {
    const rows = [...foldEvents(store, boot, { after, limit: page })];
    yield* rows;
    if (rows.length < page) return;
    const last = rows[rows.length - 1]!;
    after = { timeNs: last.timeNs, seq: last.seq };
  }
}

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
