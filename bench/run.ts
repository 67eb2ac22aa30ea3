/**
 * `npm run bench`: kvmlog's import and state query against the limits of this machine, measured in one run on
 * the same data. BENCH_LINES (default 1,000,000) sizes the 5 %-lifecycle trace; BENCH_STATE_MAX (default 1e6)
 * the largest boot for state latency; BENCH_RSS_LINES (default none) a further CLI import of a trace that long, for
 * its peak RSS (17,200,000 lines is 2 GB). Prints the results beside the targets and writes bench/results.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { hashInput } from '../src/app/hash-input.js';
import { importFile } from '../src/app/import-files.js';
import { stateAt } from '../src/app/state-at.js';
import { readLineBatchesSync } from '../src/ingest/lines.js';
import { ParseThread } from '../src/import/thread/read-in-thread.js';
import { openStore } from '../src/store/db.js';
import { rebuildProjections } from '../src/store/projections/rebuild.js';
import { listBoots } from '../src/store/read.js';
import { generate } from '../test/helpers/generate.js';
import { FakeSink } from '../test/helpers/sink.js';
import { type BenchResults, type ImportCase, type LargeImport, type StateCase, summaryTable } from './targets.js';
import type BetterSqlite3 from 'better-sqlite3';

const Database: typeof BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3');

const LINES = Number(process.env['BENCH_LINES'] ?? 1_000_000);
const STATE_MAX = Number(process.env['BENCH_STATE_MAX'] ?? 1_000_000);
const RSS_LINES = process.env['BENCH_RSS_LINES'] === undefined ? null : Number(process.env['BENCH_RSS_LINES']);
/**
 * Rounds of limits and import, in turn. The machine is shared: within one run the same import took 0.63–0.75 s
 * (three rounds), so the medians of five are compared, and each round's own ratio is kept to show the spread.
 */
const RUNS = 5;
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const dir = mkdtempSync(join(tmpdir(), 'kvmlog-bench-'));
// Run from the package root (npm run bench), bundled into dist/bench by scripts/bench.js.
const bin = join(process.cwd(), 'bin/run.js');
const machine = { cpus: (await import('node:os')).cpus().length, node: process.version };
const say = (s: string) => process.stderr.write(`${s}\n`);

async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t = performance.now();
  const v = await fn();
  return [v, (performance.now() - t) / 1000];
}

/** The reading limit: the file split into lines as kvmlog's parse thread reads it (blocking reads into reused buffers), nothing parsed. */
async function readLimit(path: string): Promise<number> {
  const [, s] = await time(() => {
    let n = 0;
    for (const batch of readLineBatchesSync(path)) n += batch.length;
    return n;
  });
  return s;
}

/**
 * kvmlog's own parse, no store: the parse thread started, reading and decoding the file, its rows handed to a
 * sink that keeps nothing. Not a limit of the machine but of kvmlog's reading side: an import cannot end before it.
 */
async function parseAlone(path: string): Promise<number> {
  const [, s] = await time(() => ParseThread.start(path, { name: path }).into(new FakeSink({ record: false })));
  return s;
}

/** The rows kvmlog stored for an input, as its events table holds them, in append order. */
type StoredRow = [boot: string, timeNs: bigint, cpu: bigint | null, type: string, fields: string, line: bigint, raw: string, hash: string];

async function storedRows(db: string): Promise<StoredRow[]> {
  const store = await openStore(db, 'read');
  try {
    return store.raw.prepare('SELECT boot_id, time_ns, cpu, type, fields, line, raw, hash FROM events ORDER BY seq').safeIntegers(true).raw(true).all() as StoredRow[];
  } finally {
    await store.close();
  }
}

/**
 * The storage limit: the very events kvmlog stored for the input, inserted again into a fresh store with one
 * prepared statement in one transaction — nothing parsed, hashed, matched or projected.
 */
async function storageLimit(rows: readonly StoredRow[]): Promise<number> {
  const path = join(dir, `limit-${++limits}.db`);
  const store = await openStore(path);
  const raw = store.raw;
  raw.prepare("INSERT INTO sources (sha256, path, format, imported_at, lines, events) VALUES ('x', 'x', 'ftrace', '', 0, 0)").run();
  for (const boot of new Set(rows.map((r) => r[0]))) raw.prepare("INSERT INTO boots (id, host, kind, source_id) VALUES (?, 'h', 'normal', 1)").run(boot);
  const ins = raw.prepare('INSERT OR IGNORE INTO events (boot_id, time_ns, cpu, type, fields, source_id, line, raw, hash) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)');
  const [, s] = await time(() => {
    raw.exec('BEGIN');
    for (const r of rows) ins.run(r);
    raw.exec('COMMIT');
  });
  await store.close();
  removeDb(path);
  return s;
}

/**
 * The minimal store: the same rows with no design of kvmlog's around them — one row per event, one index
 * (boot, time), one transaction, one prepared statement, the writing store's own settings (WAL, 2 MB page cache).
 * No hash column, no identity index, no sources or boots tables: what any event store must at least pay.
 */
