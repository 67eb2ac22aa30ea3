/**
 * A new store appears whole: a reader that finds a file at the store's path finds a migrated store, never one
 * still being set up (a read-only open of a fresh file while its first write switches it to WAL failed with
 * "attempt to write a readonly database": the soak's flake). Processes creating one store at once share it.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import type BetterSqlite3 from 'better-sqlite3';
import { openStore } from '../../src/store/db.js';

const Database: typeof BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3');
/** Every migration the repository ships: one file each in migrations/. */
const MIGRATIONS = readdirSync(fileURLToPath(new URL('../../migrations', import.meta.url))).filter((f) => /^\d{4}_.*\.ts$/.test(f)).length;
const dir = mkdtempSync(join(tmpdir(), 'kvmlog-create-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Run as a child: create the stores named on the command line, one after another.
if (process.argv[2] === 'create') {
  for (const p of process.argv.slice(3)) await (await openStore(p, 'write')).close();
  process.exit(0);
}

const creator = (paths: readonly string[]) =>
  fork(fileURLToPath(import.meta.url), ['create', ...paths], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });

/** What a read-only connection finds at the path: the migrations it holds, or the error it met. */
function look(path: string): number | string {
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'kysely_migration'").get() as { n: number };
    if (tables.n === 0) return 0;
    return (db.prepare('SELECT count(*) AS n FROM kysely_migration').get() as { n: number }).n;
  } catch (e) {
    return `${(e as { code?: string }).code}: ${(e as Error).message}`;
  } finally {
    db?.close();
  }
}

describe('creating a store', () => {
  it('a reader that finds the file finds every migration in it, however early it looks', async () => {
    const paths = Array.from({ length: 60 }, (_, i) => join(dir, `race-${i}.db`));
    const child = creator(paths);
    let exited = false;
    child.on('exit', () => (exited = true));
    const seen = new Map<string, number>();
    for (const p of paths) {
      // Spin until the file is there, then look at once, again and again while the next one is being made.
      while (!existsSync(p)) {
        if (exited && !existsSync(p)) assert.fail(`${p} was never created`);
        await new Promise((r) => setImmediate(r));
      }
      for (let i = 0; i < 20; i++) {
        const found = look(p);
        const key = typeof found === 'number' ? `${found} migrations` : found;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }
    await new Promise((r) => (exited ? r(null) : child.on('exit', r)));
    assert.deepEqual([...seen.keys()], [`${MIGRATIONS} migrations`]);
  });

  it('two processes creating the same store at once both open it, and it is migrated once', async () => {
    for (let round = 0; round < 5; round++) {
      const p = join(dir, `shared-${round}.db`);
      const children = [creator([p]), creator([p])];
      const codes = await Promise.all(children.map((c) => new Promise<number | null>((r) => c.on('exit', r))));
      assert.deepEqual(codes, [0, 0]);
      assert.equal(look(p), MIGRATIONS);
      assert.deepEqual(
        readdirSync(dir).filter((n) => n.startsWith(`shared-${round}.db.`)),
        [],
        'nothing left beside the store',
      );
    }
  });

  it('removes what a creation killed before its end left, but not what a running one is making', async () => {
    const p = join(dir, 'left.db');
    const dead = `${p}.creating-999999999-0badf00d`;
    const alive = `${p}.creating-${process.pid}-0badf00d`;
    writeFileSync(dead, 'half a store');
    writeFileSync(alive, 'a store being made');
    await (await openStore(p, 'write')).close();
    assert.equal(existsSync(dead), false);
    assert.equal(existsSync(alive), true);
    assert.equal(look(p), MIGRATIONS);
  });
});
