import { Command, Flags } from '@oclif/core';
import { KvmlogError } from '../errors.js';
import type { OpenMode, Store } from '../store/db.js';

/** SQLite failures that are the user's situation, not a bug: one line each. */
const SQLITE_MESSAGES: Readonly<Record<string, string>> = {
  SQLITE_BUSY: 'busy: another kvmlog is still writing to it (an import); try again when it has finished',
  SQLITE_READONLY: 'cannot write to it (read-only file or directory)',
  SQLITE_CORRUPT: 'the database file is corrupt',
  SQLITE_NOTADB: 'not a kvmlog database',
  SQLITE_FULL: 'the disk is full; nothing was imported',
};

/**
 * What every kvmlog command shares: where the store is, JSON output, and turning a KvmlogError into
 * one clean line on stderr (no stack) at the command boundary.
 */
export abstract class KvmlogCommand extends Command {
  static override baseFlags = {
    db: Flags.string({
      description: 'the kvmlog database file (an import creates it; reading commands open it read-only)',
      env: 'KVMLOG_DB',
      default: './kvmlog.db',
      helpGroup: 'GLOBAL',
    }),
    json: Flags.boolean({ description: 'print machine-readable JSON (the contract scripts read)', helpGroup: 'GLOBAL' }),
  };

  /** The database this command opened, for error messages. */
  private dbPath: string | undefined;

  /**
   * Runs `fn` on the store. `read` opens it read-only, in one read transaction: everything `fn` reads is one
   * snapshot, whatever an import running meanwhile appends. `write` creates and migrates it on first use.
   */
  protected async withStore<T>(path: string, mode: OpenMode, fn: (store: Store) => Promise<T> | T): Promise<T> {
    this.dbPath = path;
    // Loaded here so that --help never pays for SQLite and kysely.
    const { inSnapshot, openStore } = await import('../store/db.js');
    const store = await openStore(path, mode);
    try {
      return mode === 'write' ? await fn(store) : await inSnapshot(store, () => fn(store));
    } finally {
      await store.close();
    }
  }

  /** Data goes to stdout. */
  protected out(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Progress and notes go to stderr. */
  protected note(text: string): void {
    process.stderr.write(`${text}\n`);
  }

  protected override async catch(err: Error & { exitCode?: number; code?: unknown }): Promise<unknown> {
    const sqlite = SQLITE_MESSAGES[String(err.code)];
    if (sqlite !== undefined) err = new KvmlogError('database', `${this.dbPath ?? 'the database'}: ${sqlite}`);
    if (err instanceof KvmlogError) {
      // One unwrapped line, so that file:line stays greppable; oclif's own error box wraps at 80 columns.
      process.stderr.write(`kvmlog: ${err.message}\n`);
      this.exit(2);
    }
    return super.catch(err);
  }
}
