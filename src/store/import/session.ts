/**
 * One import, and the sole owner of its transaction: it takes the store's write lock, records the input, is the
 * sink the input's boots and events are handed to, and ends with `finish()` (the boots' projections brought up
 * to date, then the commit) or `abort()`. Nobody else says BEGIN, COMMIT or ROLLBACK for an import.
 *
 * The lock is taken before the input's hash is known: the store can already say which boots it holds (a parse
 * thread asks as soon as it has read a few lines) while the input is hashed; `record` then names the input.
 */
import type { Anchor } from '../../import/anchor.js';
import type { BootFacts, BootIdentity, BootMerge, ClockBlock, ImportSink, ImportSummary, InputSummary, NewBoot } from '../../import/sink.js';
import { type Alignment, placeRecord, sameTraceClock } from '../../model/clock-alignment.js';
import type { DecodedEvent } from '../../ingest/decode/outcome.js';
import type { Era } from '../../model/era.js';
import { type LifecycleEvent, subjectCpu } from '../../model/event.js';
import { CAPTURE_CLOCK, KERNEL_CLOCK, STAMP_PRECISION_NS } from '../../model/sightings.js';
import type { Store } from '../db.js';
import { LiveProjection } from '../projections/live.js';
import { type ProjectionPlan, type Projecting, carryOut, planProjection } from '../projections/plan.js';
import type { Appended } from '../projections/rebuild.js';
import { hasBoot, sourceByHash } from '../read.js';
import { prepared } from '../statements.js';
import { type AppendResult, Appender, type ChainLink, type Origin } from './appender.js';
import { alignment, homeOf, isProvisional, markMerged, rowsToMove, strays } from './boot-merger.js';
import { anchorTimes, factTimes, findStoredBoot } from './boot-matcher.js';
import { createBoot, endBoot, eraOf } from './boot-registry.js';

/** The input an import records. */
export interface ImportTarget {
  readonly sha256: string;
  readonly path: string;
  readonly format: string;
  /** Host for boots whose input does not name one. */
  readonly host: string;
}

/** How far past an uncertain sighting the store looks for another sighting of its fact (the widest uncertainty kept). */
const REACH_NS = 1_000_000_000n;

export type Recorded = { readonly kind: 'recorded' } | { readonly kind: 'already-imported'; readonly path: string; readonly importedAt: string };

/** What the import did to one boot. */
interface Touched {
  projecting: Projecting;
  /** Up to when a sighting of this import, less certain than its stamp, may be the same fact as another. */
  uncertainUntilNs: bigint;
  added: { count: number; minNs: bigint; maxNs: bigint; maxSeq: number; cpus: Set<number> } | null;
}

type Phase =
  | { readonly kind: 'locked' }
  | {
      readonly kind: 'recorded';
      readonly target: ImportTarget;
      readonly sourceId: number;
      readonly appender: Appender;
      readonly boots: Map<string, Touched>;
      readonly merges: BootMerge[];
    }
  | { readonly kind: 'ended' };

export class ImportSession implements ImportSink {
  private phase: Phase = { kind: 'locked' };

  private constructor(private readonly store: Store) {}

  /** Takes the write lock: a second import waits here for the first to end. */
  static begin(store: Store): ImportSession {
    store.raw.exec('BEGIN IMMEDIATE');
    return new ImportSession(store);
  }

