/**
 * Checkpoints and spans: state from the nearest checkpoint plus the events after it is the state folded from
 * the start, at any instant; spans are the intervals the fold shows.
 */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stateAt } from '../../src/app/state-at.js';
import { fold } from '../../src/model/reduce.js';
import { PROJECTION_VERSION } from '../../src/model/projection.js';
import { readInput } from '../../src/import/read-input.js';
import { readLineBatches } from '../../src/ingest/lines.js';
import { ImportSession } from '../../src/store/import/session.js';
import { readSpans } from '../../src/store/projections/queries.js';
import { CHECKPOINT_EVERY, rebuildProjections } from '../../src/store/projections/rebuild.js';
import { listBoots, readEvents } from '../../src/store/read.js';
import { fixture } from '../helpers/cli.js';
import { testStore } from '../helpers/store.js';

/** ftrace text of `n` VMXON/VMXOFF transitions over 4 CPUs, 1 µs apart from 10 s, in the 6.12 recording's shapes. */
function longTrace(n: number): string[] {
  const lines = ['# tracer: nop'];
  for (let i = 0; i < n; i++) {
    const cpu = i % 4;
    const s = (10 + i / 1e6).toFixed(6);
    lines.push(
      Math.floor(i / 4) % 2 === 0
        ? `         cpuhp/${cpu}-30      [00${cpu}] .....    ${s}: svm_enable_virtualization_cpu_ret: (kvm_arch_enable_virtualization_cpu+0xc4/0x280 [kvm] <- svm_enable_virtualization_cpu) ret=0`
        : `         cpuhp/${cpu}-30      [00${cpu}] ...1.    ${s}: svm_disable_virtualization_cpu: (svm_disable_virtualization_cpu+0x4/0xb0 [kvm_amd])`,
    );
  }
  return lines;
}

describe('checkpoints', () => {
  it('state at any instant equals the fold from the start, across many checkpoints', async () => {
    const t = await testStore();
    try {
      // A long history: 5000 VMXON/VMXOFF transitions over 4 CPUs, 1 µs apart.
      const lines = longTrace(5000);
      await t.importText('long.txt', `${lines.join('\n')}\n`);
      const [boot] = t.boots();
      const cps = t.store.raw.prepare('SELECT count(*) AS n, min(version) AS v FROM checkpoints WHERE boot_id = ?').get(boot!.id) as { n: number; v: number };
      assert.equal(cps.n, Math.floor(5000 / CHECKPOINT_EVERY));
      assert.equal(cps.v, PROJECTION_VERSION);
      const all = [...readEvents(t.store, { boot: boot!.id })];
      fc.assert(
        fc.property(fc.integer({ min: 9_999_000, max: 10_006_000 }), (us) => {
          const at = BigInt(us) * 1000n;
          const fast = stateAt(t.store, boot!, at);
          const slow = fold(boot!.era, all.filter((e) => e.timeNs <= at).map((e) => e.event));
          assert.deepEqual([...fast.state.cpus].sort(), [...slow.cpus].sort());
          assert.equal(fast.state.kvm.usageCount, slow.kvm.usageCount);
          assert.ok(fast.events <= CHECKPOINT_EVERY + 4, `${fast.events} events folded after the checkpoint`);
        }),
        { numRuns: 60 },
      );
    } finally {
      await t.close();
    }
  });

  it('checkpoints of another projection version are not used, and the state says so', async () => {
    const t = await testStore();
    try {
      const r = await t.import(fixture('linux-6.1-qemu', 'ftrace-lifecycle.txt'));
      const boot = t.boots().find((b) => b.id === r.summary.boots[0])!;
      const before = stateAt(t.store, boot, 15_000_000_000n);
      t.store.raw.prepare("INSERT INTO checkpoints (boot_id, time_ns, seq, version, state) VALUES (?, 1, 1, 999, '{}')").run(boot.id);
      const after = stateAt(t.store, boot, 15_000_000_000n);
      assert.equal(after.stale, true);
      assert.deepEqual([...after.state.cpus], [...before.state.cpus]);
    } finally {
      await t.close();
    }
  });
});

