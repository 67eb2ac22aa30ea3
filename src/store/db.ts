import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration } from 'kysely';
import * as m0001 from '../../migrations/0001_event_store.js';
import * as m0002 from '../../migrations/0002_boot_identity.js';
import * as m0003 from '../../migrations/0003_projections.js';
import * as m0004 from '../../migrations/0004_hash_chain.js';
import * as m0005 from '../../migrations/0005_sightings.js';
import * as m0006 from '../../migrations/0006_boot_merges.js';
import { KvmlogError } from '../errors.js';
import type { DB } from './schema.js';

// better-sqlite3 is CommonJS: required, it is not first lexed for its exports as an import would be, and handed
// its addon's path it skips the `bindings` package's search, both in every command's start-up.
const require = createRequire(import.meta.url);
const Database: typeof BetterSqlite3 = require('better-sqlite3');
/** Undefined where the addon was built elsewhere: better-sqlite3 then looks for it itself. */
const ADDON = ((): string | undefined => {
  try {
    return require.resolve('better-sqlite3/build/Release/better_sqlite3.node');
  } catch {
    return undefined;
  }
})();
const connect = (file: string | Buffer, options: BetterSqlite3.Options = {}): BetterSqlite3.Database =>
  new Database(file, ADDON === undefined ? options : { ...options, nativeBinding: ADDON });

/** Migrations, in order. Names are zero-padded: kysely refuses one that sorts before an executed one. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_event_store': m0001,
  '0002_boot_identity': m0002,
  '0003_projections': m0003,
  '0004_hash_chain': m0004,
  '0005_sightings': m0005,
  '0006_boot_merges': m0006,
};

export interface Store {
  readonly db: Kysely<DB>;
  /** The connection itself, for the append hot path and exact-integer reads. */
  readonly raw: BetterSqlite3.Database;
  readonly path: string;
  close(): Promise<void>;
}

/**
 * `write`: the store is created on first use and migrated (import, rebuild). `read`: the store must exist and
 * is opened read-only, so that reading never changes it and works on a file the user may not write; a store of
 * an older schema is first migrated by a short write-mode open, if the user may write it.
 */
export type OpenMode = 'read' | 'write';

export async function openStore(path: string, mode: OpenMode = 'write'): Promise<Store> {
  if (mode === 'read') {
    const store = await openRead(path);
    const executed = await readExecuted(store).catch(async (e: unknown) => {
      await store.close();
      throw e;
    });
    if (upToDate(store, executed)) return store;
    await store.close();
    if (executed.length === 0) throw new KvmlogError('not-found', `${path}: an empty database; import a trace into it first (kvmlog import --db ${path} FILE)`);
    try {
      await (await openStore(path, 'write')).close();
    } catch (e) {
      const why = e instanceof KvmlogError ? e.message : String(e);
      throw new KvmlogError('database', `${path}: written by an older kvmlog and cannot be upgraded here (${why})`);
    }
    return openRead(path);
  }
  if (!existsSync(path)) await createStore(path);
  return openWrite(path);
}

async function openWrite(path: string): Promise<Store> {
  let raw: BetterSqlite3.Database;
  try {
    raw = connect(path);
    // An import holds the write lock for its whole input; a second writer waits for it rather than fail.
    // First, so that even switching a new file to WAL waits for another process doing the same.
    raw.pragma('busy_timeout = 300000');
  } catch (e) {
    throw openError(path, e);
  }
  const store = wrap(raw, path);
  try {
    // Whose file it is comes first: someone else's database is refused before anything (even WAL) is set.
    const current = upToDate(store, await readExecuted(store));
    raw.pragma('journal_mode = WAL');
    raw.pragma('foreign_keys = ON');
    // SQLite's own default page cache (better-sqlite3 builds with 16 MB): an import dirties pages once, in order,
    // and a larger cache only gathers more of them to write at the commit (docs/performance.md).
    raw.pragma('cache_size = -2000');
    if (!current) await migrate(store);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

/**
 * A new store is made whole under a name of its own and linked into place, so that a reader never meets a file
 * that is still being set up (a read-only open of a fresh file while its first write switches it to WAL fails
 * with "attempt to write a readonly database"): there is either no store yet, or a migrated one. Two processes
 * creating it at once each make one; the first link wins and the other uses it.
 */
async function createStore(path: string): Promise<void> {
  removeAbandoned(path);
  const tmp = `${path}${CREATING}${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await (await openWrite(tmp)).close();
    try {
      linkSync(tmp, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  } catch (e) {
    if (e instanceof KvmlogError) throw new KvmlogError(e.code, e.message.replace(tmp, path));
    throw openError(path, e);
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${tmp}${suffix}`, { force: true });
  }
}

