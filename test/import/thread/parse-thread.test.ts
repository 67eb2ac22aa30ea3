/**
 * The parse thread: an input read and decoded in a worker thread while this thread appends. It must change
 * nothing a user can see — the same store, row for row and hash for hash, the same summary, the same errors —
 * and it must stop, not hang, when the store fails under it.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { importFile } from '../../../src/app/import-files.js';
import { KvmlogError } from '../../../src/errors.js';
import { readInput } from '../../../src/import/read-input.js';
import { EARLY_IN_FLIGHT, ROWS_PER_BATCH } from '../../../src/import/thread/protocol.js';
import { type ChainPort, ParseThread } from '../../../src/import/thread/read-in-thread.js';
import { readLineBatches } from '../../../src/ingest/lines.js';
import { openStore } from '../../../src/store/db.js';
import { ImportSession } from '../../../src/store/import/session.js';
import { fixture, scratch } from '../../helpers/cli.js';
import { generate } from '../../helpers/generate.js';
import { FakeSink } from '../../helpers/sink.js';

/** Every row of every table kvmlog writes, but the wall-clock time of each import. */
function content(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    const out: Record<string, unknown[]> = {};
    for (const t of ['sources', 'boots', 'events', 'anchors', 'checkpoints', 'spans', 'projected_boots']) {
      out[t] = db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).safeIntegers(true).all().map((r) => ({ ...(r as object), imported_at: undefined }));
    }
    return out;
  } finally {
    db.close();
  }
}

/**
 * How an input is read: in this thread; in a parse thread that leaves the hash chain to the store (as it does
 * while the store keeps up); in one that links every row into the chain itself.
 */
type Reading = 'inline' | 'thread' | 'thread-linking';

/** Imports the files in order into a fresh store, read as `how`; what each import said, and the store. */
async function importAll(files: readonly string[], how: Reading, dir: string): Promise<{ said: unknown[]; store: Record<string, unknown[]> }> {
  const path = join(dir, `${how}.db`);
  const store = await openStore(path);
  const said: unknown[] = [];
  const opts = { inline: { thread: false }, thread: { thread: true, threadChain: 'never' }, 'thread-linking': { thread: true, threadChain: 'always' } } as const;
  try {
    for (const f of files) {
      try {
        said.push(await importFile(store, f, opts[how]));
      } catch (e) {
        said.push(e instanceof KvmlogError ? `${e.code}: ${e.message}` : e);
      }
    }
  } finally {
    await store.close();
  }
  return { said, store: content(path) };
}

/** A sink with no stored boots, whose one new boot takes each event `onEvent` is given. */
const oneBoot = (onEvent: (boot: string, e: unknown, toleranceNs: bigint) => void) => new FakeSink({ record: false, onEvent });

