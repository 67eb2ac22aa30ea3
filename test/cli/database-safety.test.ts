/**
 * Databases kvmlog must not write or must not trust: a read-only file, one from a newer kvmlog, someone else's
 * SQLite file, a corrupt file, a path that cannot be written. Each gives one clear line and a non-zero exit, and
 * the file is byte for byte what it was.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { BIN, type Run, fixture, kvmlog, scratch } from '../helpers/cli.js';

const ftrace61 = fixture('linux-6.1-qemu', 'ftrace-lifecycle.txt');
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function assertCleanError(r: Run, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
}

/**
 * kvmlog run by a user who may not write the file. Permission bits do not stop root, so as root the command
 * runs as nobody (util-linux setpriv).
 */
function asReader(args: readonly string[]): Promise<Run> {
  const root = process.getuid?.() === 0;
  const [cmd, pre] = root ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath]] : [process.execPath, []];
  return new Promise((resolve) => {
    execFile(cmd, [...pre, BIN, ...args], { env: { ...process.env, NODE_ENV: 'production' } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('a database kvmlog may only read', () => {
  const s = scratch();
  const dir = join(s.dir, 'readonly');
  const db = join(dir, 'kvmlog.db');
  let before_: string;
  before(async () => {
    chmodSync(s.dir, 0o755);
    mkdirSync(dir);
    assert.equal((await kvmlog(['import', '--db', db, ftrace61])).code, 0);
    // At rest: the last connection folded the WAL back into the file; a read-only directory allows no -shm.
    assert.deepEqual(readdirSync(dir), ['kvmlog.db']);
    chmodSync(db, 0o444);
    chmodSync(dir, 0o555);
    before_ = sha(db);
  });
  after(() => {
    chmodSync(dir, 0o755);
    s.cleanup();
  });

  it('answers boots, state and check, and is left exactly as it was', async () => {
    const boots = await asReader(['boots', '--db', db, '--json']);
    assert.equal(boots.code, 0, boots.stderr);
    assert.equal(JSON.parse(boots.stdout).length, 1);
    const state = await asReader(['state', '--db', db, '--at', '15.0', '--json']);
    assert.equal(state.code, 0, state.stderr);
    // Real 6.1 run: CPU 2 went offline at 14.45 s and came back at 15.54 s (test/fixtures/linux-6.1-qemu/README.md).
    assert.equal(JSON.parse(state.stdout).cpus.find((c: { cpu: number }) => c.cpu === 2).online, false);
    const check = await asReader(['check', '--db', db]);
    assert.equal(check.code, 0, check.stderr);
    assert.deepEqual(readdirSync(dir), ['kvmlog.db']);
    assert.equal(sha(db), before_);
  });

  it('refuses an import with one line, and changes nothing', async () => {
    assertCleanError(await asReader(['import', '--db', db, fixture('linux-6.12-qemu', 'dmesg-lifecycle.txt')]), /kvmlog\.db: /);
    assert.equal(sha(db), before_);
  });
});

describe('an input kvmlog may not read', () => {
  const s = scratch();
  after(() => s.cleanup());

  it('is one clear line naming it, and nothing is imported, not even the inputs before it', async () => {
    chmodSync(s.dir, 0o777);
    const input = join(s.dir, 'secret.txt');
    copyFileSync(ftrace61, input);
    chmodSync(input, 0o000);
    const db = join(s.dir, 'kvmlog.db');
    const r = await asReader(['import', '--db', db, ftrace61, input]);
    assertCleanError(r, /secret\.txt: cannot read \(EACCES\)/);
    assert.ok(!existsSync(db));
    chmodSync(input, 0o644);
  });
});

describe('a database kvmlog must not trust', () => {
  const s = scratch();
  after(() => s.cleanup());
  let good: string;
  before(async () => {
    good = join(s.dir, 'good.db');
    assert.equal((await kvmlog(['import', '--db', good, ftrace61])).code, 0);
  });

  const copy = (name: string) => {
    const p = join(s.dir, name);
    copyFileSync(good, p);
    return p;
  };

  it('written by a newer kvmlog: reading and importing both refuse, nothing changes', async () => {
    const db = copy('newer.db');
    const raw = new Database(db);
    raw.prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)').run('9999_from_the_future', new Date().toISOString());
    raw.close();
    const was = sha(db);
    assertCleanError(await kvmlog(['boots', '--db', db]), /newer\.db: written by a newer kvmlog \(schema 9999_from_the_future\); upgrade kvmlog/);
    assertCleanError(await kvmlog(['import', '--db', db, fixture('linux-6.12-qemu', 'dmesg-lifecycle.txt')]), /written by a newer kvmlog/);
    assert.equal(sha(db), was);
  });

  it('another program’s SQLite database is left alone', async () => {
    const db = join(s.dir, 'notes.db');
    const raw = new Database(db);
    raw.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')");
    raw.close();
    const was = sha(db);
    assertCleanError(await kvmlog(['import', '--db', db, ftrace61]), /notes\.db: not a kvmlog database \(it holds other tables: notes\)/);
    assertCleanError(await kvmlog(['boots', '--db', db]), /not a kvmlog database/);
    assert.equal(sha(db), was);
  });

  it('a file that is not SQLite at all', async () => {
    const db = join(s.dir, 'text.db');
    writeFileSync(db, 'this is not sqlite at all, just text that is long enough to be a header page'.repeat(60));
    const was = sha(db);
    assertCleanError(await kvmlog(['import', '--db', db, ftrace61]), /text\.db: not a kvmlog database/);
    assertCleanError(await kvmlog(['state', '--db', db, '--at', '1']), /text\.db: not a kvmlog database/);
    assert.equal(sha(db), was);
  });

  it('a corrupt kvmlog database', async () => {
    const db = copy('corrupt.db');
    const bytes = readFileSync(db);
    // Keep the header page (schema); overwrite every page after it.
    bytes.fill(0xab, 4096);
    writeFileSync(db, bytes);
    const was = sha(db);
    for (const args of [['boots'], ['events'], ['state', '--at', '15'], ['import', fixture('linux-6.12-qemu', 'dmesg-lifecycle.txt')]]) {
      assertCleanError(await kvmlog([...args, '--db', db]), /corrupt\.db: (the database file is corrupt|not a kvmlog database)/);
    }
    assert.equal(sha(db), was);
  });

  it('a path that cannot be written', async () => {
    const db = join(s.dir, 'no', 'such', 'dir', 'kvmlog.db');
    assertCleanError(await kvmlog(['import', '--db', db, ftrace61]), /kvmlog\.db: cannot open the database/);
    assert.ok(!existsSync(join(s.dir, 'no')));
  });
});
