/**
 * The append hot path: one prepared INSERT per event, each linked into the hash chain (model/chain.ts). A fact the
 * boot already holds — another capture of the same run — is not stored twice: the same instant on the same clock
 * is caught by the identity index; a sighting near a stored one (model/sightings.ts), where asked, by a look at the
 * boot's facts around it, and the more precise of the two is the fact.
 */
import type { Statement } from 'better-sqlite3';
import type { DecodedEvent } from '../../ingest/decode/outcome.js';
import { canonicalParts } from '../../model/canonical.js';
import { GENESIS, chainContentOf, hashLink } from '../../model/chain.js';
import { type LifecycleEvent, subjectCpu } from '../../model/event.js';
import { KERNEL_CLOCK, ONCE, between, compatible, endingTypes, ends, informative } from '../../model/sightings.js';
import type { Store } from '../db.js';

/** An event's place in the chain as its producer computed it, assuming `prev` was the head before it. */
export interface ChainLink {
  readonly prev: string;
  readonly hash: string;
}

/** A sighting another input made, moved here (a provisional boot merged): its own source stays its provenance. */
export interface Origin {
  readonly sourceId: number;
  readonly sha256: string;
}

/** What became of an event handed to the store. */
export type AppendResult =
  | { readonly kind: 'appended'; readonly seq: number }
  /** The boot holds this fact, as precisely: counted, not stored. `fact`: the sighting that is the fact, where known. */
  | { readonly kind: 'held'; readonly fact: number | null }
  /** Stored, and more precise than the sighting of the same fact it replaces as the fact. */
  | { readonly kind: 'superseding'; readonly seq: number; readonly superseded: { readonly seq: number; readonly timeNs: bigint } };

/** The widest uncertainty a stored sighting has (a bring-up message, a wall-clock stamp to the second). */
const WIDEST_NS = 1_000_000_000n;
const MIN_NS = -(2n ** 63n);
const MAX_NS = 2n ** 63n - 1n;

export class Appender {
  private readonly insert: Statement;
  private readonly nearby: Statement;
  private readonly supersede: Statement;
  private readonly identical: Statement;
  private readonly onClock: Statement;
  private readonly between = new Map<string, Statement>();
  /** The hash of the last event appended: what the next one's hash covers. */
  private chainHead: string;
  /** The chain content of the boot appended to last: an input's events come a boot at a time. */
  private contentBoot: string | null = null;
  private content: ReturnType<typeof chainContentOf> | null = null;
  events = 0;
  duplicates = 0;
  /** Sightings of other inputs moved here (a provisional boot merged into the boot it was). */
  moved = 0;

