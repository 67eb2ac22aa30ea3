/**
 * Appending one import: every event of an input, or none. The hot path uses prepared statements compiled
 * once; kysely builds every other query. Implements the importer's sink: which stored boot an input's lines
 * belong to, and one copy of each fact per boot.
 */
import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Anchor } from '../ingest/anchor.js';
import type { BootFacts, BootIdentity, ImportSink, ImportSummary, NewBoot } from '../ingest/importer.js';
import type { EventRow } from '../ingest/row.js';
import { type Era, eraOfKernel } from '../model/era.js';
import type { Store } from './db.js';
import { GENESIS, chainContentOf, hashLink } from '../model/chain.js';
import { type Appended, LiveProjection } from './projections.js';
import { sourceByHash } from './read.js';

export interface ImportTarget {
  readonly sha256: string;
  readonly path: string;
  readonly format: string;
  /** Host for boots whose input does not name one. */
  readonly host: string;
}

/** Only anchors past early boot count: before timekeeping settles, every boot of a kernel prints alike. */
const MATCH_FROM_NS = 1_000_000_000n;
/** How far apart the same line may be stamped in two captures (ring buffer vs printk, 6.1: ~1 ms). */
const MATCH_WITHIN_NS = 5_000_000n;
const MATCH_MIN = 3;
export type Begun = { readonly kind: 'begun'; readonly tx: ImportTransaction } | { readonly kind: 'already-imported'; readonly path: string; readonly importedAt: string };

/** Appends one input inside its write lock (`WriteLock.record`); `commit` or `rollback` ends it. */
export class ImportTransaction implements ImportSink {
  private readonly insertEvent: Statement;
  private readonly insertAnchor: Statement;
  private readonly findNear: Statement;
  private sourceId: number;
  private open = true;
  /** The hash of the last event appended: what the next one's hash covers. */
  private chainHead: string;
  /** Boots this import created. */
  private readonly created = new Set<string>();
  /**
   * The projection of each boot this import created, folded as its events are appended while they come in time
   * order (then append order is the store's order); null once they did not.
   */
  private readonly live = new Map<string, LiveProjection | null>();
  /** The era each boot this import created was likely to have, when created: what its live projection assumes. */
  private readonly createdEra = new Map<string, Era | null>();
  private events = 0;
  private duplicates = 0;
  /** The chain content of the boot appended to last: an input's events come a boot at a time. */
  private contentBoot: string | null = null;
  private content: ReturnType<typeof chainContentOf> | null = null;
  private readonly added = new Map<string, { count: number; minNs: bigint; maxNs: bigint; maxSeq: number; cpus: Set<number> }>();

