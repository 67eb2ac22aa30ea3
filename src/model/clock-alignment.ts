/**
 * How far another clock is from the boot's kernel time, from evidence: records a block on that clock shares with
 * the boot's kernel-clock captures (the same line, or the same fact). Each shared record proposes an offset; one
 * offset proposed by many records is the clock's, where no other comes near it in support.
 */

/** One piece of evidence: a record of the block (`item`, stamped `atNs` on its clock) seen on the kernel clock `offsetNs` later. */
export interface Pairing {
  readonly item: number;
  readonly atNs: bigint;
  readonly offsetNs: bigint;
}

export interface Alignment {
  /** Kernel time = the block's time + this. */
  readonly offsetNs: bigint;
  /** How far apart the offsets most records agree on lie: what the offset itself may be off by. */
  readonly spreadNs: bigint;
  /** Records of the block seen by the boot's kernel-clock captures near that offset. */
  readonly evidence: number;
  /** Each supporting record's own offset: where the boot's captures saw that very record. */
  readonly own: ReadonlyMap<number, bigint>;
  /** The supporting records' stamps on the block's clock with their own offsets, in stamp order. */
  readonly evidenceAt: readonly { readonly atNs: bigint; readonly offsetNs: bigint }[];
}

/**
 * Proposals this close are one offset: a record and its printk copy are printed within 2 ms of each other, and
 * two clocks a fixed offset apart in principle drift by more — the trace clock `local` against printk's moved
 * 9 ms over 2 s of the 6.1 kdump recording.
 */
const WINDOW_NS = 20_000_000n;
/**
 * A sighting known to within this is evidence of where its clock lies (a call's entry for its return, a routed
 * copy); a bound (a bring-up message, 1 s) is not.
 */
export const EVIDENCE_WITHIN_NS = 2_000_000n;
/** Fewer supporting records than this is no evidence. */
const MIN_EVIDENCE = 3;
/**
 * A record whose own offset lies this far from the block's is still that record seen on the kernel clock. Two
 * clocks a fixed offset apart in principle are not, record by record: in the 6.1 recording the trace clock
 * `local` (raw sched_clock) and printk's (sched_clock_cpu) differ by 1122 ms, give or take 14 ms on a CPU
 * going down and 51 ms on one coming up, whose sched_clock_cpu is stale. The nearest sighting of the same fact
 * is taken: confusing two needs the same transition twice on one CPU within this.
 */
const DRIFT_NS = 100_000_000n;

/** The offset most records of the block agree on, if the evidence is clear; else null. */
export function align(pairings: readonly Pairing[]): Alignment | null {
  const p = [...pairings].sort((a, b) => cmp(a.offsetNs, b.offsetNs));
  const windows = supportedWindows(p);
  if (windows.length === 0) return null;
  const best = windows.reduce((a, b) => (b.support > a.support ? b : a));
  if (best.support < MIN_EVIDENCE) return null;
  // Another offset, apart from this one, with half its support: the evidence does not say which.
  const rival = windows.filter((w) => w.toNs < best.fromNs - WINDOW_NS || w.fromNs > best.toNs + WINDOW_NS).reduce((m, w) => Math.max(m, w.support), 0);
  if (rival * 2 > best.support) return null;
  const inside = p.slice(best.from, best.to + 1).map((x) => x.offsetNs);
  const offsetNs = inside[Math.floor(inside.length / 2)]!;
  // Each record's pairing nearest the offset, within the drift: its own place on the kernel clock.
  const own = new Map<number, Pairing>();
  for (const x of p) {
    const d = abs(x.offsetNs - offsetNs);
    const had = own.get(x.item);
    if (d <= DRIFT_NS && (had === undefined || d < abs(had.offsetNs - offsetNs))) own.set(x.item, x);
  }
  const spreadNs = inside[inside.length - 1]! - inside[0]!;
  const evidenceAt = [...own.values()].sort((a, b) => cmp(a.atNs, b.atNs)).map((x) => ({ atNs: x.atNs, offsetNs: x.offsetNs }));
  return { offsetNs, spreadNs, evidence: own.size, own: new Map([...own].map(([k, v]) => [k, v.offsetNs])), evidenceAt };
}

/** Where a record of an aligned block lies on kernel time, and how far off that may be. */
export interface Placement {
  readonly offsetNs: bigint;
  readonly uncertaintyNs: bigint;
}

/**
 * A record's place. On a clock a fixed offset from the kernel's (`fixed`), the block's offset, as uncertain as its
 * evidence is spread. On another: its own evidence where it has some; else between the evidence around it, the
 * offset following the drift from one to the next (as uncertain as they differ); else, outside the evidence,
 * nowhere (null): a trace clock may jump at a suspend (5 s in the 6.1 recording).
 */
export function placeRecord(a: Alignment, item: number, atNs: bigint, fixed: boolean): Placement | null {
  if (fixed) return { offsetNs: a.offsetNs, uncertaintyNs: a.spreadNs };
  const own = a.own.get(item);
  if (own !== undefined) return { offsetNs: own, uncertaintyNs: 0n };
  const ev = a.evidenceAt;
  let lo = 0;
  let hi = ev.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ev[mid]!.atNs <= atNs) lo = mid + 1;
    else hi = mid;
  }
  const before = ev[lo - 1];
  const after = ev[lo];
  if (before !== undefined && after !== undefined) {
    const span = after.atNs - before.atNs;
    const offsetNs = span === 0n ? before.offsetNs : before.offsetNs + ((after.offsetNs - before.offsetNs) * (atNs - before.atNs)) / span;
    return { offsetNs, uncertaintyNs: abs(after.offsetNs - before.offsetNs) };
  }
  return null;
}

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

const abs = (v: bigint): bigint => (v < 0n ? -v : v);

interface Window {
  readonly from: number;
  readonly to: number;
  readonly fromNs: bigint;
  readonly toNs: bigint;
  /** Distinct records of the block proposing an offset in the window. */
  readonly support: number;
}

/** For each proposal, the window of WINDOW_NS that starts at it, with how many distinct records it holds. */
function supportedWindows(p: readonly Pairing[]): Window[] {
  const out: Window[] = [];
  const count = new Map<number, number>();
  let to = -1;
  for (let from = 0; from < p.length; from++) {
    while (to + 1 < p.length && p[to + 1]!.offsetNs - p[from]!.offsetNs <= WINDOW_NS) {
      to++;
      count.set(p[to]!.item, (count.get(p[to]!.item) ?? 0) + 1);
    }
    out.push({ from, to, fromNs: p[from]!.offsetNs, toNs: p[to]!.offsetNs, support: count.size });
    const left = p[from]!.item;
    const n = count.get(left)! - 1;
    if (n === 0) count.delete(left);
    else count.set(left, n);
  }
  return out;
}

/**
 * With `trace_clock=global` the top instance's clock is printk's own (sched_clock_cpu, kernel/trace/trace_clock.c):
 * a dump of it (the clock's time since the ring buffer's start) is a fixed offset from the log. `local`, the
 * default and every instance's own, is the raw sched_clock, which drifts from printk's (51 ms at a CPU's hotplug
 * in the 6.1 recording) and jumps at a suspend (5 s there).
 */
export const globalTraceClock = (cmdline: string | null): boolean => cmdline !== null && /(?:^|\s)trace_clock=global(?:\s|$)/.test(cmdline);

/** A trace on the global clock prints printk's own time: its evidence finds it at offset 0, and it is that clock. */
export const sameTraceClock = (cmdline: string | null, a: Alignment): boolean => globalTraceClock(cmdline) && abs(a.offsetNs) <= a.spreadNs;
