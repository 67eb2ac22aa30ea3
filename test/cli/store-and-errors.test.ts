import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { fixture, json, kvmlog, ndjson, scratch, stateAt } from '../helpers/cli.js';

const ftrace61 = fixture('linux-6.1-qemu', 'ftrace-lifecycle.txt');

/** A user error ends in one line on stderr that names the problem, exit status 2, and no stack trace. */
function assertCleanError(r: { code: number; stderr: string; stdout: string }, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.equal(r.stdout, '');
}

describe('the event store', () => {
  const s = scratch();
  after(() => s.cleanup());

  it('is created by the first import, in WAL mode, with the event log append-only; reading a missing one creates nothing', async () => {
    const r = await kvmlog(['boots', '--db', s.db]);
    assertCleanError(r, /kvmlog\.db: no such database; import a trace into it first/);
    assert.ok(!existsSync(s.db), 'a reading command created no file');
    await kvmlog(['import', '--db', s.db, ftrace61]);
    const db = new Database(s.db);
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      const n = db.prepare('SELECT count(*) AS n FROM events').get() as { n: number };
      assert.ok(n.n > 0);
      assert.throws(() => db.prepare('UPDATE events SET type = ? WHERE seq = 1').run('panic'), /append-only/);
      assert.throws(() => db.prepare('DELETE FROM events').run(), /append-only/);
      const idx = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'").all() as { name: string }[];
      assert.ok(idx.some((i) => i.name === 'events_boot_time'));
    } finally {
      db.close();
    }
  });

  it('appends nothing when the same content is imported again, and says so', async () => {
    const before = await json<{ events: number }[]>(['boots', '--db', s.db]);
    const r = await json<{ files: { status: string; events: number }[] }>(['import', '--db', s.db, ftrace61]);
    assert.deepEqual(r.files.map((f) => [f.status, f.events]), [['already-imported', 0]]);
    const text = await kvmlog(['import', '--db', s.db, ftrace61]);
    assert.match(text.stderr, /already imported/);
    assert.deepEqual(await json(['boots', '--db', s.db]), before);
  });

  it('keeps nanoseconds exact end to end, past what a double can hold', async () => {
    const f = join(s.dir, 'long-uptime.txt');
    writeFileSync(
      f,
      [
        '# tracer: nop',
        '         kvmvm-7      [001] ...1. 94608000.000000001: kvm_arch_init_vm: (kvm_arch_init_vm+0x0/0x250 [kvm]) kvm=0x1 type=0',
        '         kvmvm-7      [001] ...1. 94608000.000000002: kvm_destroy_vm: (kvm_destroy_vm+0x0/0x310 [kvm]) kvm=0x1',
        '',
      ].join('\n'),
    );
    const db = join(s.dir, 'long.db');
    await kvmlog(['import', '--db', db, f]);
    const events = await ndjson<{ timeNs: string; type: string }>(['events', '--db', db]);
    assert.deepEqual(events.map((e) => [e.timeNs, e.type]), [['94608000000000001', 'vm.create'], ['94608000000000002', 'vm.destroy']]);
    const boots = await json<{ firstNs: string; lastNs: string }[]>(['boots', '--db', db]);
    assert.deepEqual([boots[0]!.firstNs, boots[0]!.lastNs], ['94608000000000001', '94608000000000002']);
    const between = await ndjson(['events', '--db', db, '--from', '94608000000000002ns']);
    assert.equal(between.length, 1);
  });

  it('finds the database through KVMLOG_DB, and defaults to ./kvmlog.db', async () => {
    const viaEnv = join(s.dir, 'env.db');
    const r = await kvmlog(['import', ftrace61], { env: { KVMLOG_DB: viaEnv } });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(viaEnv));
    const cwd = join(s.dir, 'cwd');
    mkdirSync(cwd);
    const env = { ...process.env };
    delete env['KVMLOG_DB'];
    const d = await kvmlog(['import', ftrace61], { cwd, env: { KVMLOG_DB: undefined } });
    assert.equal(d.code, 0, d.stderr);
    assert.ok(existsSync(join(cwd, 'kvmlog.db')));
    const b = await kvmlog(['boots', '--json'], { cwd, env: { KVMLOG_DB: undefined } });
    assert.equal(JSON.parse(b.stdout).length, 1);
  });

  it('reads stdin as -', async () => {
    const db = join(s.dir, 'stdin.db');
    const r = await kvmlog(['import', '--db', db, '-', '--json'], {
      input: '[   14.450162] smpboot: CPU 2 is now offline\n[   15.540554] smpboot: Booting Node 0 Processor 2 APIC 0x2\n',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).files[0].events, 2);
    assert.equal((await stateAt(db, '15')).cpus.find((c) => c.cpu === 2)?.online, false);
  });

  it('with several boots, picks the latest and says so on stderr; --boot takes a unique prefix', async () => {
    const boots = await json<{ id: string }[]>(['boots', '--db', s.db]);
    assert.ok(boots.length >= 1);
    // Another run (6.12): a second boot.
    await kvmlog(['import', '--db', s.db, fixture('linux-6.12-qemu', 'dmesg-lifecycle.txt')]);
    const r = await kvmlog(['state', '--db', s.db, '--at', '13', '--json']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /using the latest/);
    const first = boots[0]!.id;
    const chosen = await stateAt(s.db, '13', first.slice(0, 6));
    assert.equal(chosen.boot, first);
  });
});

