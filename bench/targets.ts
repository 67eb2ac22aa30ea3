/**
 * What `npm run bench` measures, and the targets beside it: each target is judged from the numbers of the
 * same run, so the table a run prints says itself what it met — the README only records it.
 */
import { table } from '../src/render/table.js';

export interface ImportCase {
  readonly lines: number;
  readonly megabytes: number;
  readonly events: number;
  readonly importSeconds: number;
  readonly importCpuSeconds: number;
  readonly importCliSeconds: number;
  /** Of the CLI import of this case's input (MiB). */
  readonly peakRssMB: number;
  readonly linesPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly eventsPerSecond: number;
  readonly readLimitSeconds: number;
  readonly parseAloneSeconds: number;
  readonly inputHashSeconds: number;
  readonly storageLimitSeconds: number;
  /** Medians: the import's over the reading limit's plus the storage limit's. */
  readonly ratioToReadPlusStorage: number;
  readonly ratioToStorage: number;
  readonly roundRatiosToReadPlusStorage: readonly number[];
  readonly roundRatiosToStorage: readonly number[];
  /** The minimal store (one row per event, one index, one transaction, one statement) and the import against it. */
  readonly minimalLimitSeconds: number;
  readonly ratioToReadPlusMinimal: number;
  readonly ratioToMinimal: number;
  readonly roundRatiosToReadPlusMinimal: readonly number[];
  readonly roundRatiosToMinimal: readonly number[];
  readonly bytesPerEvent: number;
}

export interface StateCase {
  readonly events: number;
  readonly projectSeconds: number;
  readonly p50ms: number;
  readonly p99ms: number;
  readonly lastOverFirst: number;
  readonly cliMedianMs: number;
}

/** A CLI import of a large input, for its peak RSS (BENCH_RSS_LINES). */
export interface LargeImport {
  readonly lines: number;
  readonly megabytes: number;
  readonly events: number;
  readonly seconds: number;
  readonly peakRssMB: number;
}

export interface BenchResults {
  readonly machine: { readonly cpus: number; readonly node: string };
  readonly import5pct: ImportCase;
  readonly import100pct: ImportCase;
  readonly state: readonly StateCase[];
  readonly largeImport: LargeImport | null;
  readonly nodeStartMs: number;
  readonly helpMs: number;
}

export type Verdict = 'met' | 'NOT MET' | 'not measured';

export interface Judged {
  readonly measure: string;
  readonly result: string;
  readonly target: string;
  /** null where the issue sets no target. */
  readonly verdict: Verdict | null;
}

/** The targets apply to a 10^7-event boot and a 2 GB input; smaller runs measure, and say what they did not. */
const STATE_TARGET_EVENTS = 10_000_000;
const RSS_TARGET_BYTES = 2e9;

