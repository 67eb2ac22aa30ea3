/** Stored projections (migrations/0003): rebuilt from a boot's events, read to answer state and spans fast. */
import type { Statement } from 'better-sqlite3';
import type { Era } from '../model/era.js';
import type { EventRecord, LifecycleEvent } from '../model/event.js';
import { type BootSummary, PROJECTION_VERSION, type Projected, Projector, type Span, type SpanKind, deserializeState, project, serializeState } from '../model/projection.js';
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

/** Recomputes a boot's checkpoints and spans from its stored events; inside the caller's transaction when there is one. */
export function rebuildProjections(store: Store, boot: string, era: Parameters<typeof project>[0]): { checkpoints: number; spans: number } {
  const raw = store.raw;
  raw.prepare('DELETE FROM checkpoints WHERE boot_id = ?').run(boot);
  raw.prepare('DELETE FROM spans WHERE boot_id = ?').run(boot);
  raw.prepare('DELETE FROM projected_boots WHERE boot_id = ?').run(boot);
  const { summary, ...written } = writeProjected(store, boot, project(era, pagedEvents(store, boot), CHECKPOINT_EVERY));
  recordProjected(store, boot, summary);
  return written;
}

function recordProjected(store: Store, boot: string, summary: BootSummary): void {
  store.raw
    .prepare('INSERT INTO projected_boots (boot_id, version, cpus, first_ns, last_ns, events, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(boot, PROJECTION_VERSION, JSON.stringify(summary.cpus), summary.firstNs, summary.lastNs, summary.events, summary.lastSeq);
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

/** Writes a boot's projections as they come: checkpoints at once, span rows SPANS_PER_INSERT at a time. */
class ProjectionWriter {
  private readonly cp: Statement;
  private readonly many: Statement;
  private readonly one: Statement;
  private readonly pending: unknown[] = [];
  private checkpoints = 0;
  private spans = 0;
  private summary: BootSummary | null = null;

  constructor(
    store: Store,
    private readonly boot: string,
  ) {
    const values = (n: number) => Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    this.cp = prepared(store, 'INSERT INTO checkpoints (boot_id, time_ns, seq, version, state) VALUES (?, ?, ?, ?, ?)');
    this.many = prepared(store, `INSERT INTO spans ${SPAN_COLUMNS} VALUES ${values(SPANS_PER_INSERT)}`);
    this.one = prepared(store, `INSERT INTO spans ${SPAN_COLUMNS} VALUES ${values(1)}`);
  }

  write(p: Projected): void {
    if (p.kind === 'boot') this.summary = p.summary;
    else if (p.kind === 'checkpoint') {
      this.cp.run(this.boot, p.timeNs, p.seq, PROJECTION_VERSION, serializeState(p.state));
      this.checkpoints++;
    } else {
      const s = p.span;
      this.pending.push(this.boot, s.cpu, s.kind, s.fromNs, s.toNs, s.fromSeq, s.toSeq, PROJECTION_VERSION);
      if (++this.spans % SPANS_PER_INSERT === 0) {
        this.many.run(this.pending);
        this.pending.length = 0;
      }
    }
  }

  finish(): { checkpoints: number; spans: number; summary: BootSummary } {
    for (let i = 0; i < this.pending.length; i += 8) this.one.run(this.pending.slice(i, i + 8));
    this.pending.length = 0;
    if (this.summary === null) throw new Error('project() ended without its boot summary');
    return { checkpoints: this.checkpoints, spans: this.spans, summary: this.summary };
  }
}

function writeProjected(store: Store, boot: string, projected: Iterable<Projected>): { checkpoints: number; spans: number; summary: BootSummary } {
  const w = new ProjectionWriter(store, boot);
  for (const p of projected) w.write(p);
  return w.finish();
}

/** Distinct event texts a live projection parses once and shares (events are immutable). */
const DISTINCT_MAX = 4096;

/**
 * The projection of a boot this import created, folded and written as its events are appended — while they
 * come in time order, the store's order — so that nothing is held or read back for it. It assumes the era the
 * boot had when created; the import finishes it only if the boot ends with that era.
 */
export class LiveProjection {
  private readonly projector: Projector;
  private readonly writer: ProjectionWriter;
  private readonly distinct = new Map<string, LifecycleEvent>();

  constructor(
    private readonly store: Store,
    private readonly boot: string,
    readonly era: Era | null,
  ) {
    this.projector = new Projector(era, CHECKPOINT_EVERY);
    this.writer = new ProjectionWriter(store, boot);
  }

  /** Folds the next appended event; false when it comes before the last one (then this projection is void). */
  push(seq: number, timeNs: bigint, eventJson: string): boolean {
    const last = this.projector.lastNs;
    if (last !== null && timeNs < last) return false;
    let event = this.distinct.get(eventJson);
    if (event === undefined) {
      event = JSON.parse(eventJson) as LifecycleEvent;
      if (this.distinct.size < DISTINCT_MAX) this.distinct.set(eventJson, event);
    }
    this.projector.push({ seq, timeNs, event });
    this.drain();
    return true;
  }

  /** The spans still open and the boot's summary: the projection is the boot's. */
  finish(): { checkpoints: number; spans: number } {
    this.projector.finish();
    this.drain();
    const { summary, ...written } = this.writer.finish();
    recordProjected(this.store, this.boot, summary);
    return written;
  }

  private drain(): void {
    const out = this.projector.out;
    for (let i = 0; i < out.length; i++) this.writer.write(out[i]!);
    out.length = 0;
  }
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