describe('projections kept up to date import by import', () => {
  it('equal a full rebuild, when later captures add events before, between and after the stored ones', async () => {
    const t = await testStore();
    try {
      // The trace, then the kernel log of the same boot (events from 0 s on), then the console (a power-off at 37.8 s).
      for (const f of ['ftrace-lifecycle.txt', 'dmesg-lifecycle.txt', 'console-lifecycle.log']) await t.import(fixture('linux-6.1-qemu', f));
      const boot = t.boots().find((b) => b.kernel === '6.1.0-56-amd64')!;
      const snapshot = () => ({
        spans: readSpans(t.store, { boot: boot.id }),
        checkpoints: t.store.raw.prepare('SELECT time_ns, seq, state FROM checkpoints WHERE boot_id = ? ORDER BY time_ns, seq').all(boot.id),
        stats: t.boots().find((b) => b.id === boot.id),
        states: ['0.5', '13', '15', '25.08', '30', '38'].map((s) => stateAt(t.store, t.boots().find((b) => b.id === boot.id)!, BigInt(Math.round(Number(s) * 1e6)) * 1000n).state),
      });
      const incremental = snapshot();
      t.store.raw.transaction(() => rebuildProjections(t.store, boot.id, boot.era))();
      const full = snapshot();
      assert.deepEqual(incremental.spans, full.spans);
      assert.deepEqual(incremental.checkpoints.length > 0 ? incremental.states : [], full.checkpoints.length > 0 ? full.states : []);
      assert.deepEqual(incremental.states, full.states);
      assert.deepEqual(incremental.stats, full.stats);
    } finally {
      await t.close();
    }
  });
});

describe('a boot an import creates', () => {
  it('is projected as the import appends its events, in time order, with the same result as reading them back', async () => {
    const t = await testStore();
    try {
      const text = `${longTrace(3000).join('\n')}\n`;
      // The mechanism: an in-order input keeps its new boot's projection live to the end.
      const path = join(t.dir, 'live.txt');
      writeFileSync(path, text);
      const session = ImportSession.begin(t.store);
      assert.equal(session.record({ sha256: 'live', path, format: 'ftrace', host: 'h' }).kind, 'recorded');
      const summary = await readInput(readLineBatches(path), session, { name: path });
      assert.equal(session.plans().get(summary.boots[0]!), 'finish-live');
      session.abort();
      // The outcome: projections made from them equal a rebuild that reads the events back.
      await t.importText('long.txt', text);
      const [boot] = t.boots();
      const snapshot = () => ({
        spans: readSpans(t.store, { boot: boot!.id }),
        checkpoints: t.store.raw.prepare('SELECT time_ns, seq, version, state FROM checkpoints WHERE boot_id = ? ORDER BY time_ns, seq').all(boot!.id),
        stats: t.boots()[0],
      });
      const held = snapshot();
      t.store.raw.transaction(() => rebuildProjections(t.store, boot!.id, boot!.era))();
      assert.deepEqual(held, snapshot());
      assert.equal(held.checkpoints.length, Math.floor(3000 / CHECKPOINT_EVERY));
    } finally {
      await t.close();
    }
  });
});

describe('resuming from a checkpoint', () => {
  it('a capture attached to a long boot resumes the fold before its first event, with the same result as a full rebuild', async () => {
    const t = await testStore();
    try {
      const lines = longTrace(3000);
      const first = await t.importText('long.txt', `${lines.join('\n')}\n`);
      const boot = first.summary.boots[0]!;
      // A second capture of that boot: a CPU 7 appears mid-history, and CPU 1 is turned off between two events.
      await t.importText(
        'more.txt',
        [
          '        kvmvm-9  [007] .....    10.002000: svm_enable_virtualization_cpu_ret: (kvm_arch_enable_virtualization_cpu+0xc4/0x280 [kvm] <- svm_enable_virtualization_cpu) ret=0',
          '        kvmvm-9  [001] ...1.    10.002100: svm_disable_virtualization_cpu: (svm_disable_virtualization_cpu+0x4/0xb0 [kvm_amd])',
          '        kvmvm-9  [007] ...1.    10.004000: svm_disable_virtualization_cpu: (svm_disable_virtualization_cpu+0x4/0xb0 [kvm_amd])',
          '',
        ].join('\n'),
        { boot },
      );
      const b = () => t.boots().find((x) => x.id === boot)!;
      const snapshot = () => ({
        spans: readSpans(t.store, { boot }),
        checkpoints: t.store.raw.prepare('SELECT time_ns, seq, state FROM checkpoints WHERE boot_id = ? ORDER BY time_ns, seq').all(boot),
        stats: b(),
        cpus: stateAt(t.store, b(), 10_003_000_000n).cpus,
      });
      const incremental = snapshot();
      assert.ok(incremental.checkpoints.length >= 10);
      assert.deepEqual(incremental.cpus, [0, 1, 2, 3, 7]);
      assert.deepEqual(readSpans(t.store, { boot, cpu: 7 }).map((s) => [s.fromNs, s.toNs]), [[10_002_000_000n, 10_004_000_000n]]);
      t.store.raw.transaction(() => rebuildProjections(t.store, boot, b().era))();
      assert.deepEqual(incremental, snapshot());
    } finally {
      await t.close();
    }
  });
});

