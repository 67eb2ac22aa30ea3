import type { Statement } from 'better-sqlite3';
import type { Store } from './db.js';

const cache = new WeakMap<Store['raw'], Map<string, Statement>>();

/**
 * A statement compiled once per connection, reading integers as bigint: for the reads made at every instant
 * asked for (`state --at`), where building and compiling the query again costs more than running it.
 */
export function prepared(store: Store, sql: string, rows: 'objects' | 'arrays' = 'objects'): Statement {
  let byText = cache.get(store.raw);
  if (byText === undefined) cache.set(store.raw, (byText = new Map()));
  const key = `${rows}:${sql}`;
  let stmt = byText.get(key);
  if (stmt === undefined) {
    stmt = store.raw.prepare(sql).safeIntegers(true);
    if (rows === 'arrays') stmt.raw(true);
    byText.set(key, stmt);
  }
  return stmt;
}
