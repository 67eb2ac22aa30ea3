/**
 * Which stored boot an input's boot is, from its anchors: lines two captures of one boot share at the same
 * kernel time (the trace, dmesg and /dev/kmsg of one run; a log printed again on the console).
 */
import type { Anchor } from '../../import/anchor.js';
import type { BootIdentity } from '../../import/sink.js';
import { type LifecycleEvent, subjectCpu } from '../../model/event.js';
import { EVIDENCE_WITHIN_NS } from '../../model/clock-alignment.js';
import { KERNEL_CLOCK, compatible as sameFactFields } from '../../model/sightings.js';
import type { Store } from '../db.js';
import { prepared } from '../statements.js';

/** Only anchors past early boot count: before timekeeping settles, every boot of a kernel prints alike. */
const MATCH_FROM_NS = 1_000_000_000n;
/** How far apart the same line may be stamped in two captures (ring buffer vs printk, 6.1: ~1 ms). */
const MATCH_WITHIN_NS = 5_000_000n;
const MATCH_MIN = 3;

/** The stored boot these anchors show this input's boot to be, if the store holds exactly one such. */
export function findStoredBoot(store: Store, anchors: readonly Anchor[], identity: BootIdentity): string | null {
  const late = anchors.filter((a) => a.timeNs >= MATCH_FROM_NS);
  if (late.length === 0) return null;
  const stored = new Map<number, { boot: string; timeNs: bigint }[]>();
  const keys = [...new Set(late.map((a) => a.key))];
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    const rows = store.raw
      .prepare(`SELECT boot_id, time_ns, key FROM anchors WHERE key IN (${chunk.map(() => '?').join(',')})`)
      .safeIntegers(true)
      .all(...chunk) as { boot_id: string; time_ns: bigint; key: bigint }[];
    for (const r of rows) {
      const list = stored.get(Number(r.key)) ?? [];
      list.push({ boot: r.boot_id, timeNs: r.time_ns });
      stored.set(Number(r.key), list);
    }
  }
  const score = new Map<string, number>();
  const comparable = new Map<string, number>();
  const within = MATCH_WITHIN_NS + identity.toleranceNs;
  for (const a of late) {
    // The instants at which each boot printed this line near the anchor's time (two captures of the boot,
    // such as dmesg and /dev/kmsg, store the same line at the same instant: one instant).
    const hits = new Map<string, Set<bigint>>();
    for (const s of stored.get(a.key) ?? []) {
      const d = s.timeNs - a.timeNs;
      if (d <= within && d >= -within) hits.set(s.boot, (hits.get(s.boot) ?? new Set()).add(s.timeNs));
    }
    // Only an unambiguous match counts: a line a boot prints over and over (the same probe hit on every
    // VMXON) finds a twin within the window in any busy boot, by chance.
    // The same line at the very same instant is the same record whatever else is near (a console holds both
    // the ring buffer's and the printk rendering of one tracepoint, a few hundred µs apart).
    for (const [b, instants] of hits) {
      comparable.set(b, (comparable.get(b) ?? 0) + 1);
      if (instants.size === 1 || instants.has(a.timeNs)) score.set(b, (score.get(b) ?? 0) + 1);
    }
  }
  const need = Math.min(MATCH_MIN, late.length);
  // Two captures of one boot agree on most lines they share; two busy boots agree by chance on a few.
  const agrees = (b: string, n: number) => n >= need && n * 2 >= (comparable.get(b) ?? 0);
  const ranked = [...score].filter(([b, n]) => agrees(b, n) && compatible(store, b, identity)).sort((x, y) => y[1] - x[1]);
  if (ranked.length === 0 || (ranked.length > 1 && ranked[1]![1] === ranked[0]![1])) return null;
  return ranked[0]![0];
}

/** Different kernels, or the same kernel booted with a different command line, are different boots. */
function compatible(store: Store, boot: string, id: BootIdentity): boolean {
  const row = store.raw.prepare('SELECT kernel, cmdline, merged_into FROM boots WHERE id = ?').get(boot) as { kernel: string | null; cmdline: string | null; merged_into: string | null };
  // A boot merged into another kept its own clock's lines: an input on that clock is placed anew, and merged too.
  if (row.merged_into !== null) return false;
  const differs = (a: string | null, b: string | null) => a !== null && b !== null && a !== b;
  return !differs(row.kernel, id.kernel) && !differs(row.cmdline, id.cmdline);
}


/** The stored times of a boot's lines of these anchor keys. */
export function anchorTimes(store: Store, boot: string, keys: readonly number[]): (readonly [number, bigint])[] {
  const out: (readonly [number, bigint])[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    const rows = store.raw
      .prepare(`SELECT key, time_ns FROM anchors WHERE boot_id = ? AND key IN (${chunk.map(() => '?').join(',')})`)
      .safeIntegers(true)
      .all(boot, ...chunk) as { key: bigint; time_ns: bigint }[];
    for (const r of rows) out.push([Number(r.key), r.time_ns]);
  }
  return out;
}

/** Sightings a fact could be, per fact: at most this many of its stored instants are proposed. */
const TIMES_PER_FACT = 64;

/** Where the boot holds, on its kernel clock, facts these sightings could be (model/sightings.ts `compatible`). */
export function factTimes(store: Store, boot: string, facts: readonly LifecycleEvent[]): (readonly [number, bigint])[] {
  const stmt = prepared(
    store,
    // Only a fact known to its stamp is evidence of where another clock lies: a bound (a bring-up message) is not.
    `SELECT time_ns, fields FROM events e WHERE boot_id = ? AND clock = '${KERNEL_CLOCK}' AND uncertainty_ns <= ${EVIDENCE_WITHIN_NS} AND type = ? AND cpu IS ?
       AND NOT EXISTS (SELECT 1 FROM superseded s WHERE s.seq = e.seq) LIMIT ${TIMES_PER_FACT}`,
  );
  const out: (readonly [number, bigint])[] = [];
  facts.forEach((f, i) => {
    for (const r of stmt.all(boot, f.type, subjectCpu(f)) as { time_ns: bigint; fields: string }[]) {
      if (sameFactFields({ type: f.type, ...(JSON.parse(r.fields) as object) } as LifecycleEvent, f)) out.push([i, r.time_ns]);
    }
  });
  return out;
}
