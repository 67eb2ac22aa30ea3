import { type Kysely, sql } from 'kysely';

/**
 * Boots recognized across inputs: anchors (lines by which two captures of one boot know each other), the
 * wall-clock time of each boot's kernel time 0, and one copy of each fact per boot however many captures
 * of the run report it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('anchors')
    .addColumn('boot_id', 'text', (c) => c.notNull().references('boots.id'))
    .addColumn('time_ns', 'integer', (c) => c.notNull())
    .addColumn('key', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('anchors_key').on('anchors').columns(['key', 'time_ns']).execute();
  await db.schema.alterTable('boots').addColumn('boot_wall_ns', 'integer').execute();
  // The same fact at the same nanosecond in the same boot is one event, whichever capture reported it.
  await sql`CREATE UNIQUE INDEX events_identity ON events (boot_id, time_ns, type, fields)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX events_identity`.execute(db);
  await db.schema.alterTable('boots').dropColumn('boot_wall_ns').execute();
  await db.schema.dropTable('anchors').execute();
}