  /** Under the write lock (`WriteLock.record`). */
  constructor(
    private readonly store: Store,
    private readonly target: ImportTarget,
  ) {
    const raw = store.raw;
    this.insertEvent = raw.prepare(
      'INSERT OR IGNORE INTO events (boot_id, time_ns, cpu, type, fields, source_id, line, raw, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    // Under the write lock: no other import can append between this read and our commit.
    this.chainHead = (raw.prepare('SELECT hash FROM events ORDER BY seq DESC LIMIT 1').pluck().get() as string | null | undefined) ?? GENESIS;
    this.insertAnchor = raw.prepare('INSERT INTO anchors (boot_id, time_ns, key) VALUES (?, ?, ?)');
    this.findNear = raw.prepare('SELECT 1 FROM events WHERE boot_id = ? AND time_ns BETWEEN ? AND ? AND type = ? AND fields = ? LIMIT 1');
    const info = raw
      .prepare('INSERT INTO sources (sha256, path, format, imported_at, lines, events) VALUES (?, ?, ?, ?, 0, 0)')
      .run(target.sha256, target.path, target.format, new Date().toISOString());
    this.sourceId = Number(info.lastInsertRowid);
  }

  findBoot(anchors: readonly Anchor[], identity: BootIdentity): string | null {
    return findStoredBoot(this.store, anchors, identity);
  }

  hasBoot(id: string): boolean {
    return hasStoredBoot(this.store, id);
  }

  createBoot(b: NewBoot): string {
    const id = b.id ?? bootId(this.target.sha256, b.index);
    this.created.add(id);
    this.createdEra.set(id, b.era);
    this.store.raw
      .prepare('INSERT INTO boots (id, host, kind, kernel, era, cmdline, previous, source_id) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)')
      .run(id, b.host ?? this.target.host, b.kind, b.kernel, b.kernel === null ? null : eraOfKernel(b.kernel), b.cmdline, this.sourceId);
    return id;
  }

  anchors(boot: string, anchors: readonly Anchor[]): void {
    for (const a of anchors) this.insertAnchor.run(boot, a.timeNs, a.key);
  }

  event(boot: string, r: EventRow, toleranceNs: bigint): void {
    if (toleranceNs > 0n && this.findNear.get(boot, r.timeNs - toleranceNs, r.timeNs + toleranceNs, r.type, r.fields) !== undefined) {
      this.duplicates++;
      return;
    }
    const cpu = r.cpu;
    // A link the parse thread computed is this very hash when it follows this head (model/chain.ts).
    const hash = r.link !== undefined && r.link.prev === this.chainHead ? r.link.hash : hashLink(this.chainHead, this.contentOf(boot)(r.timeNs, r.event, r.line, r.raw));
    const info = this.insertEvent.run(boot, r.timeNs, cpu, r.type, r.fields, this.sourceId, r.line, r.raw, hash);
    if (info.changes !== 1) {
      this.duplicates++;
      return;
    }
    this.events++;
    this.chainHead = hash;
    const a = this.added.get(boot);
    const seq = Number(info.lastInsertRowid);
    if (this.created.has(boot)) this.project(boot, seq, r.timeNs, r.event);
    if (a === undefined) this.added.set(boot, { count: 1, minNs: r.timeNs, maxNs: r.timeNs, maxSeq: seq, cpus: new Set(cpu === null ? [] : [cpu]) });
    else {
      a.count++;
      if (r.timeNs < a.minNs) a.minNs = r.timeNs;
      if (r.timeNs > a.maxNs) a.maxNs = r.timeNs;
      if (seq > a.maxSeq) a.maxSeq = seq;
      if (cpu !== null) a.cpus.add(cpu);
    }
  }

  endBoot(boot: string, f: BootFacts): void {
    // A kernel release is the authority on the era; the functions a trace shows only narrow it down.
    const eraFromKernel = f.kernel === null ? null : eraOfKernel(f.kernel);
    this.store.raw
      .prepare(
        `UPDATE boots SET kernel = coalesce(kernel, ?), cmdline = coalesce(cmdline, ?),
           era = coalesce(?, era, ?), kind = CASE WHEN ? = 'kdump' THEN 'kdump' ELSE kind END,
           previous = coalesce(previous, ?), boot_wall_ns = coalesce(boot_wall_ns, ?)
         WHERE id = ?`,
      )
      .run(f.kernel, f.cmdline, eraFromKernel, f.era, f.kind, f.previous === boot ? null : f.previous, f.bootWallNs, boot);
    // A host named by the input (journal _HOSTNAME, syslog host field) replaces the file-name fallback.
    if (f.host !== null) this.store.raw.prepare('UPDATE boots SET host = ? WHERE id = ? AND host = ?').run(f.host, boot, this.target.host);
    if (f.kind === 'kdump') this.linkKdump(boot);
  }

  private contentOf(boot: string): ReturnType<typeof chainContentOf> {
    if (this.content === null || boot !== this.contentBoot) [this.contentBoot, this.content] = [boot, chainContentOf(boot, this.target.sha256)];
    return this.content;
  }

  private project(boot: string, seq: number, timeNs: bigint, event: string): void {
    let live = this.live.get(boot);
    if (live === null) return;
    if (live === undefined) this.live.set(boot, (live = new LiveProjection(this.store, boot, this.createdEra.get(boot) ?? null)));
    if (!live.push(seq, timeNs, event)) this.live.set(boot, null);
  }

  /**
   * The live projection of a boot this import created: undefined for a boot it did not create, null where its
   * events did not come in time order (what it wrote is then to be rebuilt).
   */
  liveProjection(boot: string): LiveProjection | null | undefined {
    return this.created.has(boot) ? (this.live.get(boot) ?? null) : undefined;
  }

  /** The input's SHA-256 and the chain's head now: where a parse thread's links must start (ChainTip). */
  get source(): string {
    return this.target.sha256;
  }

  head(): string {
    return this.chainHead;
  }

  /** Events appended, and events the store already held, so far. */
  counts(): { readonly events: number; readonly duplicates: number } {
    return { events: this.events, duplicates: this.duplicates };
  }

  /** What this import appended, per boot: what the projections must take in. */
  appended(): ReadonlyMap<string, Appended> {
    return this.added;
  }

  commit(summary: ImportSummary): void {
    this.store.raw.prepare('UPDATE sources SET format = ?, lines = ?, events = ? WHERE id = ?').run(summary.format, summary.lines, summary.events, this.sourceId);
    this.store.raw.exec('COMMIT');
    this.open = false;
  }

  rollback(): void {
    if (!this.open) return;
    this.open = false;
    if (this.store.raw.inTransaction) this.store.raw.exec('ROLLBACK');
  }

  /**
   * A kdump kernel whose input did not show the crash (its own dmesg, imported alone) follows the one
   * stored boot that panicked and has no kdump boot yet, if there is exactly one.
   */
  private linkKdump(boot: string): void {
    const row = this.store.raw.prepare('SELECT previous, host FROM boots WHERE id = ?').get(boot) as { previous: string | null; host: string };
    if (row.previous !== null) return;
    const candidates = this.store.raw
      .prepare(
        `SELECT DISTINCT e.boot_id AS id FROM events e JOIN boots b ON b.id = e.boot_id
         WHERE e.type = 'panic' AND e.boot_id != ?
           AND NOT EXISTS (SELECT 1 FROM boots k WHERE k.previous = e.boot_id AND k.kind = 'kdump')`,
      )
      .all(boot) as { id: string }[];
    if (candidates.length === 1) this.store.raw.prepare('UPDATE boots SET previous = ? WHERE id = ?').run(candidates[0]!.id, boot);
  }
}

/**
 * The write lock of one import, taken before the input's hash is known: the store can already say which boots
 * it holds (a parse thread asks as soon as it has read a few lines), while the input is hashed. `record` then
 * names the input, or finds the store holds it already and lets the lock go.
 */
export class WriteLock {
  private released = false;

