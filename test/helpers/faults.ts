/** What the fault tests compare: a store's whole content, and the events one input gives on its own. */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

/** A digest of every row of every kvmlog table, in rowid order: equal digests, equal stores. */
export function storeDigest(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    const h = createHash('sha256');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    for (const t of tables) {
      h.update(`\n#${t}\n`);
      for (const row of db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).raw(true).safeIntegers(true).iterate()) {
        h.update(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
      }
    }
    return h.digest('hex');
  } finally {
    db.close();
  }
}

export function eventCount(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM events').pluck().get() as number;
  } finally {
    db.close();
  }
}
