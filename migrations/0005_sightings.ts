import { type Kysely, sql } from 'kysely';

/**
 * Each event is a sighting on a named clock, with how far the fact's instant may be from its stamp; a later, more
 * precise sighting of a stored fact supersedes it (derived, rebuilt from the events); a block of records on another
 * clock aligned to the boot's kernel time says by how much, and from what.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE events ADD COLUMN clock TEXT NOT NULL DEFAULT 'kernel'`.execute(db);
  await sql`ALTER TABLE events ADD COLUMN uncertainty_ns INTEGER NOT NULL DEFAULT 0`.execute(db);
  // The same fact at the same instant of the same clock in the same boot is one event, whichever capture saw it.
  await sql`DROP INDEX events_identity`.execute(db);
  await sql`CREATE UNIQUE INDEX events_identity ON events (boot_id, clock, time_ns, type, fields)`.execute(db);
  await db.schema
    .createTable('superseded')
    .addColumn('seq', 'integer', (c) => c.primaryKey().references('events.seq'))
    .addColumn('by_seq', 'integer', (c) => c.notNull().references('events.seq'))
    .execute();
  await db.schema
    .createTable('clock_alignments')
    .addColumn('boot_id', 'text', (c) => c.notNull().references('boots.id'))
    .addColumn('clock', 'text', (c) => c.notNull())
    .addColumn('source_id', 'integer', (c) => c.notNull().references('sources.id'))
    .addColumn('offset_ns', 'integer')
    .addColumn('evidence', 'integer', (c) => c.notNull())
    .addColumn('spread_ns', 'integer')
    .addColumn('first_line', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('clock_alignments').execute();
  await db.schema.dropTable('superseded').execute();
  await sql`DROP INDEX events_identity`.execute(db);
  await sql`CREATE UNIQUE INDEX events_identity ON events (boot_id, time_ns, type, fields)`.execute(db);
  await sql`ALTER TABLE events DROP COLUMN uncertainty_ns`.execute(db);
  await sql`ALTER TABLE events DROP COLUMN clock`.execute(db);
}