  private constructor(private readonly store: Store) {}

  static take(store: Store): WriteLock {
    store.raw.exec('BEGIN IMMEDIATE');
    return new WriteLock(store);
  }

  findBoot(anchors: readonly Anchor[], identity: BootIdentity): string | null {
    return findStoredBoot(this.store, anchors, identity);
  }

  hasBoot(id: string): boolean {
    return hasStoredBoot(this.store, id);
  }

  /**
   * Records the input, unless the store already holds it. The check runs under the lock: an import of the same
   * content that finished while this one waited makes this one a no-op, not a conflict.
   */
  record(target: ImportTarget): Begun {
    try {
      const prior = sourceByHash(this.store, target.sha256);
      if (prior !== null) {
        this.release();
        return { kind: 'already-imported', path: prior.path, importedAt: prior.importedAt };
      }
      return { kind: 'begun', tx: new ImportTransaction(this.store, target) };
    } catch (e) {
      this.release();
      throw e;
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.store.raw.inTransaction) this.store.raw.exec('ROLLBACK');
  }
}

/** The stored boot these anchors show this input's boot to be, if the store holds exactly one such. */
function findStoredBoot(store: Store, anchors: readonly Anchor[], identity: BootIdentity): string | null {
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

function hasStoredBoot(store: Store, id: string): boolean {
  return store.raw.prepare('SELECT 1 FROM boots WHERE id = ?').get(id) !== undefined;
}

/** Different kernels, or the same kernel booted with a different command line, are different boots. */
function compatible(store: Store, boot: string, id: BootIdentity): boolean {
  const row = store.raw.prepare('SELECT kernel, cmdline FROM boots WHERE id = ?').get(boot) as { kernel: string | null; cmdline: string | null };
  const differs = (a: string | null, b: string | null) => a !== null && b !== null && a !== b;
  return !differs(row.kernel, id.kernel) && !differs(row.cmdline, id.cmdline);
}

/** A boot's id, derived from the input's content so that the same input names the same boots. */
export function bootId(sha256: string, index: number): string {
  return createHash('sha256').update(`${sha256}:${index}`).digest('hex').slice(0, 12);
}
