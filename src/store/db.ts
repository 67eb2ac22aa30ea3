import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration } from 'kysely';
import * as m0001 from '../../migrations/0001_event_store.js';
import * as m0002 from '../../migrations/0002_boot_identity.js';
import * as m0003 from '../../migrations/0003_projections.js';
import { KvmlogError } from '../errors.js';
import type { DB } from './schema.js';

/** Migrations, in order. Names are zero-padded: kysely refuses one that sorts before an executed one. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_event_store': m0001,
  '0002_boot_identity': m0002,
  '0003_projections': m0003,
};

export interface Store {
  readonly db: Kysely<DB>;
  /** The connection itself, for the append hot path and exact-integer reads. */
  readonly raw: Database.Database;
  readonly path: string;
  close(): Promise<void>;
}

/** Opens the store at `path`, creating and migrating it on first use. */
export async function openStore(path: string): Promise<Store> {
  let raw: Database.Database;
  try {
    raw = new Database(path);
    // An import holds the write lock for its whole input; a second writer waits for it rather than fail.
    // First, so that even switching a new file to WAL waits for another process doing the same.
    raw.pragma('busy_timeout = 300000');
    raw.pragma('journal_mode = WAL');
    raw.pragma('foreign_keys = ON');
  } catch (e) {
    throw new KvmlogError('database', `${path}: cannot open the database: ${(e as Error).message}`);
  }
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) });
  const store: Store = { db, raw, path, close: () => db.destroy() };
  try {
    await migrate(store);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

async function migrate(store: Store): Promise<void> {
  // Up to date, the common case: no lock, no migrator (it costs start-up time on every command).
  if (upToDate(store, await readExecuted(store))) return;
  // Under the write lock, so that processes opening a new store at once migrate it once between them; SQLite's
  // DDL is transactional (kysely leaves the transaction to us there), so a failed migration changes nothing.
  store.raw.exec('BEGIN IMMEDIATE');
  try {
    if (!upToDate(store, await readExecuted(store))) {
      const { error } = await new Migrator({ db: store.db, provider: { getMigrations: async () => MIGRATIONS } }).migrateToLatest();
      if (error) throw new KvmlogError('database', `${store.path}: migration failed: ${(error as Error).message}`);
    }
    store.raw.exec('COMMIT');
  } catch (e) {
    if (store.raw.inTransaction) store.raw.exec('ROLLBACK');
    throw e;
  }
}

async function readExecuted(store: Store): Promise<string[]> {
  try {
    return await executedMigrations(store);
  } catch (e) {
    throw new KvmlogError('database', `${store.path}: not a kvmlog database (${(e as Error).message})`);
  }
}

/** True when every migration has run; a migration this kvmlog does not know means a newer kvmlog wrote the store. */
function upToDate(store: Store, executed: readonly string[]): boolean {
  const newer = executed.filter((n) => !(n in MIGRATIONS));
  if (newer.length > 0) {
    throw new KvmlogError('database', `${store.path}: written by a newer kvmlog (schema ${newer.join(', ')}); upgrade kvmlog`);
  }
  return Object.keys(MIGRATIONS).every((n) => executed.includes(n));
}

async function executedMigrations(store: Store): Promise<string[]> {
  const exists = store.raw
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'")
    .get();
  if (!exists) return [];
  return (store.raw.prepare('SELECT name FROM kysely_migration').all() as { name: string }[]).map((r) => r.name);
}