async function minimalLimit(rows: readonly StoredRow[]): Promise<number> {
  const path = join(dir, `minimal-${++limits}.db`);
  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('cache_size = -2000');
  raw.exec('CREATE TABLE events (boot TEXT NOT NULL, time_ns INTEGER NOT NULL, cpu INTEGER, type TEXT NOT NULL, fields TEXT NOT NULL, line INTEGER NOT NULL, raw TEXT NOT NULL)');
  raw.exec('CREATE INDEX events_boot_time ON events (boot, time_ns)');
  const ins = raw.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)');
  const [, s] = await time(() => {
    raw.exec('BEGIN');
    for (const r of rows) ins.run(r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
    raw.exec('COMMIT');
  });
  raw.close();
  removeDb(path);
  return s;
}

let limits = 0;
const removeDb = (path: string) => {
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
};

async function importCase(name: string, lines: number, fraction: number): Promise<ImportCase> {
  const path = join(dir, `${name}.txt`);
  const gen = await generate(path, lines, fraction, 42);
  say(`${name}: ${gen.lines} lines, ${(gen.bytes / 1e6).toFixed(1)} MB, ${gen.events} lifecycle events`);
  // A first import, untimed: the rows it stores are what the storage limit inserts.
  const first = join(dir, `${name}-rows.db`);
  const store0 = await openStore(first);
  await importFile(store0, path, {});
  await store0.close();
  const rows = await storedRows(first);
  removeDb(first);
  // The machine is shared: the limits and the import are measured in turn, three times, and the medians compared.
  const reads: number[] = [];
  const storages: number[] = [];
  const minimals: number[] = [];
  const imports: number[] = [];
  const cpus: number[] = [];
  const parses: number[] = [];
  const hashes: number[] = [];
  const rounds: number[] = [];
  const roundsToStorage: number[] = [];
  const roundsToMinimal: number[] = [];
  const roundsToReadPlusMinimal: number[] = [];
  let events = 0;
  let size = 0;
  for (let k = 0; k < RUNS; k++) {
    reads.push(await readLimit(path));
    // What the import computes before its first append (boot ids and chain links cover it): not in the target's
    // formula, shown to say where the time goes.
    hashes.push((await time(() => hashInput(path)))[1]);
    parses.push(await parseAlone(path));
    storages.push(await storageLimit(rows));
    minimals.push(await minimalLimit(rows));
    // In process, without start-up: the import itself.
    const db = join(dir, `${name}-inproc-${k}.db`);
    const store = await openStore(db);
    const cpu0 = process.cpuUsage();
    const [r, inproc] = await time(() => importFile(store, path, {}));
    const used = process.cpuUsage(cpu0);
    // Every thread's CPU time (the parse thread's, V8's collectors'): what two cores must share.
    cpus.push((used.user + used.system) / 1e6);
    events = r.kind === 'imported' ? r.summary.events : 0;
    await store.close();
    size = statSync(db).size;
    removeDb(db);
    imports.push(inproc);
    rounds.push(inproc / (reads[k]! + storages[k]!));
    roundsToStorage.push(inproc / storages[k]!);
    roundsToMinimal.push(inproc / minimals[k]!);
    roundsToReadPlusMinimal.push(inproc / (reads[k]! + minimals[k]!));
    say(
      `  round ${k + 1}: read ${reads[k]!.toFixed(3)} s, storage ${storages[k]!.toFixed(3)} s, minimal ${minimals[k]!.toFixed(3)} s, import ${inproc.toFixed(3)} s: ${rounds[k]!.toFixed(2)} × read + storage, ${roundsToReadPlusMinimal[k]!.toFixed(2)} × read + minimal`,
    );
  }
  const [read, storage, minimal, inproc, cpu] = [median(reads), median(storages), median(minimals), median(imports), median(cpus)];
  // In a child process, to measure its peak RSS as a user's import would have it.
  const db = join(dir, `${name}.db`);
  const [wall, rssMB] = cliImport(path, db);
  return {
    lines: gen.lines,
    megabytes: gen.bytes / 1e6,
    events,
    importSeconds: inproc,
    importCpuSeconds: cpu,
    importCliSeconds: wall,
    peakRssMB: rssMB,
    linesPerSecond: gen.lines / inproc,
    megabytesPerSecond: gen.bytes / 1e6 / inproc,
    eventsPerSecond: events / inproc,
    readLimitSeconds: read,
    parseAloneSeconds: median(parses),
    inputHashSeconds: median(hashes),
    storageLimitSeconds: storage,
    ratioToReadPlusStorage: inproc / (read + storage),
    ratioToStorage: inproc / storage,
    roundRatiosToReadPlusStorage: rounds,
    roundRatiosToStorage: roundsToStorage,
    minimalLimitSeconds: minimal,
    ratioToReadPlusMinimal: inproc / (read + minimal),
    ratioToMinimal: inproc / minimal,
    roundRatiosToReadPlusMinimal: roundsToReadPlusMinimal,
    roundRatiosToMinimal: roundsToMinimal,
    bytesPerEvent: events > 0 ? size / events : 0,
  };
}

