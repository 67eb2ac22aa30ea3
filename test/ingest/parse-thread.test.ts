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
import { generate } from '../../bench/generate.js';
import { importFile } from '../../src/app/import-files.js';
import { KvmlogError } from '../../src/errors.js';
import { type ImportSink, MAX_HELD_ASKED, importLines } from '../../src/ingest/importer.js';
import { readLineBatches } from '../../src/ingest/lines.js';
import { ROWS_PER_BATCH } from '../../src/ingest/thread/protocol.js';
import { ParseThread } from '../../src/ingest/thread/read-in-thread.js';
import { WriteLock } from '../../src/store/append.js';
import { openStore } from '../../src/store/db.js';
import { scratch } from '../helpers/cli.js';

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

/**
 * A sink that writes down what it is asked and handed, as `who`: a run of rows as one `event`. Its store holds
 * the boot `found` (each boot is found to be that stored boot), or none.
 */
function recording(who: string, calls: string[], found: string | null = null): ImportSink {
  const say = (what: string) => calls.push(`${who} ${what}`);
  return {
    findBoot: () => (say('findBoot'), found),
    hasBoot: () => (say('hasBoot'), false),
    createBoot: (b) => (say('createBoot'), `boot-${b.index}`),
    anchors: (boot) => say(`anchors ${boot}`),
    endBoot: (boot) => say(`endBoot ${boot}`),
    event: (boot) => {
      if (calls.at(-1) !== `${who} event ${boot}`) say(`event ${boot}`);
    },
  };
}

/** A sink with no stored boots, whose one new boot takes each row `event` is given. */
const oneBoot = (event: ImportSink['event']): ImportSink => ({ findBoot: () => null, hasBoot: () => false, createBoot: () => 'b', anchors: () => {}, endBoot: () => {}, event });

describe('the parse thread', () => {
  const { dir } = scratch();

  // Every format, kernel era, boot split (kexec, kdump) and a capture of one boot in several files.
  for (const fixture of ['linux-6.1-qemu', 'linux-6.1-qemu-kdump', 'linux-6.12-qemu-kexec', 'journal-qemu', 'host-6.18-ftrace']) {
    it(`gives the store, the summaries and the errors of reading inline: every recording of ${fixture}, one after another`, async () => {
      const d = join('test/fixtures', fixture);
      // Every file, README and probe definitions too: those are the inputs that fail, and must fail alike.
      const files = readdirSync(d).sort().map((f) => join(d, f));
      const sub = join(dir, fixture);
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
    const begun = WriteLock.take(store).record({ sha256: createHash('sha256').update(readFileSync(path)).digest('hex'), path, format: 'auto', host: 'generated' });
    assert.equal(begun.kind, 'begun');
    if (begun.kind !== 'begun') return;
    const tx = begun.tx;
    let rows = 0;
    let taken = 0;
    const slowed: ImportSink = {
      findBoot: (a, i) => tx.findBoot(a, i),
      hasBoot: (id) => tx.hasBoot(id),
      createBoot: (b) => tx.createBoot(b),
      anchors: (b, a) => tx.anchors(b, a),
      endBoot: (b, f) => tx.endBoot(b, f),
      event: (b, r, t) => {
        if (r.link !== undefined && r.link.prev === tx.head()) taken++;
        // Slow enough (0.2 ms a row) that the thread outruns it even when the machine starves the thread: a store
        // that keeps up is sent part-filled batches as it waits, and the thread never waits on it.
        if (rows++ < 4 * ROWS_PER_BATCH) for (const until = performance.now() + 0.2; performance.now() < until; );
        tx.event(b, r, t);
      },
    };
    const summary = await ParseThread.start(path, { name: path }).into(slowed, undefined, tx);
    tx.commit({ ...summary, ...tx.counts() });
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
      const inline: string[] = [];
      await importLines(readLineBatches(path), recording('sink', inline, found), { name: path });
      const calls: string[] = [];
      const thread = ParseThread.start(path, { name: path });
      thread.answerEarly(recording('early', calls, found));
      // Meanwhile the input would be hashed: the thread reads on until it needs the sink itself, or ends.
      for (const until = Date.now() + 5000; Date.now() < until && !calls.includes('early findBoot'); ) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      const early = calls.length;
      await thread.into(recording('sink', calls, found));
      const what = `${path}, found ${found}`;
      assert.ok(early > 0, `${what}: asked early`);
      assert.deepEqual(calls.slice(0, early), inline.slice(0, early).map((c) => c.replace('sink', 'early')), `${what}: the questions that came first`);
      assert.deepEqual(calls.slice(early), inline.slice(early), `${what}: the rest, in order, to the sink`);
      assert.match(inline[early]!, /^sink (createBoot|anchors)/, `${what}: the first call past them is one only the sink can take`);
      if (found !== null) assert.ok(inline.slice(early).includes('sink findBoot'), `${what}: a question after rows went to the sink`);
    }
  });

  it('links no row for a sink that keeps no chain, and does not wait for one', async () => {
    const path = join(dir, 'no-chain.txt');
    const gen = await generate(path, 20_000, 0.5, 5);
    let rows = 0;
    let linked = 0;
    const sink = oneBoot((_boot, row) => {
      rows++;
      if (row.link !== undefined) linked++;
    });
    await ParseThread.start(path, { name: path }, 'always').into(sink);
    assert.deepEqual([rows, linked], [gen.events, 0]);
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

  it('reads on while the store cannot yet name its new boot (the input is being hashed), instead of waiting', async () => {
    const path = join(dir, 'read-on.txt');
    // ~23 MB, its boot placed (asked for) within its first 2 MiB, and fewer events than may be held meanwhile.
    const gen = await generate(path, 200_000, 0.05, 14);
    assert.ok(gen.events < MAX_HELD_ASKED);
    const thread = ParseThread.start(path, { name: path });
    thread.answerEarly(recording('early', []));
    // The store names the boot once `into` hands it over, as the import does when the hash is known.
    await new Promise((r) => setTimeout(r, 2000));
    const told: number[] = [];
    let rows = 0;
    await thread.into(
      oneBoot(() => rows++),
      (bytes) => told.push(bytes),
    );
    assert.ok(told[0]! > 8 << 20, `had read ${told[0]} bytes when the sink came`);
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