/** The minimal store's ratios are measured, not judged: a later issue sets their goal. */
const MEASURED_ONLY = '— (measured)';
const x = (r: number) => `${r.toFixed(2)} ×`;
const ms = (v: number) => `${v.toFixed(2)} ms`;
const rounds = (rs: readonly number[]) => `rounds ${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)}`;
const judge = (ok: boolean): Verdict => (ok ? 'met' : 'NOT MET');
const count = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(n % 1e6 === 0 ? 0 : 1)} M` : `${(n / 1e3).toFixed(0)} k`);

export function judged(r: BenchResults): Judged[] {
  const five = r.import5pct;
  const all = r.import100pct;
  const out: Judged[] = [
    {
      measure: `import, 5 % lifecycle (${count(five.lines)} lines, ${five.megabytes.toFixed(0)} MB)`,
      result: `${(five.linesPerSecond / 1e3).toFixed(0)} k lines/s, ${five.megabytesPerSecond.toFixed(0)} MB/s, ${(five.eventsPerSecond / 1e3).toFixed(0)} k events/s (${five.importSeconds.toFixed(3)} s)`,
      target: '≥ 1,000,000 lines/s',
      verdict: judge(five.linesPerSecond >= 1e6),
    },
    {
      measure: '… against reading + storage limits',
      result: `${x(five.ratioToReadPlusStorage)} (${five.readLimitSeconds.toFixed(3)} + ${five.storageLimitSeconds.toFixed(3)} s; ${rounds(five.roundRatiosToReadPlusStorage)})`,
      target: '≤ 2 ×',
      verdict: judge(five.ratioToReadPlusStorage <= 2),
    },
    {
      measure: '… against reading + the minimal store',
      result: `${x(five.ratioToReadPlusMinimal)} (${five.readLimitSeconds.toFixed(3)} + ${five.minimalLimitSeconds.toFixed(3)} s; ${rounds(five.roundRatiosToReadPlusMinimal)})`,
      target: MEASURED_ONLY,
      verdict: null,
    },
    {
      measure: `import, 100 % lifecycle (${count(all.lines)} lines, ${count(all.events)} events)`,
      result: `${x(all.ratioToStorage)} the storage limit (${all.importSeconds.toFixed(3)} against ${all.storageLimitSeconds.toFixed(3)} s; ${rounds(all.roundRatiosToStorage)})`,
      target: '≤ 2 ×',
      verdict: judge(all.ratioToStorage <= 2),
    },
    {
      measure: '… against the minimal store',
      result: `${x(all.ratioToMinimal)} (${all.minimalLimitSeconds.toFixed(3)} s; ${rounds(all.roundRatiosToMinimal)})`,
      target: MEASURED_ONLY,
      verdict: null,
    },
  ];
  for (const s of r.state) {
    const judgesState = s.events === STATE_TARGET_EVENTS;
    out.push({
      measure: `state --at, ${count(s.events)}-event boot: in process`,
      result: `p50 ${ms(s.p50ms)}, p99 ${ms(s.p99ms)}, end/start ${s.lastOverFirst.toFixed(2)}`,
      target: judgesState ? 'p99 ≤ 5 ms, end/start ≤ 2' : '(at 10^7 events)',
      verdict: judgesState ? judge(s.p99ms <= 5 && s.lastOverFirst <= 2) : 'not measured',
    });
    out.push({
      measure: '… as a whole CLI call (median of 5)',
      result: `${s.cliMedianMs.toFixed(0)} ms (Node alone ${r.nodeStartMs.toFixed(0)} ms, --help ${r.helpMs.toFixed(0)} ms)`,
      target: judgesState ? '≤ 300 ms' : '(at 10^7 events)',
      verdict: judgesState ? judge(s.cliMedianMs <= 300) : 'not measured',
    });
  }
  if (!r.state.some((s) => s.events === STATE_TARGET_EVENTS)) {
    out.push({ measure: 'state --at, 10^7-event boot', result: 'BENCH_STATE_MAX=10000000 measures it', target: 'p99 ≤ 5 ms, end/start ≤ 2, CLI ≤ 300 ms', verdict: 'not measured' });
  }
  const big = r.largeImport;
  const judgesRss = big !== null && big.megabytes * 1e6 >= RSS_TARGET_BYTES;
  out.push({
    measure: big === null ? `peak RSS, CLI import of ${five.megabytes.toFixed(0)} MB` : `peak RSS, CLI import of ${(big.megabytes / 1e3).toFixed(2)} GB (${count(big.lines)} lines)`,
    result: big === null ? `${five.peakRssMB.toFixed(0)} MB` : `${big.peakRssMB.toFixed(0)} MB in ${big.seconds.toFixed(1)} s`,
    target: judgesRss ? '≤ 300 MB' : '(importing 2 GB: BENCH_RSS_LINES=17200000)',
    verdict: judgesRss ? judge(big.peakRssMB <= 300) : 'not measured',
  });
  out.push({ measure: 'database size', result: `${five.bytesPerEvent.toFixed(0)} bytes per event`, target: '—', verdict: null });
  return out;
}

export function summaryTable(r: BenchResults): string {
  const rows = judged(r).map((j) => [j.measure, j.result, j.target, j.verdict ?? '']);
  return `${table(['measure', 'result', 'target', ''], rows)}\n(${r.machine.cpus} cores, Node ${r.machine.node})`;
}