/** A whole CLI import, as a user's would run: its wall time (s) and peak RSS (MiB, GNU time's maxrss). */
function cliImport(path: string, db: string): [seconds: number, peakRssMB: number] {
  const t0 = performance.now();
  const child = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', process.execPath, bin, 'import', '--db', db, '--no-progress', path], { encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (child.status !== 0) throw new Error(`kvmlog import ${path} failed: ${child.stderr}`);
  return [wall, Number(/maxrss=(\d+)/.exec(child.stderr)?.[1] ?? NaN) / 1024];
}

/** The peak RSS of a CLI import of a trace of `lines` lines at 5 % lifecycle (the target: ≤ 300 MB for 2 GB). */
async function largeImport(lines: number): Promise<LargeImport> {
  const path = join(dir, 'large.txt');
  const gen = await generate(path, lines, 0.05, 42);
  say(`large: ${gen.lines} lines, ${(gen.bytes / 1e6).toFixed(1)} MB, ${gen.events} lifecycle events`);
  const db = join(dir, 'large.db');
  const [seconds, peakRssMB] = cliImport(path, db);
  removeDb(db);
  rmSync(path, { force: true });
  return { lines: gen.lines, megabytes: gen.bytes / 1e6, events: gen.events, seconds, peakRssMB };
}

/** state --at at random instants of a boot of n events: in process, and as a whole CLI call. */
async function stateCase(n: number): Promise<StateCase> {
  const db = join(dir, `state-${n}.db`);
  const store = await openStore(db);
  const raw = store.raw;
  raw.prepare("INSERT INTO sources (sha256, path, format, imported_at, lines, events) VALUES ('x', 'x', 'ftrace', '', 0, 0)").run();
  raw.prepare("INSERT INTO boots (id, host, kind, era, source_id) VALUES ('b', 'h', 'normal', 'E3', 1)").run();
  const ins = raw.prepare('INSERT INTO events (boot_id, time_ns, cpu, type, fields, source_id, line, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  raw.exec('BEGIN');
  for (let i = 0; i < n; i++) {
    const cpu = i % 4;
    ins.run('b', BigInt(1_000_000_000 + i * 10_000), cpu, i % 8 < 4 ? 'virt.enable' : 'virt.disable', `{"cpu":${cpu},"ret":0,"vendor":"svm"}`, 1, i + 1, 'x');
  }
  raw.exec('COMMIT');
  const boot = listBoots(store)[0]!;
  const [, projectSeconds] = await time(() => raw.transaction(() => rebuildProjections(store, 'b', 'E3'))());
  const span = BigInt(n) * 10_000n;
  const lat: number[] = [];
  const at = (f: number) => 1_000_000_000n + (span * BigInt(Math.floor(f * 1e6))) / 1_000_000n;
  for (let i = 0; i < 20; i++) stateAt(store, boot, at(Math.random())); // warm-up: JIT, page cache
  for (let i = 0; i < 500; i++) lat.push((await time(() => stateAt(store, boot, at(Math.random()))))[1] * 1000);
  const [, first] = await time(() => stateAt(store, boot, at(0.001)));
  const [, last] = await time(() => stateAt(store, boot, at(0.999)));
  await store.close();
  lat.sort((a, b) => a - b);
  const cli: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    execFileSync(process.execPath, [bin, 'state', '--db', db, '--at', `${at(Math.random())}ns`, '--json'], { stdio: ['ignore', 'ignore', 'pipe'] });
    cli.push(performance.now() - t);
  }
  cli.sort((a, b) => a - b);
  return { events: n, projectSeconds, p50ms: lat[Math.floor(lat.length * 0.5)]!, p99ms: lat[Math.floor(lat.length * 0.99)]!, lastOverFirst: last / first, cliMedianMs: cli[2]! };
}

try {
  const import5pct = await importCase('lifecycle-5pct', LINES, 0.05);
  const import100pct = await importCase('lifecycle-100pct', Math.floor(LINES / 4), 1);
  const state: StateCase[] = [];
  for (const n of [1e5, 1e6, 1e7].filter((n) => n <= STATE_MAX)) state.push(await stateCase(n));
  // What a CLI call cannot go below on this machine now: Node's own start-up, and oclif's with it (--help) —
  // measured right after the state calls they are compared with.
  const calls = (args: string[]) =>
    median(
      Array.from({ length: 7 }, () => {
        const t = performance.now();
        execFileSync(process.execPath, args, { stdio: 'ignore' });
        return performance.now() - t;
      }),
    );
  const [nodeStartMs, helpMs] = [calls(['-e', '']), calls([bin, '--help'])];
  const large = RSS_LINES === null ? null : await largeImport(RSS_LINES);
  const results: BenchResults = { machine, import5pct, import100pct, state, largeImport: large, nodeStartMs, helpMs };
  writeFileSync(join(process.cwd(), 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(summaryTable(results));
  say('all of it: bench/results.json');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
