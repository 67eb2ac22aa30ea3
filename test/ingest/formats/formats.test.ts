/**
 * Every input format on real captures (test/fixtures/*\/README.md says how each was made), through the real
 * importer and store.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fixture } from '../../helpers/cli.js';
import { type TestStore, testStore } from '../../helpers/store.js';

const BOOT_61 = '6f1c1d6a0a7b4c2e9e1f3a5b7c9d0e21';
const BOOT_612 = '0b8e2f4c6d1a4e3f8a9b7c5d3e1f2a40';
const WALL_61 = 1_795_003_082_000_000_000n; // the journal's wall clock at the 6.1 boot's kernel time 0

describe('journalctl output (journal-qemu: the real 6.1 and 6.12 kernel logs as two boots of host hv17)', () => {
  for (const format of ['json', 'json-pretty', 'short-monotonic', 'short-precise', 'short-iso-precise', 'short-iso', 'short']) {
    it(`-o ${format}: two boots, the kernel's own messages, CPU 2 offline at 14.5 s`, async () => {
      const t = await testStore();
      try {
        const r = await t.import(fixture('journal-qemu', `journal-${format}.txt`));
        assert.equal(r.summary.format, format.startsWith('json') ? 'journal-json' : 'syslog');
        const boots = t.boots();
        assert.equal(boots.length, 2);
        const [b61, b612] = boots as [(typeof boots)[0], (typeof boots)[0]];
        assert.deepEqual([b61.kernel, b612.kernel], ['6.1.0-56-amd64', '6.12.117+deb12-amd64']);
        assert.deepEqual([b61.host, b612.host], ['hv17', 'hv17']);
        assert.equal(b612.previous, b61.id, 'boots of one journal follow each other');
        // JSON carries _BOOT_ID for both; the short formats print `-- Boot <id> --` only between boots.
        if (format.startsWith('json')) assert.equal(b61.id, BOOT_61);
        assert.equal(b612.id, BOOT_612);
        // The kernel took CPU 2 down at 14.450162 and up at 15.540554 (stamps to the second put them at 14 and 15).
        assert.deepEqual(t.online(b61.id, '14.5'), { 0: true, 1: true, 2: false, 3: true });
        assert.deepEqual(t.online(b61.id, '16.0'), { 0: true, 1: true, 2: true, 3: true });
        // Wall clock: the journal's realtime stamps anchor the boot (to the second in short/short-iso).
        if (format !== 'short-monotonic') assert.equal(b61.bootWallNs, WALL_61);
      } finally {
        await t.close();
      }
    });
  }

  it('the precise and the second-resolution renderings of one journal are the same boots and facts', async () => {
    const t = await testStore();
    try {
      await t.import(fixture('journal-qemu', 'journal-json.txt'));
      const second = await t.import(fixture('journal-qemu', 'journal-short.txt'));
      assert.equal(second.summary.events, 0);
      assert.equal(t.boots().length, 2);
    } finally {
      await t.close();
    }
  });
});

describe('util-linux dmesg renderings of the real 6.1 log', () => {
  it('dmesg -T: wall clock to the second; the banner anchors the boot, kernel times follow from it', async () => {
    const t = await testStore();
    try {
      await t.import(fixture('dmesg-util-linux', 'dmesg-T-6.1.txt'));
      const [b] = t.boots();
      assert.equal(b!.bootWallNs, BigInt(Date.parse('2026-11-25T11:58:02Z')) * 1_000_000n);
      const offline = t.events(b!.id).find((e) => e.event.type === 'cpu.offline')!;
      // `[Wed Nov 25 11:58:16 2026] smpboot: CPU 2 is now offline`: 14 s after the banner (the kernel said 14.450162).
      assert.equal(offline.timeNs, 14_000_000_000n);
    } finally {
      await t.close();
    }
  });

  it('dmesg --time-format iso: microseconds, so kernel times are exact', async () => {
    const t = await testStore();
    try {
      await t.import(fixture('dmesg-util-linux', 'dmesg-iso-6.1.txt'));
      const [b] = t.boots();
      const offline = t.events(b!.id).find((e) => e.event.type === 'cpu.offline')!;
      assert.equal(offline.timeNs, 14_450_162_000n);
    } finally {
      await t.close();
    }
  });

  it('dmesg -t has no timestamps: refused with a reason, nothing stored', async () => {
    const t = await testStore();
    try {
      await assert.rejects(t.import(fixture('dmesg-util-linux', 'dmesg-t-6.1.txt')), /without timestamps/);
      assert.deepEqual(t.boots(), []);
    } finally {
      await t.close();
    }
  });
});

describe('syslog written by rsyslog', () => {
  it('reads kernel lines with their kernel stamps, and attaches to the boot its dmesg already made', async () => {
    const t = await testStore();
    try {
      const dmesg = await t.import(fixture('linux-6.1-qemu', 'dmesg-lifecycle.txt'));
      const r = await t.import(fixture('syslog-rsyslog', 'syslog-6.1-tail.txt'));
      assert.equal(r.summary.format, 'syslog');
      assert.deepEqual(r.summary.warnings, []);
      assert.deepEqual(r.summary.boots, dmesg.summary.boots);
      assert.equal(r.summary.events, 0, 'the same facts, already stored');
      assert.ok(r.summary.duplicates > 5);
    } finally {
      await t.close();
    }
  });
});

describe('perf script and trace-cmd report (real layouts from this machine)', () => {
  it('perf script: real tracepoint lines are read as records of other subsystems', async () => {
    const t = await testStore();
    try {
      const r = await t.import(fixture('host-6.18-perf', 'perf-script-sched.txt'));
      assert.equal(r.summary.format, 'perf');
      assert.deepEqual([r.summary.events, r.summary.warnings.length, r.summary.other], [0, 0, r.summary.lines]);
    } finally {
      await t.close();
    }
  });

  it('perf script: lifecycle probes and tracepoints in that layout become events (perf probe names return probes __return)', async () => {
    const t = await testStore();
    try {
      const r = await t.importText(
        'perf.txt',
        [
          readFileSync(fixture('host-6.18-perf', 'perf-script-sched.txt'), 'utf8').split('\n')[0],
          '           kvmvm   131 [000]    12.590732: probe:kvm_arch_init_vm: (ffffffffc0a1b2c0) kvm=0xff42274b0037d000 type=0',
          '         swapper     0 [003]    12.593164: probe:svm_hardware_enable__return: (ffffffffc0b05d40 <- ffffffffc0a9c151) arg1=0x0',
          '         cpuhp/2    24 [002]    18.802458: cpuhp:cpuhp_enter: cpu: 0002 target: 145 step: 148 (kvm_offline_cpu)',
          '',
        ].join('\n'),
        { format: 'perf' },
      );
      const types = t.events(r.summary.boots[0]!).map((e) => [e.event.type, 'cpu' in e.event ? e.event.cpu : null]);
      assert.deepEqual(types, [['vm.create', null], ['virt.enable', 3], ['cpuhp.callback', 2]]);
    } finally {
      await t.close();
    }
  });

  it('trace-cmd report: header lines are skipped, records read as ftrace text', async () => {
    const t = await testStore();
    try {
      const real = readFileSync(fixture('host-6.18-trace-cmd', 'trace-cmd-report.txt'), 'utf8');
      const r = await t.importText(
        'report.txt',
        `${real}          <idle>-0     [002]    15.543156: cpuhp_enter:          cpu: 0002 target: 236 step: 148 (kvm_online_cpu)\n`,
      );
      assert.equal(r.summary.format, 'ftrace');
      assert.deepEqual(r.summary.warnings, []);
      const [e] = t.events(r.summary.boots[0]!);
      assert.deepEqual(e!.event, { type: 'cpuhp.callback', cpu: 2, callback: 'kvm_online_cpu', phase: 'enter', target: 236, step: 148, ret: null });
    } finally {
      await t.close();
    }
  });
});

describe('lost records', () => {
  it('a real trace_pipe that overran: one trace.lost per CPU buffer, with the count the kernel printed', async () => {
    const t = await testStore();
    try {
      const r = await t.import(fixture('host-6.18-ftrace', 'trace_pipe-lost.txt'));
      const lost = t.events(r.summary.boots[0]!).filter((e) => e.event.type === 'trace.lost');
      assert.deepEqual(lost.map((e) => e.event), [
        { type: 'trace.lost', cpu: 0, count: 480 },
        { type: 'trace.lost', cpu: 1, count: 360 },
      ]);
    } finally {
      await t.close();
    }
  });

  it('state is unknown across a loss, from the last record of the CPU that lost records', async () => {
    const t = await testStore();
    try {
      const r = await t.importText(
        'lost.txt',
        [
          '          <idle>-0       [003] d.h1.    12.593164: svm_hardware_enable_ret: (kvm_arch_hardware_enable+0x91/0x280 [kvm] <- svm_hardware_enable) ret=0',
          '          <idle>-0       [003] d.h1.    12.595000: sched_switch: prev_comm=swapper/3 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=kworker/3:1 next_pid=40 next_prio=120',
          '          <idle>-0       [001] d.h1.    12.601073: svm_hardware_enable_ret: (kvm_arch_hardware_enable+0x91/0x280 [kvm] <- svm_hardware_enable) ret=0',
          'CPU:3 [LOST 1024 EVENTS]',
          '          <idle>-0       [001] d.h1.    13.000000: svm_hardware_enable_ret: (kvm_arch_hardware_enable+0x91/0x280 [kvm] <- svm_hardware_enable) ret=0',
          '',
        ].join('\n'),
      );
      const boot = r.summary.boots[0]!;
      assert.deepEqual(t.virt(boot, '12.594'), { 1: 'unknown', 3: 'on' });
      // CPU 3's buffer lost records after its last one (12.595): from there on nothing known still holds.
      assert.deepEqual(t.virt(boot, '12.595'), { 1: 'unknown', 3: 'unknown' });
      // What was seen after the loss instant stands: CPU 1's VMXON at 12.601073.
      assert.deepEqual(t.virt(boot, '12.7'), { 1: 'on', 3: 'unknown' });
      assert.deepEqual(t.virt(boot, '13.0'), { 1: 'on', 3: 'unknown' });
    } finally {
      await t.close();
    }
  });

  it('a loss is placed at the last record of its CPU, whether kvmlog read that record or passed over it', async () => {
    const t = await testStore();
    try {
      const r = await t.importText(
        'lost-order.txt',
        [
          // CPU 1: a record of another subsystem (passed over by its bytes), then a lifecycle record (read).
          '          <idle>-0       [001] d..2.    12.600000: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=cpuhp/1 next_pid=21 next_prio=120',
          '         cpuhp/1-21      [001] d.h1.    12.601073: svm_hardware_enable_ret: (kvm_arch_hardware_enable+0x91/0x280 [kvm] <- svm_hardware_enable) ret=0',
          // CPU 2: the other way round.
          '         cpuhp/2-22      [002] d.h1.    12.602000: svm_hardware_enable_ret: (kvm_arch_hardware_enable+0x91/0x280 [kvm] <- svm_hardware_enable) ret=0',
          '          <idle>-0       [002] d..2.    12.603500: sched_switch: prev_comm=swapper/2 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=kworker/2:1 next_pid=40 next_prio=120',
          'CPU:1 [LOST 7 EVENTS]',
          'CPU:2 [LOST 9 EVENTS]',
          '',
        ].join('\n'),
      );
      const lost = t.events(r.summary.boots[0]!).filter((e) => e.event.type === 'trace.lost');
      assert.deepEqual(
        lost.map((e) => [e.event, e.timeNs]),
        [
          [{ type: 'trace.lost', cpu: 1, count: 7 }, 12_601_073_000n],
          [{ type: 'trace.lost', cpu: 2, count: 9 }, 12_603_500_000n],
        ],
      );
    } finally {
      await t.close();
    }
  });
});

describe("kvmlog's own NDJSON", () => {
  let t: TestStore;
  before(async () => {
    t = await testStore();
  });
  after(() => t.close());

  it('an export re-imports into an empty store as the same boot, events and state', async () => {
    const source = await testStore();
    try {
      const r = await source.import(fixture('linux-6.1-qemu', 'ftrace-lifecycle.txt'));
      const boot = r.summary.boots[0]!;
      const { encodeEvent } = await import('../../../src/model/export-line.js');
      const ndjson = source.events(boot).map((e) => JSON.stringify(encodeEvent(e, null))).join('\n');
      const back = await t.importText('export.ndjson', `${ndjson}\n`);
      assert.equal(back.summary.format, 'ndjson');
      assert.deepEqual(back.summary.boots, [boot]);
      assert.equal(back.summary.events, source.events(boot).length);
      assert.deepEqual(
        t.events(boot).map((e) => [e.timeNs, e.event]),
        source.events(boot).map((e) => [e.timeNs, e.event]),
      );
      for (const at of ['13.0', '15.0', '20.0']) assert.deepEqual(t.virt(boot, at), source.virt(boot, at), at);
    } finally {
      await source.close();
    }
  });

  it('importing it again adds nothing', async () => {
    const again = await t.importText('export-again.ndjson', `${readFileSync(`${t.dir}/export.ndjson`, 'utf8')}\n`);
    assert.equal(again.summary.events, 0);
  });
});

describe('bpftrace', () => {
  it('real bpftrace -f json framing: attached_probes and map records are not events, printf records are read', async () => {
    const t = await testStore();
    try {
      const r = await t.import(fixture('host-6.18-bpftrace', 'bpftrace-json.ndjson'));
      assert.equal(r.summary.format, 'ndjson');
      assert.deepEqual(r.summary.warnings, []);
      assert.equal(r.summary.events, 0);
    } finally {
      await t.close();
    }
  });
});