  /** Under the write lock: no other import can append between reading the head and the commit. */
  constructor(
    private readonly store: Store,
    private readonly sourceId: number,
    /** The input's SHA-256, which every event's hash covers. */
    readonly source: string,
  ) {
    const raw = store.raw;
    this.insert = raw.prepare(
      'INSERT OR IGNORE INTO events (boot_id, time_ns, cpu, type, fields, source_id, line, raw, hash, clock, uncertainty_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.nearby = raw
      .prepare(
        `SELECT seq, time_ns, uncertainty_ns, fields FROM events e WHERE boot_id = ? AND clock = ? AND type = ? AND cpu IS ? AND time_ns BETWEEN ? AND ?
           AND NOT EXISTS (SELECT 1 FROM superseded s WHERE s.seq = e.seq) ORDER BY abs(time_ns - ?) LIMIT 8`,
      )
      .safeIntegers(true);
    this.supersede = raw.prepare('INSERT OR IGNORE INTO superseded (seq, by_seq) VALUES (?, ?)');
    this.identical = raw.prepare('SELECT seq FROM events WHERE boot_id = ? AND clock = ? AND time_ns = ? AND type = ? AND fields = ?').safeIntegers(true);
    this.onClock = raw
      .prepare(`SELECT seq, fields FROM events e WHERE boot_id = ? AND clock = ? AND time_ns = ? AND type = ? AND NOT EXISTS (SELECT 1 FROM superseded s WHERE s.seq = e.seq)`)
      .safeIntegers(true);
    this.chainHead = (raw.prepare('SELECT hash FROM events ORDER BY seq DESC LIMIT 1').pluck().get() as string | null | undefined) ?? GENESIS;
  }

  head(): string {
    return this.chainHead;
  }

  /**
   * Appends the event, with `uncertaintyNs` how far its fact's instant may be from its stamp. `lookNear`: the boot
   * may hold a sighting of this fact at another instant (it was stored before this import, or this sighting comes
   * before what this import appended to it), which is looked for.
   */
  append(boot: string, e: DecodedEvent, uncertaintyNs: bigint, lookNear: boolean, link?: ChainLink, origin?: Origin): AppendResult {
    const type = e.event.type;
    const clock = e.clock ?? KERNEL_CLOCK;
    const { fields, event } = canonicalParts(e.event);
    const same = lookNear ? this.sameFact(boot, clock, e, uncertaintyNs) : null;
    // Of two sightings of one fact the fact is the more informative (a return value known), then the more precise.
    if (same !== null && (same.informative > informative(e.event) || (same.informative === informative(e.event) && same.uncertaintyNs <= uncertaintyNs))) {
      if (origin === undefined) this.duplicates++;
      return { kind: 'held', fact: same.seq };
    }
    // A link made elsewhere is this very hash when it follows this head (model/chain.ts).
    const content = origin === undefined ? this.contentOf(boot) : chainContentOf(boot, origin.sha256);
    const hash = link !== undefined && link.prev === this.chainHead ? link.hash : hashLink(this.chainHead, content(e.timeNs, event, e.line, e.raw, clock, uncertaintyNs));
    const info = this.insert.run(boot, e.timeNs, subjectCpu(e.event), type, fields, origin?.sourceId ?? this.sourceId, e.line, e.raw, hash, clock, uncertaintyNs);
    if (info.changes !== 1) {
      if (origin === undefined) this.duplicates++;
      const same = this.identical.get(boot, clock, e.timeNs, type, fields) as { seq: bigint } | undefined;
      return { kind: 'held', fact: same === undefined ? null : Number(same.seq) };
    }
    if (origin === undefined) this.events++;
    else this.moved++;
    this.chainHead = hash;
    const seq = Number(info.lastInsertRowid);
    if (same === null) return { kind: 'appended', seq };
    this.supersede.run(same.seq, seq);
    return { kind: 'superseding', seq, superseded: { seq: same.seq, timeNs: same.timeNs } };
  }

  /**
   * A sighting aligned from another clock: the copies stored of it while that clock was not placed (an input holding
   * only the block, imported first) are that fact's, which supersedes them.
   */
  supersedeSighted(boot: string, e: DecodedEvent, fact: number): void {
    if (e.sighted === undefined) return;
    for (const r of this.onClock.all(boot, e.sighted.clock, e.sighted.timeNs, e.event.type) as { seq: bigint; fields: string }[]) {
      if (Number(r.seq) !== fact && compatible({ type: e.event.type, ...(JSON.parse(r.fields) as object) } as LifecycleEvent, e.event)) this.supersede.run(r.seq, fact);
    }
  }

  /** `seq` is no longer a fact: `by` is (a move's new sighting of it, or the fact it was already). */
  supersedeBy(seq: number, by: number): void {
    this.supersede.run(seq, by);
  }

  /** A stored sighting of the same fact near this one: its instants within both uncertainties, nothing between that ends it. */
  private sameFact(boot: string, clock: string, e: DecodedEvent, uncertaintyNs: bigint): { seq: number; timeNs: bigint; uncertaintyNs: bigint; informative: number } | null {
    const once = ONCE.has(e.event.type);
    const reach = uncertaintyNs + WIDEST_NS;
    const [from, to] = once ? [MIN_NS, MAX_NS] : [e.timeNs - reach, e.timeNs + reach];
    const rows = this.nearby.all(boot, clock, e.event.type, subjectCpu(e.event), from, to, e.timeNs) as { seq: bigint; time_ns: bigint; uncertainty_ns: bigint; fields: string }[];
    for (const r of rows) {
      const stored = { type: e.event.type, ...(JSON.parse(r.fields) as object) } as LifecycleEvent;
      if (!compatible(stored, e.event)) continue;
      const gap = once ? 'overlap' : between(e.timeNs, uncertaintyNs, r.time_ns, r.uncertainty_ns);
      if (gap === null) continue;
      if (gap !== 'overlap' && this.endedBetween(boot, clock, e.event, gap[0], gap[1])) continue;
      return { seq: Number(r.seq), timeNs: r.time_ns, uncertaintyNs: r.uncertainty_ns, informative: informative(stored) };
    }
    return null;
  }

  /** Whether a fact strictly between two instants ends what `e` says (model/sightings.ts `ends`). */
  private endedBetween(boot: string, clock: string, e: LifecycleEvent, from: bigint, to: bigint): boolean {
    if (to - from <= 1n) return false;
    const types = [e.type, ...endingTypes(e)];
    const key = types.join(',');
    let stmt = this.between.get(key);
    if (stmt === undefined) {
      stmt = this.store.raw
        .prepare(
          `SELECT type, fields FROM events e WHERE boot_id = ? AND clock = ? AND time_ns > ? AND time_ns < ? AND type IN (${types.map(() => '?').join(', ')})
             AND NOT EXISTS (SELECT 1 FROM superseded s WHERE s.seq = e.seq)`,
        )
        .safeIntegers(true);
      this.between.set(key, stmt);
    }
    const rows = stmt.all(boot, clock, from, to, ...types) as { type: string; fields: string }[];
    return rows.some((r) => ends(e, { type: r.type, ...(JSON.parse(r.fields) as object) } as LifecycleEvent));
  }

  private contentOf(boot: string): ReturnType<typeof chainContentOf> {
    if (this.content === null || boot !== this.contentBoot) [this.contentBoot, this.content] = [boot, chainContentOf(boot, this.source)];
    return this.content;
  }
}
