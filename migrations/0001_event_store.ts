import { type Kysely, sql } from 'kysely';

/** The event store: imported sources, boots, and the append-only event log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sources')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('sha256', 'text', (c) => c.notNull().unique())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('lines', 'integer', (c) => c.notNull())
    .addColumn('events', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('boots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('kernel', 'text')
    .addColumn('era', 'text')
    .addColumn('cmdline', 'text')
    .addColumn('previous', 'text', (c) => c.references('boots.id'))
    .addColumn('source_id', 'integer', (c) => c.notNull().references('sources.id'))
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('boot_id', 'text', (c) => c.notNull().references('boots.id'))
    // Exact nanoseconds since boot; SQLite integers are 64-bit, read back as bigint.
    .addColumn('time_ns', 'integer', (c) => c.notNull())
    .addColumn('cpu', 'integer')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('source_id', 'integer', (c) => c.notNull().references('sources.id'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .execute();

  // State at an instant and time-range reads walk one boot in (time, seq) order.
  await db.schema.createIndex('events_boot_time').on('events').columns(['boot_id', 'time_ns', 'seq']).execute();
  await db.schema.createIndex('events_boot_cpu_time').on('events').columns(['boot_id', 'cpu', 'time_ns']).execute();
  await db.schema.createIndex('events_boot_type_time').on('events').columns(['boot_id', 'type', 'time_ns']).execute();

  // An audit log: events are never changed or removed once appended.
  await sql`CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'kvmlog events are append-only'); END`.execute(db);
  await sql`CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'kvmlog events are append-only'); END`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('events').execute();
  await db.schema.dropTable('boots').execute();
  await db.schema.dropTable('sources').execute();
}
