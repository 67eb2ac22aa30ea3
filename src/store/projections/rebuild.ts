/** A boot's projections recomputed from its stored events: whole, or resumed after what an import appended. */
import type { Era } from '../../model/era.js';
import { PROJECTION_VERSION, type SpanKind, deserializeState, project as fold } from '../../model/projection.js';
import type { Store } from '../db.js';
import { type FoldEvent, foldEvents } from '../read.js';
import { recordProjected, writeProjected } from './writer.js';

/**
 * Events between checkpoints: state at an instant folds at most this many events read back after the nearest
 * one. Fewer checkpoints fold more (and make more garbage) per query; more cost space. The bench's state latency
 * chose it (docs/performance.md).
 */
export const CHECKPOINT_EVERY = 64;

/** Recomputes a boot's checkpoints and spans from its stored events; inside the caller's transaction when there is one. */
export function rebuildProjections(store: Store, boot: string, era: Era | null): { checkpoints: number; spans: number } {
  const raw = store.raw;
  raw.prepare('DELETE FROM checkpoints WHERE boot_id = ?').run(boot);
  raw.prepare('DELETE FROM spans WHERE boot_id = ?').run(boot);
  raw.prepare('DELETE FROM projected_boots WHERE boot_id = ?').run(boot);
  const { summary, ...written } = writeProjected(store, boot, fold(era, pagedEvents(store, boot), CHECKPOINT_EVERY));
  recordProjected(store, boot, summary);
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
export function updateProjections(store: Store, boot: string, era: Era | null, added: Appended): { checkpoints: number; spans: number } {
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
  const { summary: _resumed, ...written } = writeProjected(store, boot, fold(era, pagedEvents(store, boot, at), CHECKPOINT_EVERY, { state: deserializeState(cp.state), open }));
  const cpus = new Set([...(JSON.parse(stats.cpus) as number[]), ...added.cpus]);
  const min = (a: bigint | null, b: bigint) => (a === null || b < a ? b : a);
  const max = (a: bigint | null, b: bigint) => (a === null || b > a ? b : a);
  raw
    .prepare('UPDATE projected_boots SET cpus = ?, first_ns = ?, last_ns = ?, events = ?, last_seq = ? WHERE boot_id = ?')
    .run(JSON.stringify([...cpus].sort((a, b) => a - b)), min(stats.first_ns, added.minNs), max(stats.last_ns, added.maxNs), Number(stats.events) + added.count, Math.max(Number(stats.last_seq), added.maxSeq), boot);
  return written;
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