  /**
   * Records the input, unless the store already holds it — checked under the lock, so that an import of the same
   * content that finished while this one waited makes this one a no-op, not a conflict (the session then ends).
   */
  record(target: ImportTarget): Recorded {
    if (this.phase.kind !== 'locked') throw new Error(`record() in a session already ${this.phase.kind}`);
    try {
      const prior = sourceByHash(this.store, target.sha256);
      if (prior !== null) {
        this.abort();
        return { kind: 'already-imported', path: prior.path, importedAt: prior.importedAt };
      }
      const info = this.store.raw
        .prepare('INSERT INTO sources (sha256, path, format, imported_at, lines, events) VALUES (?, ?, ?, ?, 0, 0)')
        .run(target.sha256, target.path, target.format, new Date().toISOString());
      const sourceId = Number(info.lastInsertRowid);
      this.phase = { kind: 'recorded', target, sourceId, appender: new Appender(this.store, sourceId, target.sha256), boots: new Map(), merges: [] };
      return { kind: 'recorded' };
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  findBoot(anchors: readonly Anchor[], identity: BootIdentity): string | null {
    this.open();
    return findStoredBoot(this.store, anchors, identity);
  }

  hasBoot(id: string): boolean {
    this.open();
    return hasBoot(this.store, id);
  }

  createBoot(b: NewBoot): string {
    const p = this.recorded();
    const id = createBoot(this.store, b, p.target.sha256, p.target.host, p.sourceId);
    // Projected as its events come, under the era its lines told so far.
    p.boots.set(id, { projecting: { kind: 'live', live: new LiveProjection(this.store, id, b.era) }, uncertainUntilNs: -1n, added: null });
    return id;
  }

  anchors(boot: string, anchors: readonly Anchor[]): void {
    this.recorded();
    const insert = prepared(this.store, 'INSERT INTO anchors (boot_id, time_ns, key) VALUES (?, ?, ?)');
    for (const a of anchors) insert.run(boot, a.timeNs, a.key);
  }

  event(boot: string, e: DecodedEvent, uncertaintyNs: bigint): void {
    this.append(boot, e, uncertaintyNs, undefined);
  }

  endBoot(boot: string, facts: BootFacts): void {
    const p = this.recorded();
    this.touch(p, boot);
    endBoot(this.store, boot, facts, p.target.host);
    this.settleProvisional(p, boot);
  }

  anchorTimes(boot: string, keys: readonly number[]): readonly (readonly [number, bigint])[] {
    this.recorded();
    return anchorTimes(this.store, boot, keys);
  }

  factTimes(boot: string, facts: readonly LifecycleEvent[]): readonly (readonly [number, bigint])[] {
    this.recorded();
    return factTimes(this.store, boot, facts);
  }

  clockBlock(b: ClockBlock): void {
    const p = this.recorded();
    this.store.raw
      .prepare('INSERT INTO clock_alignments (boot_id, clock, source_id, offset_ns, evidence, spread_ns, first_line) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(b.boot, b.clock, p.sourceId, b.offsetNs, b.evidence, b.spreadNs, b.firstLine);
  }

  /**
   * A boot this input named nothing of may be one stored; a boot it identified may be what a provisional one was
   * (boot-merger.ts). Either way the provisional boot's events move to the boot it was.
   */
  private settleProvisional(p: Extract<Phase, { kind: 'recorded' }>, boot: string): void {
    if (isProvisional(this.store, boot)) {
      const home = homeOf(this.store, boot);
      if (home !== null) this.merge(p, boot, home.boot, home.alignment);
      return;
    }
    for (const stray of strays(this.store, boot)) {
      const a = alignment(this.store, stray, boot);
      if (a !== null) this.merge(p, stray, boot, a);
    }
  }

  /**
   * `from` was `into` all along: each of its facts is appended to `into` as a new sighting — on `into`'s kernel time
   * where the evidence places it (model/clock-alignment.ts), else on its own clock — and superseded by it.
   */
  private merge(p: Extract<Phase, { kind: 'recorded' }>, from: string, into: string, a: Alignment): void {
    const cmdline = (prepared(this.store, 'SELECT cmdline FROM boots WHERE id = ?').get(into) as { cmdline: string | null }).cmdline;
    const fixed = sameTraceClock(cmdline, a);
    let moved = 0;
    for (const r of rowsToMove(this.store, from)) {
      const at = r.clock === KERNEL_CLOCK ? placeRecord(a, r.seq, r.timeNs, fixed) : null;
      const base = { event: r.event, line: r.line, raw: r.raw };
      const e: DecodedEvent =
        at === null
          ? { ...base, timeNs: r.timeNs, clock: r.clock === KERNEL_CLOCK ? CAPTURE_CLOCK : r.clock }
          : { ...base, timeNs: r.timeNs + at.offsetNs, sighted: { clock: CAPTURE_CLOCK, timeNs: r.timeNs } };
      const doubt = at === null ? 0n : at.uncertaintyNs + STAMP_PRECISION_NS;
      const result = this.append(into, e, r.uncertaintyNs > doubt ? r.uncertaintyNs : doubt, undefined, { sourceId: r.sourceId, sha256: r.sha256 });
      const by = result.kind === 'held' ? result.fact : result.seq;
      if (by !== null) p.appender.supersedeBy(r.seq, by);
      moved++;
    }
    markMerged(this.store, from, into);
    p.boots.delete(from);
    p.merges.push({ from, into, offsetNs: a.offsetNs, spreadNs: a.spreadNs, evidence: a.evidence, events: moved });
  }

  /** The input's SHA-256: what every event's hash covers. */
  get source(): string {
    return this.recorded().target.sha256;
  }

  /** The hash chain's head now. */
  head(): string {
    return this.recorded().appender.head();
  }

  /** `event`, with its chain link as its producer computed it: taken where it follows the head, else recomputed. */
  linkedEvent(boot: string, e: DecodedEvent, uncertaintyNs: bigint, link: ChainLink): void {
    this.append(boot, e, uncertaintyNs, link);
  }

  /** What `finish` will do for each boot this import appended to, were it called now. */
  plans(): Map<string, ProjectionPlan['kind']> {
    return new Map([...this.appendedTo()].map(([boot, { plan }]) => [boot, plan.kind]));
  }

  /** Brings the projections of every boot this import appended to up to date, records what it did, and commits. */
  finish(input: InputSummary): ImportSummary {
    const p = this.recorded();
    for (const [boot, { era, plan, added }] of this.appendedTo()) carryOut(this.store, boot, era, plan, added);
    const summary: ImportSummary = { ...input, events: p.appender.events, duplicates: p.appender.duplicates, merges: p.merges };
    this.store.raw.prepare('UPDATE sources SET format = ?, lines = ?, events = ? WHERE id = ?').run(summary.format, summary.lines, summary.events, p.sourceId);
    this.store.raw.exec('COMMIT');
    this.phase = { kind: 'ended' };
    return summary;
  }

  /** Ends the import with nothing of it stored; a session already ended stays so. */
  abort(): void {
    if (this.phase.kind === 'ended') return;
    this.phase = { kind: 'ended' };
    if (this.store.raw.inTransaction) this.store.raw.exec('ROLLBACK');
  }

  /** Each boot this import appended to, with its era now and its projections' plan. */
  private *appendedTo(): Generator<[string, { era: Era | null; plan: ProjectionPlan; added: Appended }]> {
    for (const [boot, t] of this.recorded().boots) {
      if (t.added === null) continue;
      const era = eraOf(this.store, boot);
      yield [boot, { era, plan: planProjection(t.projecting, era), added: t.added }];
    }
  }

  private append(boot: string, e: DecodedEvent, uncertaintyNs: bigint, link: ChainLink | undefined, origin?: Origin): AppendResult {
    const p = this.recorded();
    const t = this.touch(p, boot);
    // The boot may hold this fact, seen at another instant, where it was stored before this import or this event
    // comes before what the import appended to it (a later capture of the run, a block replaying the past).
    // So may an uncertain sighting, and what comes within its reach after it (an export holds both sightings).
    const lookNear = t.projecting.kind === 'stored' || (t.added !== null && e.timeNs < t.added.maxNs) || uncertaintyNs > 0n || e.timeNs <= t.uncertainUntilNs;
    if (uncertaintyNs > 0n) {
      const until = e.timeNs + (uncertaintyNs < REACH_NS ? uncertaintyNs : REACH_NS);
      if (until > t.uncertainUntilNs) t.uncertainUntilNs = until;
    }
    const r = p.appender.append(boot, e, uncertaintyNs, lookNear, link, origin);
    const fact = r.kind === 'held' ? r.fact : r.seq;
    if (fact !== null) p.appender.supersedeSighted(boot, e, fact);
    // Only the kernel clock's facts are projected: another clock's instants are not placed on it.
    if (r.kind === 'held' || (e.clock !== undefined && e.clock !== KERNEL_CLOCK)) return r;
    if (t.projecting.kind === 'live' && (r.kind === 'superseding' || !t.projecting.live.push(r.seq, e.timeNs, e.event))) t.projecting = { kind: 'void' };
    const seq = r.seq;
    const cpu = subjectCpu(e.event);
    // The projections are recomputed from the earliest instant this import changed: a superseded fact's too.
    const minNs = r.kind === 'superseding' && r.superseded.timeNs < e.timeNs ? r.superseded.timeNs : e.timeNs;
    const a = t.added;
    if (a === null) t.added = { count: 1, minNs, maxNs: e.timeNs, maxSeq: seq, cpus: new Set(cpu === null ? [] : [cpu]) };
    else {
      a.count++;
      if (minNs < a.minNs) a.minNs = minNs;
      if (e.timeNs > a.maxNs) a.maxNs = e.timeNs;
      if (seq > a.maxSeq) a.maxSeq = seq;
      if (cpu !== null) a.cpus.add(cpu);
    }
    return r;
  }

  /** A boot this import touches: one it created, or a stored one, whose era before the import is noted at first. */
  private touch(p: Extract<Phase, { kind: 'recorded' }>, boot: string): Touched {
    let t = p.boots.get(boot);
    if (t === undefined) p.boots.set(boot, (t = { projecting: { kind: 'stored', eraBefore: eraOf(this.store, boot) }, uncertainUntilNs: -1n, added: null }));
    return t;
  }

  private open(): void {
    if (this.phase.kind === 'ended') throw new Error('a question to an import session that has ended');
  }

  private recorded(): Extract<Phase, { kind: 'recorded' }> {
    if (this.phase.kind !== 'recorded') throw new Error(`the input is ${this.phase.kind === 'locked' ? 'not yet recorded' : 'already ended'}`);
    return this.phase;
  }
}
