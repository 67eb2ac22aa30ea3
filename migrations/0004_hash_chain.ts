import { type Kysely, sql } from 'kysely';
import type { EventType, LifecycleEvent } from '../src/model/event.js';
import { GENESIS, chainHash } from '../src/model/chain.js';

/**
 * Tamper evidence: each event's hash covers its content and the previous event's hash (src/store/chain.ts).
 * Events stored before this migration are chained here, in the order they were appended.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE events ADD COLUMN hash TEXT`.execute(db);
  // The append-only trigger guards events against everyone but this one-time fill.
  await sql`DROP TRIGGER events_append_only_update`.execute(db);
  let prev = GENESIS;
  // A page at a time, so that a store of any size is chained in bounded memory.
  for (let after = 0; ; ) {
    const { rows } = await sql<{ seq: number; boot_id: string; time_ns: string; type: string; fields: string; sha256: string; line: number; raw: string }>`
      SELECT e.seq, e.boot_id, CAST(e.time_ns AS TEXT) AS time_ns, e.type, e.fields, s.sha256, e.line, e.raw
      FROM events e JOIN sources s ON s.id = e.source_id WHERE e.seq > ${after} ORDER BY e.seq LIMIT 10000`.execute(db);
    if (rows.length === 0) break;
    for (const r of rows) {
      const event = { type: r.type as EventType, ...(JSON.parse(r.fields) as object) } as LifecycleEvent;
      prev = chainHash(prev, { boot: r.boot_id, timeNs: BigInt(r.time_ns), event, source: r.sha256, line: r.line, raw: r.raw });
      await sql`UPDATE events SET hash = ${prev} WHERE seq = ${r.seq}`.execute(db);
    }
    after = rows[rows.length - 1]!.seq;
  }
  await sql`CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'kvmlog events are append-only'); END`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER events_append_only_update`.execute(db);
  await sql`ALTER TABLE events DROP COLUMN hash`.execute(db);
  await sql`CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'kvmlog events are append-only'); END`.execute(db);
}
