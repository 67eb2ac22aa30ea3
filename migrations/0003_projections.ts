import type { Kysely } from 'kysely';

/**
 * Projections, derived from the events and rebuilt whenever they may be stale: the state every K events
 * (checkpoints), so that state at any instant is the nearest checkpoint plus the events after it; and per-CPU
 * spans (online, post-VMXON, TDX LP-initialized) as intervals, so that "which CPUs were post-VMXON between
 * t1 and t2" is one indexed query. `version` is the reducer's projection version.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('checkpoints')
    .addColumn('boot_id', 'text', (c) => c.notNull().references('boots.id'))
    .addColumn('time_ns', 'integer', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('checkpoints_pk', ['boot_id', 'time_ns', 'seq'])
    .execute();
  await db.schema
    .createTable('spans')
    .addColumn('boot_id', 'text', (c) => c.notNull().references('boots.id'))
    .addColumn('cpu', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_ns', 'integer', (c) => c.notNull())
    .addColumn('to_ns', 'integer')
    .addColumn('from_seq', 'integer', (c) => c.notNull())
    .addColumn('to_seq', 'integer')
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('spans_boot_kind_time').on('spans').columns(['boot_id', 'kind', 'from_ns', 'to_ns']).execute();
  // What else the fold learns of a boot: the CPUs its events mention, its first and last times, its size.
  await db.schema
    .createTable('projected_boots')
    .addColumn('boot_id', 'text', (c) => c.primaryKey().references('boots.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('cpus', 'text', (c) => c.notNull())
    .addColumn('first_ns', 'integer')
    .addColumn('last_ns', 'integer')
    .addColumn('events', 'integer', (c) => c.notNull())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('projected_boots').execute();
  await db.schema.dropTable('spans').execute();
  await db.schema.dropTable('checkpoints').execute();
}
