/**
 * Hostile and broken input, for every importer: random and mutated real lines (property-based), and the
 * classic breakers — binary, NUL bytes, invalid UTF-8, a 100 MB line, a cut last line, huge numbers,
 * backwards stamps, CPU ids no machine has. Each ends in a counted warning with its line or one clear error,
 * never a crash or a hang, and what can be read is read.
 */
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { importFile } from '../../src/app/import-files.js';
import { KvmlogError } from '../../src/errors.js';
import type { Format } from '../../src/ingest/formats/registry.js';
import { FtraceReader } from '../../src/ingest/formats/ftrace/reader.js';
import { type TestStore, testStore } from '../helpers/store.js';
import { fixture } from '../helpers/cli.js';

const ENABLE = '          <idle>-0       [003] d.h1.    12.593164: svm_hardware_enable_ret: (kvm_arch_hardware_enable+0x91/0x280 [kvm] <- svm_hardware_enable) ret=0';
const DISABLE = '     migration/3-30      [003] d..2.    14.437947: svm_hardware_disable: (svm_hardware_disable+0x0/0x50 [kvm_amd])';

let t: TestStore;
before(async () => {
  t = await testStore();
});
after(() => t.close());

let n = 0;
/**
 * Imports bytes as a file into a fresh store (or the shared one, for the fuzzing); a KvmlogError is an allowed
 * outcome (one clear line), and so is "already imported" for a repeated random input; anything else is a bug.
 */
async function importBytes(bytes: Buffer | string, format?: Format, into?: TestStore) {
  const store = into ?? (await testStore());
  const path = join(store.dir, `in-${n++}.txt`);
  writeFileSync(path, bytes);
  try {
    const r = await importFile(store.store, path, format ? { format } : {});
    if (r.kind === 'already-imported') return { kind: 'already-imported' as const };
    return { kind: 'imported' as const, summary: r.summary, events: r.summary.boots.flatMap((b) => store.events(b).map((e) => e.event)) };
  } catch (e) {
    if (e instanceof KvmlogError) {
      assert.equal(e.message.split('\n').length, 1, 'one line');
      return { kind: 'error' as const, message: e.message };
    }
    throw e;
  } finally {
    if (into === undefined) await store.close();
  }
}

describe('broken bytes', () => {
  it('a binary file is refused with one line', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) % 251));
    const r = await importBytes(bytes);
    assert.equal(r.kind, 'error');
    assert.match((r as { message: string }).message, /not a format kvmlog reads/);
  });

  it('NUL bytes and invalid UTF-8 inside a trace: the good lines are read, the damaged lifecycle line is a warning', async () => {
    const text = Buffer.concat([
      Buffer.from(`# tracer: nop\n${ENABLE}\n`),
      Buffer.from('     migration/3-30      [003] d..2.    14.43\x00\x00947: svm_hardware_disable: (svm_hardware_disable+0x0/0x50 [kvm_amd])\n'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]),
      Buffer.from(`${DISABLE}\n`),
    ]);
    const r = await importBytes(text);
    assert.equal(r.kind, 'imported');
    if (r.kind !== 'imported') return;
    assert.deepEqual(
      r.events.map((e) => e.type),
      ['virt.enable', 'virt.disable'],
    );
    assert.deepEqual(r.summary.warnings.map((w) => w.line), [3]);
    assert.equal(r.summary.lines, 5);
  });

  it('a 100 MB line is a warning at its line, not held in memory; the lines after it are read', async () => {
    const path = join(t.dir, 'huge-line.txt');
    const fd = openSync(path, 'w');
    writeSync(fd, `# tracer: nop\n${ENABLE}\n`);
    const mb = Buffer.alloc(1 << 20, 'x');
    for (let i = 0; i < 100; i++) writeSync(fd, mb);
    writeSync(fd, `\n${DISABLE}\n`);
    closeSync(fd);
    const fresh = await testStore();
    after(() => fresh.close());
    const before = process.memoryUsage().rss;
    const r = await fresh.import(path);
    assert.ok(process.memoryUsage().rss - before < 200 << 20, 'the line was not kept whole');
    assert.equal(r.summary.warnings.length, 1);
    assert.deepEqual(r.summary.warnings[0], { line: 3, message: 'a line of 104857600 bytes, longer than any kernel or journal line (limit 1048576): not read' });
    assert.deepEqual(
      fresh.events(r.summary.boots[0]!).map((e) => e.event.type),
      ['virt.enable', 'virt.disable'],
    );
  });

  it('a real trace cut in the middle of its last line', async () => {
    const whole = readFileSync(fixture('linux-6.1-qemu', 'ftrace-lifecycle.txt'), 'utf8');
    const cut = whole.slice(0, whole.lastIndexOf('svm_hardware_disable') + 12);
    const r = await importBytes(cut);
    assert.equal(r.kind, 'imported');
    if (r.kind !== 'imported') return;
    assert.equal(r.summary.lines, cut.split('\n').length);
    assert.deepEqual(r.summary.warnings.map((w) => w.line), [cut.split('\n').length]);
  });
});

