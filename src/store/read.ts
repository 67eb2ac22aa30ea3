/**
 * Reads. Queries are built with kysely and run on the raw connection with `safeIntegers`, so that
 * nanosecond times come back as exact bigints rather than doubles.
 */
import type { Compilable } from 'kysely';
import { sql } from 'kysely';
import { KvmlogError } from '../errors.js';
import type { Boot } from '../model/boot.js';
import type { Era } from '../model/era.js';
import type { BootKind, EventRecord, EventType, LifecycleEvent } from '../model/event.js';
import { GENESIS } from '../model/chain.js';
import { KERNEL_CLOCK } from '../model/sightings.js';
import type { Store } from './db.js';
import { prepared } from './statements.js';

type Row = Record<string, unknown>;

export function* iterate(store: Store, query: Compilable): Generator<Row> {
  const c = query.compile();
  const stmt = store.raw.prepare(c.sql).safeIntegers(true);
  yield* stmt.iterate(...(c.parameters as unknown[])) as IterableIterator<Row>;
}

const num = (v: unknown): number => Number(v as bigint);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v as bigint));


export function listBoots(store: Store): Boot[] {
  // Boot statistics come from the projection (kept by every import): no scan of the events.
  const q = store.db
    .selectFrom('boots as b')
    .leftJoin('projected_boots as p', 'p.boot_id', 'b.id')
    .select(['b.id', 'b.host', 'b.kind', 'b.kernel', 'b.era', 'b.cmdline', 'b.previous', 'b.boot_wall_ns', 'p.first_ns', 'p.last_ns', 'p.events', 'p.last_seq'])
    // A boot merged into the one it turned out to be is that boot.
    .where('b.merged_into', 'is', null)
    // In the order the boots were first stored.
    .orderBy(sql`b.rowid`);
  return [...iterate(store, q)].map((r) => ({
    id: r['id'] as string,
    host: r['host'] as string,
    kind: r['kind'] as BootKind,
    kernel: (r['kernel'] as string | null) ?? null,
    era: (r['era'] as Era | null) ?? null,
    cmdline: (r['cmdline'] as string | null) ?? null,
    previous: (r['previous'] as string | null) ?? null,
    firstNs: (r['first_ns'] as bigint | null) ?? null,
    lastNs: (r['last_ns'] as bigint | null) ?? null,
    events: num(r['events'] ?? 0n),
    bootWallNs: (r['boot_wall_ns'] as bigint | null) ?? null,
    lastSeq: num(r['last_seq'] ?? 0n),
  }));
}

export interface ResolvedBoot {
  readonly boot: Boot;
  /** Said on stderr when kvmlog chose the boot for the user. */
  readonly note: string | null;
}

/** `--boot`: an id, a unique prefix, or nothing when there is one boot (with several, the latest). */
export function resolveBoot(store: Store, ref: string | undefined): ResolvedBoot {
  const boots = listBoots(store);
  if (boots.length === 0) throw new KvmlogError('not-found', `${store.path}: no boots yet; import a trace first (kvmlog import FILE)`);
  if (ref === undefined) {
    if (boots.length === 1) return { boot: boots[0]!, note: null };
    const latest = boots.reduce((a, b) => (b.lastSeq > a.lastSeq ? b : a));
    return { boot: latest, note: `${boots.length} boots in the store; using the latest, ${latest.id} (choose one with --boot)` };
  }
  const matches = boots.filter((b) => b.id.startsWith(ref));
  if (matches.length === 1) return { boot: matches[0]!, note: null };
  if (matches.length === 0) throw new KvmlogError('not-found', `no boot ${ref} in ${store.path} (kvmlog boots lists them)`);
  throw new KvmlogError('ambiguous', `boot prefix ${ref} matches ${matches.map((b) => b.id).join(', ')}`);
}

export interface EventFilter {
  readonly boot: string;
  readonly fromNs?: bigint | undefined;
  /** Inclusive: an event at exactly this nanosecond is included. */
  readonly toNs?: bigint | undefined;
  readonly cpu?: number | undefined;
  readonly types?: readonly EventType[] | undefined;
  readonly limit?: number | undefined;
  /** Each event's place in the hash chain too (a lookup of the event before it, per event). */
  readonly withChain?: boolean | undefined;
  /** Only events after this one in (time, seq) order: what a checkpoint does not already hold. */
  readonly after?: { readonly timeNs: bigint; readonly seq: number } | undefined;
  /**
   * `facts` (the default): the boot's facts on its kernel clock — what state, spans and rules see. `every clock`:
   * its facts on other clocks too (a block no evidence aligned). `sightings`: every stored row, superseded ones too
   * (an export of the log).
   */
  readonly scope?: 'facts' | 'every clock' | 'sightings' | undefined;
}

