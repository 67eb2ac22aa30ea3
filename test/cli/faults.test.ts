/**
 * Imports killed at any moment, several imports at once, reads during an import, and a soak of all three:
 * the store holds each input's events once, completely or not at all, and its hash chain stays intact.
 * KVMLOG_SOAK_SECONDS (default 3) sets how long the soak runs.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { generate } from '../helpers/generate.js';
import { eventCount, storeDigest } from '../helpers/faults.js';
import { fixture, json, kvmlog, scratch, startKvmlog } from '../helpers/cli.js';

const s = scratch();
after(() => s.cleanup());

/** Distinct generated traces (different seeds: different boots), with the events each gives on its own. */
const traces: { path: string; events: number; ms: number }[] = [];
before(async () => {
  for (let i = 0; i < 6; i++) {
    const path = join(s.dir, `trace-${i}.txt`);
    // The first is large enough that an import takes about a second here: time to be killed mid-way.
    await generate(path, i === 0 ? 300_000 : 20_000, 0.05, 100 + i);
    const alone = join(s.dir, `alone-${i}.db`);
    const t0 = Date.now();
    const r = await json<{ files: { events: number }[] }>(['import', '--db', alone, path]);
    traces.push({ path, events: r.files[0]!.events, ms: Date.now() - t0 });
  }
});

const verified = async (db: string) => {
  const v = await kvmlog(['verify', '--db', db, '--json']);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  return JSON.parse(v.stdout) as { intact: boolean; events: number };
};

describe('an import killed at any moment', () => {
  it('leaves the store exactly as it was (or, killed after its commit, complete), and a rerun completes it', async () => {
    const db = join(s.dir, 'killed.db');
    assert.equal((await kvmlog(['import', '--db', db, fixture('linux-6.1-qemu', 'ftrace-lifecycle.txt')])).code, 0);
    const before_ = storeDigest(db);
    const held = eventCount(db);
    // Kill points spread over the import as it ran alone (start-up, reading, appending, projecting, committing).
    const delays = [0.05, 0.25, 0.45, 0.65, 0.85].map((f) => Math.round(f * traces[0]!.ms));
    let killed = 0;
    for (const ms of delays) {
      const { child, done } = startKvmlog(['import', '--db', db, traces[0]!.path]);
      await new Promise((r) => setTimeout(r, ms));
      child.kill('SIGKILL');
      const r = await done;
      if (r.code === 0) break; // finished before the kill: nothing left to test at this point
      if (storeDigest(db) !== before_) {
        // Killed between its commit and its exit: then the whole input is there, not part of it.
        assert.equal(eventCount(db), held + traces[0]!.events, `killed after ${ms} ms: the store holds part of the input`);
        break;
      }
      killed++;
    }
    assert.ok(killed >= 2, `only ${killed} imports were killed before they finished`);
    const rerun = await kvmlog(['import', '--db', db, traces[0]!.path]);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal(eventCount(db), held + traces[0]!.events);
    const v = await verified(db);
    assert.deepEqual([v.intact, v.events], [true, held + traces[0]!.events]);
  });
});

describe('imports at the same time', () => {
  it('all succeed, and the store holds every input’s events once', async () => {
    const db = join(s.dir, 'concurrent.db');
    const runs = await Promise.all(traces.slice(1).map((t) => kvmlog(['import', '--db', db, t.path])));
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const expected = traces.slice(1).reduce((n, t) => n + t.events, 0);
    assert.equal(eventCount(db), expected);
    assert.equal((await verified(db)).events, expected);
  });

  it('reads during an import see the store before it or after it, never between', async () => {
    const db = join(s.dir, 'reads.db');
    assert.equal((await kvmlog(['import', '--db', db, traces[1]!.path])).code, 0);
    const before_ = traces[1]!.events;
    const after_ = before_ + traces[0]!.events;
    const { done } = startKvmlog(['import', '--db', db, traces[0]!.path]);
    let finished = false;
    void done.then(() => (finished = true));
    const seen = new Set<number>();
    while (!finished) {
      const b = await kvmlog(['boots', '--db', db, '--json']);
      assert.equal(b.code, 0, b.stderr);
      seen.add((JSON.parse(b.stdout) as { events: number }[]).reduce((n, x) => n + x.events, 0));
      const c = await kvmlog(['check', '--db', db]);
      assert.ok(c.code === 0 || c.code === 1, c.stderr);
    }
    assert.equal((await done).code, 0);
    assert.ok(seen.has(before_), 'at least one read ran while the import was still going');
    for (const n of seen) assert.ok(n === before_ || n === after_, `a read saw ${n} events: neither ${before_} nor ${after_}`);
  });
});

describe('soak: concurrent imports, kills and reads', () => {
  it(`for ${Number(process.env['KVMLOG_SOAK_SECONDS'] ?? 3)} s, then every input is held once and the chain verifies`, async () => {
    const db = join(s.dir, 'soak.db');
    const until = Date.now() + Number(process.env['KVMLOG_SOAK_SECONDS'] ?? 3) * 1000;
    const rnd = fc.sample(fc.tuple(fc.integer({ min: 0, max: traces.length - 1 }), fc.boolean(), fc.integer({ min: 0, max: 800 })), { numRuns: 10_000, seed: 7 });
    let i = 0;
    let kills = 0;
    while (Date.now() < until) {
      const round = rnd.slice(i, i + 3);
      i += 3;
      const jobs = round.map(([t, kill, ms]) => {
        const run = startKvmlog(['import', '--db', db, traces[t]!.path]);
        if (kill) setTimeout(() => run.child.kill('SIGKILL'), ms);
        return run.done;
      });
      const read = kvmlog(['state', '--db', db, '--at', '6', '--json']);
      for (const r of await Promise.all(jobs)) {
        assert.ok(r.code === 0 || r.code === 137, `exit ${r.code}: ${r.stderr}`);
        if (r.code === 137) kills++;
      }
      // A read either finds the store not yet made, or answers.
      const rr = await read;
      assert.ok(rr.code === 0 || /no such database|no boots yet|an empty database/.test(rr.stderr), rr.stderr);
    }
    assert.ok(kills > 0, 'the soak killed no import');
    // Whatever was killed, importing everything once more completes the store.
    for (const t of traces) assert.equal((await kvmlog(['import', '--db', db, t.path])).code, 0);
    const expected = traces.reduce((n, t) => n + t.events, 0);
    assert.equal(eventCount(db), expected);
    const v = await verified(db);
    assert.deepEqual([v.intact, v.events], [true, expected]);
  });
});