describe('garbage that looks like a trace', () => {
  it('a trace of 200,000 distinct event names is read in bounded memory (names are not all remembered)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // Settled memory: two full collections, the sweeper given a turn between them.
    const settled = async () => {
      gc();
      await new Promise((r) => setImmediate(r));
      gc();
      return process.memoryUsage().heapUsed + process.memoryUsage().external;
    };
    const reader = new FtraceReader();
    const line = (i: number) => Buffer.from(`       kvmvm-241 [001] .....     5.000012: ev_${i.toString(36)}_${'x'.repeat(60)}: a=1`);
    let skipped = 0;
    const read = (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const b = line(i);
        if (reader.skips(b, 0, b.length)) skipped++;
      }
    };
    read(0, 100_000);
    const half = await settled();
    read(100_000, 200_000);
    // The second 100,000 names must not add to what the reader holds (remembered, they would: ~40 MB).
    const grown = (await settled()) - half;
    // The reader is still in use after the measurement: what it holds was counted.
    read(0, 1);
    assert.equal(skipped, 200_001, 'other subsystems\u2019 records, all skipped');
    assert.ok(grown < 8 << 20, `${grown >> 20} MB more held after 100,000 more names`);
  });

  it('hotplug records for 200,000 distinct impossible CPUs are each a warning, and no event', async () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => `     kworker/0:1-17      [000] .....    14.393906: cpuhp_enter: cpu: ${100_000 + i} target: 236 step: 197 (workqueue_online_cpu)`);
    const r = await importBytes(`# tracer: nop\n${lines.join('\n')}\n${ENABLE}\n`);
    assert.equal(r.kind, 'imported');
    if (r.kind !== 'imported') return;
    assert.equal(r.summary.warnings.length, 200_000);
    assert.match(r.summary.warnings[0]!.message, /CPU 100000 is beyond any x86 kernel's CPUs/);
    assert.deepEqual(r.events.map((e) => e.type), ['virt.enable']);
  });
});