/** A boot's events in the order the kernel made them: by time, ties in input order. */
export function* readEvents(store: Store, f: EventFilter): Generator<EventRecord> {
  let q = store.db
    .selectFrom('events as e')
    .innerJoin('sources as s', 's.id', 'e.source_id')
    .select(['e.seq', 'e.boot_id', 'e.time_ns', 'e.clock', 'e.uncertainty_ns', 'e.type', 'e.fields', 'e.source_id', 's.path', 's.sha256', 'e.line', 'e.raw'])
    .where('e.boot_id', '=', f.boot);
  const scope = f.scope ?? 'facts';
  if (scope === 'facts') q = q.where('e.clock', '=', KERNEL_CLOCK);
  if (scope !== 'sightings') q = q.where(({ not, exists, selectFrom }) => not(exists(selectFrom('superseded as x').select('x.seq').whereRef('x.seq', '=', 'e.seq'))));
  if (f.withChain) {
    q = q.select(['e.hash', sql<string | null>`(SELECT p.hash FROM events p WHERE p.seq < e.seq ORDER BY p.seq DESC LIMIT 1)`.as('prev')]) as unknown as typeof q;
  }
  if (f.fromNs !== undefined) q = q.where('e.time_ns', '>=', f.fromNs);
  if (f.toNs !== undefined) q = q.where('e.time_ns', '<=', f.toNs);
  if (f.cpu !== undefined) q = q.where('e.cpu', '=', f.cpu);
  const after = f.after;
  if (after !== undefined) {
    // The plain lower bound lets the (boot, time, seq) index seek instead of scanning from the boot's start.
    q = q
      .where('e.time_ns', '>=', after.timeNs)
      .where((eb) => eb.or([eb('e.time_ns', '>', after.timeNs), eb('e.seq', '>', after.seq)]));
  }
  if (f.types !== undefined && f.types.length > 0) q = q.where('e.type', 'in', [...f.types]);
  q = q.orderBy('e.time_ns').orderBy('e.seq');
  if (f.limit !== undefined) q = q.limit(f.limit);
  for (const r of iterate(store, q)) {
    const event = { type: r['type'] as EventType, ...(JSON.parse(r['fields'] as string) as object) } as LifecycleEvent;
    yield {
      seq: num(r['seq']),
      boot: r['boot_id'] as string,
      timeNs: r['time_ns'] as bigint,
      clock: r['clock'] as string,
      uncertaintyNs: r['uncertainty_ns'] as bigint,
      event,
      provenance: { sourceId: num(r['source_id']), sourceSha256: r['sha256'] as string, path: r['path'] as string, line: num(r['line']), raw: r['raw'] as string },
      ...(f.withChain ? { chain: { prev: (r['prev'] as string | null) ?? GENESIS, hash: r['hash'] as string | null } } : {}),
    };
  }
}

/** An event as the fold needs it: time, order and meaning, not where it came from. */
export type FoldEvent = Pick<EventRecord, 'seq' | 'timeNs' | 'event'>;

const FOLD_SQL = `SELECT seq, time_ns, type, fields FROM events e
  WHERE boot_id = ? AND time_ns >= ? AND (time_ns > ? OR seq > ?) AND time_ns <= ? AND clock = '${KERNEL_CLOCK}'
    AND NOT EXISTS (SELECT 1 FROM superseded s WHERE s.seq = e.seq)
  ORDER BY time_ns, seq LIMIT ?`;
const MIN_NS = -(2n ** 63n);
const MAX_NS = 2n ** 63n - 1n;

/**
 * A boot's events after a point in (time, seq) order, up to an instant: the hot read of `state --at` and of
 * projection rebuilds, so it reads only what the fold needs through one statement compiled per connection.
 */
export function* foldEvents(
  store: Store,
  boot: string,
  opts: { readonly after?: { readonly timeNs: bigint; readonly seq: number } | undefined; readonly toNs?: bigint | undefined; readonly limit?: number | undefined },
): Generator<FoldEvent> {
  const stmt = prepared(store, FOLD_SQL, 'arrays');
  const afterNs = opts.after?.timeNs ?? MIN_NS;
  const rows = stmt.iterate(boot, afterNs, afterNs, opts.after?.seq ?? -1, opts.toNs ?? MAX_NS, opts.limit ?? -1) as IterableIterator<[bigint, bigint, EventType, string]>;
  for (const [seq, timeNs, type, fields] of rows) {
    yield { seq: Number(seq), timeNs, event: { type, ...(JSON.parse(fields) as object) } as LifecycleEvent };
  }
}

/** Every CPU a boot's events mention, so that state can list the ones not yet observed as unknown. */
export function bootCpus(store: Store, boot: string): number[] {
  // The projection keeps the list; without one (a database from before projections), ask the events.
  const projected = prepared(store, 'SELECT cpus FROM projected_boots WHERE boot_id = ?').get(boot) as { cpus: string } | undefined;
  if (projected !== undefined) return JSON.parse(projected.cpus) as number[];
  const q = store.db
    .selectFrom('events')
    .select('cpu')
    .distinct()
    .where('boot_id', '=', boot)
    .where('clock', '=', KERNEL_CLOCK)
    .where('cpu', 'is not', null)
    .orderBy('cpu');
  return [...iterate(store, q)].map((r) => numOrNull(r['cpu'])!).filter((c) => c !== null);
}

export function sourceByHash(store: Store, sha256: string): { id: number; path: string; importedAt: string } | null {
  const q = store.db.selectFrom('sources').select(['id', 'path', 'imported_at']).where('sha256', '=', sha256);
  for (const r of iterate(store, q)) return { id: num(r['id']), path: r['path'] as string, importedAt: r['imported_at'] as string };
  return null;
}

/** The boot an event belongs to, by its sequence number; null when the store holds no such event. */
export function bootOfEvent(store: Store, seq: number): string | null {
  const row = prepared(store, 'SELECT boot_id FROM events WHERE seq = ?').get(seq) as { boot_id: string } | undefined;
  return row?.boot_id ?? null;
}

/** Whether the store holds a boot of exactly this id. */
export function hasBoot(store: Store, id: string): boolean {
  return prepared(store, 'SELECT 1 FROM boots WHERE id = ?').get(id) !== undefined;
}