describe('the parse thread', () => {
  const { dir } = scratch();

  // Every format, kernel era, boot split (kexec, kdump) and a capture of one boot in several files.
  for (const set of ['linux-6.1-qemu', 'linux-6.1-qemu-kdump', 'linux-6.12-qemu', 'linux-6.12-qemu-kexec', 'journal-qemu', 'host-6.18-ftrace']) {
    it(`gives the store, the summaries and the errors of reading inline: every recording of ${set}, one after another`, async () => {
      const d = join('test/fixtures', set);
      // Every file, README and probe definitions too: those are the inputs that fail, and must fail alike.
      const files = readdirSync(d).sort().map((f) => join(d, f));
      const sub = join(dir, set);
      mkdirSync(sub);
      const inline = await importAll(files, 'inline', sub);
      assert.ok((inline.store['events'] ?? []).length > 0, 'the recordings hold events');
      // Linking: the second capture of a boot holds rows the store already has, whose links the store refuses.
      for (const how of ['thread', 'thread-linking'] as const) {
        const threaded = await importAll(files, how, sub);
        assert.deepEqual(threaded.said, inline.said, how);
        assert.deepEqual(threaded.store, inline.store, how);
      }
    });
  }

  it('gives the same store for a console whose new boot is created just before an ftrace dump printed into it', async () => {
    // The boot is placed (created) at its 4,096th stamped line, right before the dump: the thread names it by a
    // provisional handle, which the store must have bound before the dump's capture asks for its boot.
    const lines = readFileSync(fixture('linux-6.12-qemu', 'console-lifecycle.log'), 'utf8').split('\n');
    const before = lines.findIndex((l) => l.startsWith('=====BEGIN ftrace-lifecycle.txt'));
    assert.match(lines[before - 3]!, /^\[   49\.468667\] PM: suspend exit/);
    const stamped = Array.from({ length: 4200 }, (_, k) => `[   49.${String(468668 + k).padStart(6, '0')}] virtio_net virtio0 eth0: link check ${k}`);
    const sub = join(dir, 'console-busy');
    mkdirSync(sub);
    const busy = join(sub, 'console-busy.log');
    writeFileSync(busy, [...lines.slice(0, before - 2), ...stamped, ...lines.slice(before - 2)].join('\n'));
    const inline = await importAll([busy], 'inline', sub);
    assert.ok((inline.store['boots'] ?? []).length >= 1);
    for (const how of ['thread', 'thread-linking'] as const) {
      const threaded = await importAll([busy], how, sub);
      assert.deepEqual(threaded.said, inline.said, how);
      assert.deepEqual(threaded.store, inline.store, how);
    }
  });

  it('gives the same store for an input of many more batches than may be in flight at once (flow control)', async () => {
    const path = join(dir, 'generated.txt');
    const gen = await generate(path, 60_000, 0.5, 3);
    assert.ok(gen.events > 8 * ROWS_PER_BATCH, 'more batches than may be in flight at once');
    const sub = join(dir, 'generated');
    mkdirSync(sub);
    const inline = await importAll([path], 'inline', sub);
    assert.equal((inline.store['events'] ?? []).length, gen.events);
    for (const how of ['thread', 'thread-linking'] as const) assert.deepEqual((await importAll([path], how, sub)).store, inline.store, how);
  });

  it('starts linking in the middle of an input once the store falls behind, with the hashes the store would make', async () => {
    const path = join(dir, 'mid-stream.txt');
    await generate(path, 60_000, 0.5, 6);
    const sub = join(dir, 'mid-stream');
    mkdirSync(sub);
    const events = (db: string) => {
      const d = new Database(db, { readonly: true });
      try {
        return d.prepare('SELECT seq, boot_id, time_ns, type, fields, line, raw, hash FROM events ORDER BY seq').safeIntegers(true).all();
      } finally {
        d.close();
      }
    };
    await importAll([path], 'inline', sub);
    // The same input into a store slowed for its first batches: the thread waits on it, then links the rest.
    const db = join(sub, 'slowed.db');
    const store = await openStore(db);
    const session = ImportSession.begin(store);
    const recorded = session.record({ sha256: createHash('sha256').update(readFileSync(path)).digest('hex'), path, format: 'auto', host: 'generated' });
    assert.equal(recorded.kind, 'recorded');
    let rows = 0;
    let taken = 0;
    // Slow enough (0.2 ms a row) that the thread outruns it even when the machine starves the thread: a store
    // that keeps up is sent part-filled batches as it waits, and the thread never waits on it.
    const slow = () => {
      if (rows++ < 4 * ROWS_PER_BATCH) for (const until = performance.now() + 0.2; performance.now() < until; );
    };
    const slowed = new Proxy(session, {
      get: (t, k) => (k === 'event' ? (b: string, e: never, tol: bigint) => (slow(), t.event(b, e, tol)) : Reflect.get(t, k, t)),
    });
    const port: ChainPort = {
      source: session.source,
      head: () => session.head(),
      linkedEvent: (b, e, tol, link) => {
        if (link.prev === session.head()) taken++;
        slow();
        session.linkedEvent(b, e, tol, link);
      },
    };
    const summary = await ParseThread.start(path, { name: path }).into(slowed, undefined, port);
    session.finish(summary);
    await store.close();
    assert.ok(taken > 0 && taken < rows, `${taken} links of ${rows} rows taken: from the middle on`);
    assert.deepEqual(events(db), events(join(sub, 'inline.db')));
  });

  it('answers the questions it asks before it has a sink — and only those nothing else was sent before — from the store as it is', async () => {
    const generated = join(dir, 'questions.txt');
    await generate(generated, 60_000, 0.05, 9);
    const kexec = 'test/fixtures/linux-6.12-qemu-kexec/console-kexec.log';
    // A boot placed after its 4,096th anchor (asked at 16, 64, 256 and 1,024 first); a console of two boots
    // (kexec); the same, each boot found stored: rows go out at once, and the second boot's question must wait.
    for (const [path, found] of [[generated, null], [kexec, null], [kexec, 'stored']] as const) {
      const alone = new FakeSink({ found });
      await readInput(readLineBatches(path), alone, { name: path });
      const inline = alone.outline('sink');
      const early = new FakeSink({ found });
      const sink = new FakeSink({ found });
      const thread = ParseThread.start(path, { name: path });
      thread.answerEarly(early);
      // Meanwhile the input would be hashed: the thread reads on until it needs the sink itself, or ends.
      for (const until = Date.now() + 5000; Date.now() < until && early.calls.length === 0; ) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      const asked = early.calls.length;
      await thread.into(sink);
      const what = `${path}, found ${found}`;
      assert.equal(early.calls.length, asked, `${what}: nothing reached the early answers once the sink was there`);
      assert.ok(asked > 0, `${what}: asked early`);
      assert.deepEqual(early.outline('early'), inline.slice(0, asked).map((c) => c.replace('sink', 'early')), `${what}: the questions that came first`);
      assert.deepEqual(sink.outline('sink'), inline.slice(asked), `${what}: the rest, in order, to the sink`);
      assert.match(inline[asked]!, /^sink (createBoot|anchors)/, `${what}: the first call past them is one only the sink can take`);
      if (found !== null) assert.ok(inline.slice(asked).includes('sink findBoot'), `${what}: a question after rows went to the sink`);
    }
  });

  it('reads to the end for a store that takes no links: it links no row and does not wait for the chain', async () => {
    const path = join(dir, 'no-chain.txt');
    const gen = await generate(path, 20_000, 0.5, 5);
    let rows = 0;
    await ParseThread.start(path, { name: path }, 'always').into(oneBoot(() => rows++));
    assert.equal(rows, gen.events);
  });

  it('tells a progress bar how far it read, as it reads, ending at the whole input', async () => {
    const path = join(dir, 'progress.txt');
    // Events enough that the store, slowed here, holds the reading back: the bar must move while rows keep the
    // importing thread busy.
    await generate(path, 150_000, 0.5, 8);
    const told: number[] = [];
    let rows = 0;
    const sink = oneBoot(() => {
      if (++rows % 64 === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    });
    await ParseThread.start(path, { name: path }).into(sink, (bytes) => told.push(bytes));
    assert.equal(told.at(-1), statSync(path).size);
    assert.deepEqual([...told].sort((a, b) => a - b), told, 'never backwards');
    assert.ok(told.filter((b) => b < statSync(path).size).length >= 3, `told ${told.length} times: ${told.join(', ')}`);
  });

  it('reads on while the store cannot yet take its rows (the input is being hashed), instead of waiting', async () => {
    const path = join(dir, 'read-on.txt');
    // ~23 MB, its boot placed within its first 2 MiB, and fewer events than may wait for the store meanwhile.
    const gen = await generate(path, 200_000, 0.05, 14);
    assert.ok(gen.events < EARLY_IN_FLIGHT * ROWS_PER_BATCH);
    const thread = ParseThread.start(path, { name: path });
    thread.answerEarly(new FakeSink());
    // The store takes rows once `into` hands it over, as the import does when the hash is known.
    await new Promise((r) => setTimeout(r, 2000));
    const read = thread.bytesSoFar();
    let rows = 0;
    await thread.into(oneBoot(() => rows++));
    assert.ok(read > 8 << 20, `had read ${read} bytes when the sink came`);
    assert.equal(rows, gen.events);
  });

  it(`holds at most ${EARLY_IN_FLIGHT} batches for a store that cannot take them yet: then it waits, mid-input`, async () => {
    const path = join(dir, 'held.txt');
    // Every line a lifecycle record (or a stack trace of one): more events than may wait for the store.
    const gen = await generate(path, 260_000, 1, 13);
    assert.ok(gen.events > EARLY_IN_FLIGHT * ROWS_PER_BATCH, `${gen.events} events`);
    const thread = ParseThread.start(path, { name: path });
    thread.answerEarly(new FakeSink());
    await new Promise((r) => setTimeout(r, 3000));
    const read = thread.bytesSoFar();
    let rows = 0;
    await thread.into(oneBoot(() => rows++));
    assert.ok(read > 0 && read < statSync(path).size, `had read ${read} of ${statSync(path).size} bytes when the sink came`);
    assert.equal(rows, gen.events);
  });

  it('stops when the store fails under it: the failure is the import’s, and nothing is applied after it', async () => {
    const path = join(dir, 'to-fail.txt');
    await generate(path, 40_000, 0.5, 4);
    let rows = 0;
    const failing = oneBoot(() => {
      if (++rows === ROWS_PER_BATCH + 1) throw new Error('disk full (as SQLite would say)');
    });
    await assert.rejects(ParseThread.start(path, { name: path }).into(failing), /disk full/);
    assert.equal(rows, ROWS_PER_BATCH + 1, 'nothing was applied after the failure');
  });

  it('keeps what it read for the sink it is handed later, even when it finished and exited before', async () => {
    // Started before the input is hashed and the write lock taken: an input with nothing to place (no question
    // to wait on) is read to its end, and the thread gone, before the sink arrives.
    const path = join(dir, 'early.txt');
    const other = '       kvmvm-241 [001] .....     5.000012: irq_handler_entry: irq=25 name=virtio0-input.0';
    writeFileSync(path, `# tracer: nop\n${Array.from({ length: 500 }, () => other).join('\n')}\n`);
    const thread = ParseThread.start(path, { name: 'early.txt' });
    await new Promise((r) => setTimeout(r, 1500));
    const summary = await thread.into(oneBoot(() => {}));
    assert.deepEqual({ lines: summary.lines, other: summary.other, boots: summary.boots }, { lines: 501, other: 501, boots: [] });
  });

  it('reports a user’s error as the same one-line error, without a stack', async () => {
    const path = join(dir, 'not-a-trace.txt');
    writeFileSync(path, 'hello\nworld\n');
    await assert.rejects(ParseThread.start(path, { name: 'not-a-trace.txt' }).into(oneBoot(() => {})), (e: unknown) => {
      assert.ok(e instanceof KvmlogError);
      assert.equal(e.message, 'not-a-trace.txt: not a format kvmlog reads (kvmlog import --help lists them); force one with --format');
      return true;
    });
  });

});