describe('spans', () => {
  it('the real 6.1 lifecycle: VM A post-VMXON spans per CPU, CPU 2 cut by its offline window', async () => {
    const t = await testStore();
    try {
      const r = await t.import(fixture('linux-6.1-qemu', 'ftrace-lifecycle.txt'));
      const boot = r.summary.boots[0]!;
      // Which CPUs were post-VMXON between 14.5 s and 15.0 s (VM A open, CPU 2 offline)?
      const during = readSpans(t.store, { boot, kind: 'virt', fromNs: 14_500_000_000n, toNs: 15_000_000_000n });
      assert.deepEqual(during.map((s) => s.cpu).sort(), [0, 1, 3]);
      const cpu2 = readSpans(t.store, { boot, kind: 'virt', cpu: 2, toNs: 20_000_000_000n });
      // 12.601058 (VM A's IPI) → 14.437947 (kvm_dying_cpu), then 15.543156 (kvm_starting_cpu) → 19.831416 (VM A closed).
      assert.deepEqual(cpu2.map((s) => [s.fromNs, s.toNs]), [
        [12_601_058_000n, 14_437_947_000n],
        [15_543_156_000n, 19_831_416_000n],
      ]);
      // Rebuilt from the same events, the same spans.
      const b = listBoots(t.store).find((x) => x.id === boot)!;
      t.store.raw.transaction(() => rebuildProjections(t.store, boot, b.era))();
      assert.deepEqual(readSpans(t.store, { boot, kind: 'virt', cpu: 2, toNs: 20_000_000_000n }), cpu2);
    } finally {
      await t.close();
    }
  });

  it('equal a full rebuild on every real recording, whether the boot kept the era it was created with or not', async () => {
    const t = await testStore();
    try {
      const eras = new Set<string | null>();
      for (const dir of ['linux-6.1-qemu', 'linux-6.12-qemu', 'linux-6.1-qemu-kdump', 'linux-6.12-qemu-kexec', 'journal-qemu', 'host-6.18-ftrace', 'host-6.18-bpftrace']) {
        for (const f of readdirSync(join('test/fixtures', dir)).sort()) {
          await t.import(join('test/fixtures', dir, f)).catch(() => undefined); // READMEs and probe definitions are refused
        }
      }
      const snapshot = (boot: string) => ({
        spans: readSpans(t.store, { boot }),
        checkpoints: t.store.raw.prepare('SELECT time_ns, seq, version, state FROM checkpoints WHERE boot_id = ? ORDER BY time_ns, seq').all(boot),
        boot: t.store.raw.prepare('SELECT * FROM projected_boots WHERE boot_id = ?').all(boot),
      });
      const boots = t.boots();
      assert.ok(boots.length >= 10);
      for (const b of boots) {
        eras.add(b.era);
        const imported = snapshot(b.id);
        t.store.raw.transaction(() => rebuildProjections(t.store, b.id, b.era))();
        assert.deepEqual(imported, snapshot(b.id), b.id);
      }
      assert.ok(eras.has('E0') && eras.has('E3') && eras.has(null), 'eras of every kind, unknown too');
    } finally {
      await t.close();
    }
  });
});