describe('bad input: one clear line, exit 2, nothing written', () => {
  const s = scratch();
  after(() => s.cleanup());

  it('a missing file', async () => {
    assertCleanError(await kvmlog(['import', '--db', s.db, join(s.dir, 'nope.txt')]), /nope\.txt: no such file/);
  });

  it('a directory', async () => {
    assertCleanError(await kvmlog(['import', '--db', s.db, s.dir]), /is a directory/);
  });

  it('an empty file', async () => {
    const f = join(s.dir, 'empty.txt');
    writeFileSync(f, '');
    assertCleanError(await kvmlog(['import', '--db', s.db, f]), /empty\.txt: empty; nothing to import/);
  });

  it('a file in no format kvmlog reads', async () => {
    const f = join(s.dir, 'notes.txt');
    writeFileSync(f, 'shopping list\nmilk\n');
    assertCleanError(await kvmlog(['import', '--db', s.db, f]), /notes\.txt: not a format kvmlog reads/);
    assert.deepEqual(await json(['boots', '--db', s.db]), []);
  });

  it('--strict turns a warning into a failed, empty import that names the file and line', async () => {
    const f = fixture('linux-6.12-qemu', 'dmesg-lifecycle.txt');
    assertCleanError(await kvmlog(['import', '--db', s.db, '--strict', f]), /dmesg-lifecycle\.txt:671: svm_disable_virtualization_cpu: .*nothing imported/);
    assert.deepEqual(await json(['boots', '--db', s.db]), []);
  });

  it('a TIME that is not a time, an unknown event type, an unknown boot, an empty store', async () => {
    assertCleanError(await kvmlog(['state', '--db', s.db, '--at', 'noon']), /--at noon: not a time/);
    assertCleanError(await kvmlog(['state', '--db', s.db, '--at', '1']), /no boots yet/);
    await kvmlog(['import', '--db', s.db, ftrace61]);
    assertCleanError(await kvmlog(['events', '--db', s.db, '--type', 'virt.on']), /--type virt\.on: not an event type/);
    assertCleanError(await kvmlog(['state', '--db', s.db, '--at', '1', '--boot', 'ffff']), /no boot ffff/);
  });

  it('a file that is not a kvmlog database', async () => {
    const f = join(s.dir, 'not-a.db');
    writeFileSync(f, 'this is not sqlite at all, just text that is long enough to be a header page'.repeat(20));
    const r = await kvmlog(['boots', '--db', f]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /not-a\.db: /);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  });
});

describe('help teaches', () => {
  it('lists the commands and explains TIME and the formats', async () => {
    const top = await kvmlog(['--help']);
    for (const c of ['import', 'boots', 'events', 'state']) assert.match(top.stdout, new RegExp(`\\b${c}\\b`));
    const state = await kvmlog(['state', '--help']);
    assert.match(state.stdout, /95540ms/);
    assert.match(state.stdout, /unknown/);
    const imp = await kvmlog(['import', '--help']);
    for (const f of [/dmesg -r/, /\/dev\/kmsg/, /journalctl -o json/, /perf script/, /vmcore-dmesg/, /bpftrace/]) assert.match(imp.stdout, f);
  });
});
