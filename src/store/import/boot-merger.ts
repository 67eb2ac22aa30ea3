/**
 * Provisional boots: made from an input that named none (a trace file alone — no banner, no boot id — whose lines no
 * stored boot shares). Which boot one was shows once another capture of that boot is stored: the facts both hold,
 * and the lines both printed, agree on one offset between their clocks (model/clock-alignment.ts). Its events then
 * move there (session.ts), and it is merged into that boot.
 */
import { type Alignment, EVIDENCE_WITHIN_NS, type Pairing, align } from '../../model/clock-alignment.js';
import type { LifecycleEvent } from '../../model/event.js';
import { KERNEL_CLOCK } from '../../model/sightings.js';
import type { Store } from '../db.js';
import { prepared } from '../statements.js';
import { factTimes } from './boot-matcher.js';

/** A provisional boot's facts asked about, and anchors compared: enough for evidence, bounded for a large input. */
const FACTS = 2048;
const ANCHORS = 20_000;
/** Provisional boots a newly identified boot looks at: the most recent. */
const STRAYS = 16;

export function isProvisional(store: Store, boot: string): boolean {
  const row = prepared(store, 'SELECT provisional, merged_into FROM boots WHERE id = ?').get(boot) as { provisional: number | bigint; merged_into: string | null } | undefined;
  return row !== undefined && Number(row.provisional) === 1 && row.merged_into === null;
}

/** Provisional boots other than `boot`, not merged, the most recent first. */
export function strays(store: Store, boot: string): string[] {
  return (prepared(store, `SELECT id FROM boots WHERE provisional = 1 AND merged_into IS NULL AND id != ? ORDER BY rowid DESC LIMIT ${STRAYS}`).all(boot) as { id: string }[]).map(
    (r) => r.id,
  );
}

/** The one identified boot a provisional boot's evidence places it in, clearly ahead of any other; else null. */
export function homeOf(store: Store, boot: string): { readonly boot: string; readonly alignment: Alignment } | null {
  const candidates = prepared(store, 'SELECT id FROM boots WHERE provisional = 0 AND merged_into IS NULL AND id != ?').all(boot) as { id: string }[];
  const found: { boot: string; alignment: Alignment }[] = [];
  for (const c of candidates) {
    const a = alignment(store, boot, c.id);
    if (a !== null) found.push({ boot: c.id, alignment: a });
  }
  found.sort((x, y) => y.alignment.evidence - x.alignment.evidence);
  const [best, next] = found;
  if (best === undefined || (next !== undefined && next.alignment.evidence * 2 > best.alignment.evidence)) return null;
  return best;
}

/**
 * Where `from`'s kernel clock lies on `into`'s, from the facts and lines both hold; null where they do not say. Two
 * boots running one scenario share facts too, some of them by chance at one offset: the facts must agree as two
 * captures of one boot do — most of those that could pair at all — and the eras must not differ.
 */
export function alignment(store: Store, from: string, into: string): Alignment | null {
  const eras = prepared(store, 'SELECT (SELECT era FROM boots WHERE id = ?) AS a, (SELECT era FROM boots WHERE id = ?) AS b').get(from, into) as { a: string | null; b: string | null };
  if (eras.a !== null && eras.b !== null && eras.a !== eras.b) return null;
  const rows = prepared(
    store,
    `SELECT seq, time_ns, type, fields FROM events e WHERE boot_id = ? AND clock = '${KERNEL_CLOCK}' AND uncertainty_ns <= ${EVIDENCE_WITHIN_NS}
       AND NOT EXISTS (SELECT 1 FROM superseded s WHERE s.seq = e.seq) ORDER BY time_ns LIMIT ${FACTS}`,
  )
    .safeIntegers(true)
    .all(from) as { seq: bigint; time_ns: bigint; type: string; fields: string }[];
  const facts = rows.map((r) => ({ type: r.type, ...(JSON.parse(r.fields) as object) }) as LifecycleEvent);
  const pairings: Pairing[] = [];
  for (const [i, t] of factTimes(store, into, facts)) pairings.push({ item: Number(rows[i]!.seq), atNs: rows[i]!.time_ns, offsetNs: t - rows[i]!.time_ns });
  const shared = prepared(
    store,
    `SELECT a.time_ns AS at, b.time_ns AS t FROM anchors a JOIN anchors b ON b.key = a.key AND b.boot_id = ? WHERE a.boot_id = ? LIMIT ${ANCHORS}`,
  )
    .safeIntegers(true)
    .all(into, from) as { at: bigint; t: bigint }[];
  // A line is evidence of the offset, not of an event's own place: items no event has.
  shared.forEach((s, i) => pairings.push({ item: -(i + 1), atNs: s.at, offsetNs: s.t - s.at }));
  const a = align(pairings);
  if (a === null) return null;
  const paired = new Set(pairings.filter((x) => x.item > 0).map((x) => x.item)).size;
  const agreeing = [...a.own.keys()].filter((item) => item > 0).length;
  return agreeing * 2 >= paired ? a : null;
}

/** The events of a boot to move, in order, with their sources: every sighting that is a fact there. */
export interface MovedRow {
  readonly seq: number;
  readonly timeNs: bigint;
  readonly clock: string;
  readonly uncertaintyNs: bigint;
  readonly event: LifecycleEvent;
  readonly line: number;
  readonly raw: string;
  readonly sourceId: number;
  readonly sha256: string;
}

/** All of them at once: the moves write to the same table while they are read. */
export function rowsToMove(store: Store, boot: string): MovedRow[] {
  const q = store.raw
    .prepare(
      `SELECT e.seq, e.time_ns, e.clock, e.uncertainty_ns, e.type, e.fields, e.line, e.raw, e.source_id, s.sha256 FROM events e JOIN sources s ON s.id = e.source_id
         WHERE e.boot_id = ? AND NOT EXISTS (SELECT 1 FROM superseded x WHERE x.seq = e.seq) ORDER BY e.time_ns, e.seq`,
    )
    .safeIntegers(true);
  return (q.all(boot) as Record<string, unknown>[]).map((r) => ({
      seq: Number(r['seq']),
      timeNs: r['time_ns'] as bigint,
      clock: r['clock'] as string,
      uncertaintyNs: r['uncertainty_ns'] as bigint,
      event: { type: r['type'], ...(JSON.parse(r['fields'] as string) as object) } as LifecycleEvent,
      line: Number(r['line']),
      raw: r['raw'] as string,
      sourceId: Number(r['source_id']),
      sha256: r['sha256'] as string,
  }));
}

/** `from` is `into`: what follows it follows `into`, and `into` follows what it followed. */
export function markMerged(store: Store, from: string, into: string): void {
  store.raw.prepare('UPDATE boots SET merged_into = ?, provisional = 0 WHERE id = ?').run(into, from);
  store.raw.prepare('UPDATE boots SET previous = ? WHERE previous = ? AND id != ?').run(into, from, into);
  store.raw.prepare('UPDATE boots SET previous = coalesce(previous, (SELECT previous FROM boots WHERE id = ? AND previous != ?)) WHERE id = ?').run(from, into, into);
}
