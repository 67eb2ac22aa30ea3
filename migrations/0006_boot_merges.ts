import { type Kysely, sql } from 'kysely';

/**
 * A boot made from an input that named none (a trace file alone: no banner, no boot id) is provisional: once
 * another capture shows which boot it was, its events move there (as new sightings, the old ones superseded) and
 * it is merged into that boot.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE boots ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0`.execute(db);
  await sql`ALTER TABLE boots ADD COLUMN merged_into TEXT REFERENCES boots(id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE boots DROP COLUMN merged_into`.execute(db);
  await sql`ALTER TABLE boots DROP COLUMN provisional`.execute(db);
}
