/**
 * The pictures of a boot — terminal timeline, Perfetto export, NDJSON and CSV exports — on the real 6.1
 * kdump-direct recording: the panic at 17.948593 and the crash kexec at 17.950076 (console-kdump-direct.log),
 * VMXON on all four CPUs before it (kdump-direct-ftrace-precrash.txt), every CPU's virtualization off by the
 * end of the crash path.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { json, kvmlog, ndjson, scratch } from '../helpers/cli.js';
import { kdumpStores } from '../helpers/kdump.js';

const s = scratch();
let db: string;
let crashed: string;
/** The same history without CPU 1's emergency disable: kexec-with-virt-on fires for CPU 1. */
let edited: string;
before(async () => {
  ({ db, crashed, edited } = await kdumpStores(s.dir));
});
after(() => s.cleanup());

const PANIC_NS = 17_948_593_000n;
const KEXEC_NS = 17_950_076_000n;

describe('kvmlog timeline', () => {
  it('draws a lane per CPU with the panic and crash kexec where they happened, and every CPU off at the end', async () => {
    const r = await kvmlog(['timeline', '--db', db, '--boot', crashed, '--from', '17.94', '--to', '17.96', '--width', '109']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /\x1b\[/, 'no colour when not on a terminal');
    const lines = r.stdout.split('\n');
    const lane = (cpu: number) => lines.find((l) => l.startsWith(`CPU ${cpu} `))!;
    const events = lines.find((l) => l.startsWith('events'))!;
    // 109 columns: 9 of label, 98 slices of 20 ms / 98, then `|` and the state at the window's end.
    const colNs = (20_000_000n + 97n) / 98n;
    const col = (ns: bigint) => 9 + Number((ns - 17_940_000_000n) / colNs);
    assert.equal(events[col(PANIC_NS)], 'P');
    assert.equal(events[col(KEXEC_NS)], 'K');
    for (const cpu of [0, 1, 2, 3]) {
      assert.equal(lane(cpu)[9], '=', `CPU ${cpu} post-VMXON before the crash`);
      assert.ok(lane(cpu).endsWith('|-'), `CPU ${cpu} ends with virtualization off: ${lane(cpu)}`);
    }
    // The panicking CPU (3) disables in native_machine_crash_shutdown, before the kexec.
    assert.equal(lane(3)[col(KEXEC_NS) + 1], '-');
    assert.match(r.stdout, /P\s+17\.948593\s+#\d+\s+panic: sysrq triggered crash/);
    assert.match(r.stdout, /K\s+17\.950076\s+#\d+\s+crash kexec \(into kdump\)/);
    assert.match(r.stdout, /legend: .*= post-VMXON/);
  });

  it('marks a finding and lists it', async () => {
    const r = await kvmlog(['timeline', '--db', edited, '--from', '17.94', '--width', '100']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.split('\n').find((l) => l.startsWith('events'))!, /!/);
    assert.match(r.stdout, /!\s+17\.950076\s+#\d+\s+CPU 1: kexec-with-virt-on: /);
    assert.ok(r.stdout.split('\n').find((l) => l.startsWith('CPU 1 '))!.endsWith('|='), 'CPU 1 still post-VMXON at the end');
  });
});

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  s?: string;
  args?: Record<string, unknown>;
}

/** The trace-event rules the viewers enforce (Trace Event Format; Perfetto's JSON importer). */
function assertTraceEventRules(doc: { traceEvents: TraceEvent[] }): void {
  assert.ok(Array.isArray(doc.traceEvents));
  const tracks = new Map<string, TraceEvent[]>();
  for (const e of doc.traceEvents) {
    assert.ok(['X', 'C', 'i', 'M'].includes(e.ph), `phase ${e.ph}`);
    assert.equal(typeof e.name, 'string');
    assert.ok(Number.isInteger(e.pid));
    if (e.ph === 'M') {
      assert.ok(['process_name', 'thread_name', 'process_sort_index', 'thread_sort_index'].includes(e.name));
      continue;
    }
    assert.ok(typeof e.ts === 'number' && Number.isFinite(e.ts) && e.ts >= 0, `ts ${e.ts}`);
    if (e.ph === 'X') {
      assert.ok(typeof e.dur === 'number' && e.dur >= 0);
      assert.ok(Number.isInteger(e.tid));
      const key = `${e.pid}/${e.tid}`;
      tracks.set(key, [...(tracks.get(key) ?? []), e]);
    }
    if (e.ph === 'C') for (const v of Object.values(e.args ?? {})) assert.equal(typeof v, 'number', 'counter values are numbers');
    if (e.ph === 'i') assert.ok(['g', 'p', 't'].includes(e.s!));
  }
  // Complete events on one track nest or follow each other: never a partial overlap.
  for (const [key, xs] of tracks) {
    const sorted = [...xs].sort((a, b) => a.ts! - b.ts! || b.dur! - a.dur!);
    const stack: TraceEvent[] = [];
    for (const e of sorted) {
      while (stack.length > 0 && stack.at(-1)!.ts! + stack.at(-1)!.dur! <= e.ts!) stack.pop();
      const parent = stack.at(-1);
      if (parent) assert.ok(e.ts! + e.dur! <= parent.ts! + parent.dur! + 1e-6, `${key}: ${e.name} at ${e.ts} overlaps ${parent.name} partially`);
      stack.push(e);
    }
  }
}

describe('kvmlog export --format perfetto', () => {
  it('writes trace-event JSON the viewers accept: CPU tracks, the usage counter, panic and kexec instants with their seq', async () => {
    const out = join(s.dir, 'boot.json');
    const r = await kvmlog(['export', '--db', db, '--format', 'perfetto', '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { displayTimeUnit: string; traceEvents: TraceEvent[] };
    assertTraceEventRules(doc);
    const names = doc.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => (e.args as { name: string }).name);
    for (const cpu of [0, 1, 2, 3]) assert.ok(names.includes(`CPU ${cpu} virt (post-VMXON / SVME)`), names.join(', '));
    const pid = doc.traceEvents.find((e) => e.ph === 'M' && e.name === 'process_name' && String((e.args as { name: string }).name).includes(crashed))!.pid;
    const instants = doc.traceEvents.filter((e) => e.ph === 'i' && e.pid === pid);
    const panic = instants.find((e) => e.args!['kind'] === 'panic')!;
    const kexec = instants.find((e) => e.args!['kind'] === 'kexec')!;
    // Microseconds, exact: the nanoseconds are the kernel's.
    assert.equal(panic.ts, 17948.593 * 1000);
    assert.equal(kexec.ts, 17950.076 * 1000);
    assert.equal(kexec.args!['atNs'], KEXEC_NS.toString());
    assert.ok(Number.isInteger(kexec.args!['seq']));
    const virt = doc.traceEvents.filter((e) => e.ph === 'X' && e.pid === pid && e.name === 'post-VMXON');
    assert.equal(new Set(virt.map((e) => e.args!['cpu'])).size, 4);
    const usage = doc.traceEvents.filter((e) => e.ph === 'C' && e.pid === pid).map((e) => e.args!['usage']);
    assert.ok(usage.includes(1));
  });
});

describe('kvmlog export --format ndjson and csv', () => {
  it('ndjson re-imports into an empty store with the same events, and verifies alone', async () => {
    const out = join(s.dir, 'all.ndjson');
    assert.equal((await kvmlog(['export', '--db', db, '--format', 'ndjson', '-o', out])).code, 0);
    const v = await kvmlog(['verify', out, '--json']);
    assert.equal(v.code, 0, v.stdout);
    assert.equal(JSON.parse(v.stdout).complete, true);
    const again = join(s.dir, 'again.db');
    assert.equal((await kvmlog(['import', '--db', again, out])).code, 0);
    const count = async (db: string) => (await json<{ events: number; kind: string }[]>(['boots', '--db', db])).map((b) => [b.kind, b.events]).sort();
    assert.deepEqual(await count(again), await count(db));
  });

  it('csv has a header and one row per event that a CSV parser reads back, raw lines intact', async () => {
    const r = await kvmlog(['export', '--db', db, '--format', 'csv', '--boot', crashed]);
    assert.equal(r.code, 0, r.stderr);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    const events = await ndjson<{ seq: number; raw: string; timeNs: string }>(['events', '--db', db, '--boot', crashed]);
    assert.equal(rows.length, events.length);
    assert.deepEqual(Object.keys(rows[0]!), ['seq', 'boot', 'time_ns', 'cpu', 'type', 'fields', 'source', 'source_sha256', 'line', 'raw', 'hash']);
    const kexec = rows.find((x) => x['type'] === 'kexec.start')!;
    assert.equal(kexec['time_ns'], KEXEC_NS.toString());
    assert.deepEqual(JSON.parse(kexec['fields']!), { kind: 'crash' });
    assert.equal(kexec['raw'], events.find((e) => e.seq === Number(kexec['seq']))!.raw);
  });
});