const CREATING = '.creating-';

/** What a creation killed before its end (SIGKILL) left beside the store: files of processes no longer running. */
function removeAbandoned(path: string): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}${CREATING}`;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  for (const n of names) {
    const pid = Number(/^(\d+)-/.exec(n.slice(prefix.length))?.[1]);
    if (Number.isInteger(pid) && !running(pid)) rmSync(join(dir, n), { force: true });
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function openRead(path: string): Promise<Store> {
  if (!existsSync(path)) throw new KvmlogError('not-found', `${path}: no such database; import a trace into it first (kvmlog import --db ${path} FILE)`);
  let raw: BetterSqlite3.Database;
  try {
    raw = connect(path, { readonly: true, fileMustExist: true });
    raw.pragma('busy_timeout = 300000');
    raw.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
  } catch (e) {
    const code = (e as { code?: string }).code;
    // A WAL store in a directory the user may not write, with no -shm beside it: SQLite cannot set up its shared
    // memory, but with no -wal there is nothing outside the main file either, so a copy of it in memory is exact.
    if (code !== 'SQLITE_READONLY_DIRECTORY' && code !== 'SQLITE_CANTOPEN') throw openError(path, e);
    try {
      const bytes = readFileSync(path);
      // Header bytes 18–19 say WAL (2); an in-memory copy has no WAL: legacy (1).
      if (bytes.length >= 100 && bytes[18] === 2 && bytes[19] === 2) bytes[18] = bytes[19] = 1;
      raw = connect(bytes, { readonly: true });
      raw.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
    } catch (e2) {
      throw openError(path, e2);
    }
  }
  return wrap(raw, path);
}

function wrap(raw: BetterSqlite3.Database, path: string): Store {
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) });
  return { db, raw, path, close: () => db.destroy() };
}

function openError(path: string, e: unknown): KvmlogError {
  const err = e as { code?: string; message?: string };
  if (err.code === 'SQLITE_NOTADB') return new KvmlogError('database', `${path}: not a kvmlog database (not an SQLite file)`);
  if (err.code === 'SQLITE_CORRUPT') return new KvmlogError('database', `${path}: the database file is corrupt`);
  return new KvmlogError('database', `${path}: cannot open the database: ${err.message ?? String(e)}`);
}

/** Runs the migrations a store lacks; up to date, the common case, never gets here (no lock, no migrator). */
async function migrate(store: Store): Promise<void> {
  // Under the write lock, so that processes opening a new store at once migrate it once between them; SQLite's
  // DDL is transactional (kysely leaves the transaction to us there), so a failed migration changes nothing.
  store.raw.exec('BEGIN IMMEDIATE');
  try {
    // Again under the lock: another process may have migrated it while this one waited.
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
  const tables = (store.raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
  if (!tables.includes('kysely_migration')) {
    // An empty file is a new store; a database of something else is left as it is.
    if (tables.length === 0) return [];
    throw new Error(`it holds other tables: ${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', …' : ''}`);
  }
  return (store.raw.prepare('SELECT name FROM kysely_migration').all() as { name: string }[]).map((r) => r.name);
}

/** Runs `fn` in one write transaction: all of it is stored, or none. */
export function inTransaction<T>(store: Store, fn: () => T): T {
  return store.raw.transaction(fn)();
}

/**
 * Runs `fn` in one read transaction: everything it reads is one snapshot, whatever an import running meanwhile
 * appends. The one way reads open their snapshot.
 */
export async function inSnapshot<T>(store: Store, fn: () => Promise<T> | T): Promise<T> {
  store.raw.exec('BEGIN');
  try {
    return await fn();
  } finally {
    if (store.raw.inTransaction) store.raw.exec('COMMIT');
  }
}