describe('numbers no kernel prints', () => {
  it('a CPU id beyond any x86 kernel (NR_CPUS ≤ 8192) is a warning, not a CPU', async () => {
    const r = await importBytes(`# tracer: nop\n${ENABLE.replace('[003]', '[999999]')}\n${ENABLE.replace('[003]', '[8191]')}\n`);
    assert.equal(r.kind, 'imported');
    if (r.kind !== 'imported') return;
    assert.deepEqual(r.events, [{ type: 'virt.enable', cpu: 8191, vendor: 'svm', ret: 0 }]);
    assert.equal(r.summary.warnings.length, 1);
    assert.match(r.summary.warnings[0]!.message, /CPU 999999 is beyond any x86 kernel's CPUs/);
    const dmesg = await importBytes('[   14.450162] smpboot: CPU 4294967295 is now offline\n[   14.450163] smpboot: CPU 2 is now offline\n');
    assert.equal(dmesg.kind, 'imported');
    if (dmesg.kind !== 'imported') return;
    assert.deepEqual(dmesg.events, [{ type: 'cpu.offline', cpu: 2 }]);
    assert.deepEqual(dmesg.summary.warnings.map((w) => w.line), [1]);
  });

  it('stamps too long to be a kernel time, return values past 64 bits, and cpu= arguments of 30 digits do not crash', async () => {
    const r = await importBytes(
      [
        '# tracer: nop',
        ENABLE.replace('12.593164', '123456789012345678901234567890.593164'),
        ENABLE.replace('ret=0', 'ret=-99999999999999999999999999999'),
        '     migration/2-25      [002] d..2.    14.437947: kvm_dying_cpu: (kvm_dying_cpu+0x0/0x50 [kvm]) cpu=999999999999999999999999999999',
        '',
      ].join('\n'),
    );
    assert.equal(r.kind, 'imported');
    if (r.kind !== 'imported') return;
    // Each of the three lines is accounted for: read, or a warning at its line.
    assert.equal(r.summary.lines, 4);
    for (const e of r.events) if ('cpu' in e && e.cpu !== null) assert.ok(e.cpu < 8192);
  });

  it('stamps that go backwards (per-CPU buffers merged) are stored in kernel-time order', async () => {
    const r = await importBytes(`# tracer: nop\n${DISABLE}\n${ENABLE}\n`);
    assert.equal(r.kind, 'imported');
    if (r.kind !== 'imported') return;
    assert.deepEqual(r.events.map((e) => e.type), ['virt.enable', 'virt.disable']);
  });
});

/** Real lines of each format, from the fixtures: what the mutations start from. */
const SAMPLES: Record<Format, string> = {
  ftrace: fixture('linux-6.12-qemu', 'ftrace-lifecycle.txt'),
  perf: fixture('host-6.18-perf', 'perf-script-sched.txt'),
  dmesg: fixture('linux-6.12-qemu', 'dmesg-lifecycle.txt'),
  kmsg: fixture('linux-6.12-qemu', 'kmsg-lifecycle.txt'),
  syslog: fixture('syslog-rsyslog', 'syslog-6.1-tail.txt'),
  'journal-json': fixture('journal-qemu', 'journal-json.txt'),
  ndjson: fixture('host-6.18-bpftrace', 'bpftrace-json.ndjson'),
};

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('\0', '\uFFFD', '[', ']', ':', '(', ')', '=', '"', '{', '}', ' <-', 'ret=', 'cpu=', '-', '.', '9'.repeat(25))) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
);

function mutate(line: string, ms: readonly fc.RecordValue<{ kind: 'insert' | 'delete' | 'cut'; at: number; text?: string; length?: number }>[]): string {
  let s = line;
  for (const m of ms) {
    const at = s.length === 0 ? 0 : m.at % (s.length + 1);
    if (m.kind === 'insert') s = s.slice(0, at) + m.text + s.slice(at);
    else if (m.kind === 'delete') s = s.slice(0, at) + s.slice(at + (m.length ?? 1));
    else s = s.slice(0, at);
  }
  return s;
}

describe('every importer on random and mutated real lines', () => {
  for (const [format, path] of Object.entries(SAMPLES) as [Format, string][]) {
    it(`${format}: a warning or a clean error, never a crash, and every line counted`, async () => {
      const real = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
      const lines = fc.array(fc.oneof(fc.constantFrom(...real), fc.string({ maxLength: 120 })), { minLength: 1, maxLength: 12 });
      await fc.assert(
        fc.asyncProperty(lines, fc.array(fc.array(mutation, { maxLength: 3 }), { maxLength: 12 }), async (ls, ms) => {
          const text = `${ls.map((l, i) => mutate(l, ms[i] ?? [])).join('\n')}\n`;
          const r = await importBytes(text, format, t);
          if (r.kind === 'imported') assert.equal(r.summary.lines, text.split('\n').length - 1);
        }),
        { numRuns: 60, seed: 20261125 },
      );
    });
  }
});
