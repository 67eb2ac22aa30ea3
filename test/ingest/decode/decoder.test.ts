/**
 * The decoder on single lines. Lines marked "real" are copied from the recordings in test/fixtures; the others
 * are built from the kernel's formats (kernel-lifecycle.md §4) for paths the recordings do not take.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Decoder, type Outcome } from '../../../src/ingest/decode/decoder.js';
import { parseFtraceLine } from '../../../src/ingest/formats/ftrace/grammar.js';
import { DmesgReader } from '../../../src/ingest/formats/kernel-log.js';
import type { LifecycleEvent } from '../../../src/model/event.js';

function feed(d: Decoder, text: string, no = 1): Outcome {
  const line = { no, text };
  const f = parseFtraceLine(text);
  if (f.kind === 'record') return d.trace({ cpu: f.record.cpu, pid: f.record.pid, timeNs: f.record.timeNs, payload: f.record.payload }, line);
  const [k] = new DmesgReader().read(line);
  assert.equal(k?.kind, 'printk', text);
  const r = k as { timeNs: bigint | null; message: string; cpu?: number };
  return d.printk(r.timeNs, r.message, line, r.cpu);
}

const events = (o: Outcome): LifecycleEvent[] => (o.kind === 'events' ? o.events.map((e) => e.event) : []);

describe('probes on the per-CPU enable', () => {
  it('a kprobe is held until its kretprobe tells the outcome (real 6.1 pair)', () => {
    const d = new Decoder();
    assert.equal(feed(d, '          <idle>-0       [003] d.h2.    12.592492: svm_hardware_enable: (svm_hardware_enable+0x0/0x2c0 [kvm_amd])').kind, 'context');
    const o = feed(d, '          <idle>-0       [003] d.h1.    12.593164: svm_hardware_enable_ret: (kvm_arch_hardware_enable+0x91/0x280 [kvm] <- svm_hardware_enable) ret=0');
    assert.deepEqual(events(o), [{ type: 'virt.enable', cpu: 3, vendor: 'svm', ret: 0 }]);
    assert.deepEqual(d.flush().events, []);
  });

  it('a VMXON that fails is virt.enable_failed with the errno, not an enable (I-9)', () => {
    const d = new Decoder();
    const o = feed(d, '         cpuhp/1-24      [001] .....    40.000100: vmx_enable_virtualization_cpu_ret: (kvm_arch_enable_virtualization_cpu+0xc4/0x280 [kvm] <- vmx_enable_virtualization_cpu) ret=-16');
    assert.deepEqual(events(o), [{ type: 'virt.enable_failed', cpu: 1, ret: -16 }]);
  });

  it('an entry probe whose return was never recorded still counts, with ret unknown', () => {
    const d = new Decoder();
    feed(d, '         cpuhp/2-30      [002] ...1.    35.747060: svm_enable_virtualization_cpu: (svm_enable_virtualization_cpu+0x4/0x2e0 [kvm_amd])', 7);
    const out = d.flush().events;
    assert.deepEqual(out.map((e) => [e.event, e.line, e.timeNs]), [[{ type: 'virt.enable', cpu: 2, vendor: 'svm', ret: null }, 7, 35_747_060_000n]]);
  });

  it('the function tracer sees entries only (real 6.1 line)', () => {
    const d = new Decoder();
    const o = feed(d, '          <idle>-0       [003] d.h2.    13.712699: svm_hardware_enable <-kvm_arch_hardware_enable');
    assert.deepEqual(events(o), [{ type: 'virt.enable', cpu: 3, vendor: 'svm', ret: null }]);
  });

  it('the event name wins over a stale symbol printed after a module reload (real 6.12 line)', () => {
    const d = new Decoder();
    const o = feed(d, '         cpuhp/0-23      [000] ...1.    22.328839: svm_disable_virtualization_cpu: (io_interception+0x14/0x70 [kvm_amd])');
    assert.deepEqual(events(o), [{ type: 'virt.disable', cpu: 0, vendor: 'svm' }]);
  });

  it('default probe names (p_<sym>_<off>) map to their function', () => {
    const d = new Decoder();
    const o = feed(d, '     migration/2-25      [002] d..2.    14.437947: p_kvm_dying_cpu_0: (kvm_dying_cpu+0x0/0x50 [kvm]) arg1=0x2');
    assert.equal(events(o)[0]?.type, 'cpuhp.callback');
  });
});

describe('CPU hotplug', () => {
  it('pairs cpuhp_exit with its cpuhp_enter, and a failed KVM callback keeps its error (I-7)', () => {
    const d = new Decoder();
    const enter = feed(d, '         cpuhp/3-36      [003] .....    60.000001: cpuhp_enter: cpu: 0003 target: 236 step: 148 (kvm_online_cpu [kvm])');
    assert.deepEqual(events(enter), [{ type: 'cpuhp.callback', cpu: 3, callback: 'kvm_online_cpu', phase: 'enter', target: 236, step: 148, ret: null }]);
    const exit = feed(d, '         cpuhp/3-36      [003] .....    60.000002: cpuhp_exit:  cpu: 0003  state: 147 step: 148 ret: -5');
    assert.deepEqual(events(exit), [{ type: 'cpuhp.callback', cpu: 3, callback: 'kvm_online_cpu', phase: 'exit', target: 236, step: 148, ret: -5 }]);
  });

  it('a CPU is offline once takedown_cpu returns (real 6.1 lines)', () => {
    const d = new Decoder();
    feed(d, '     kworker/0:1-17      [000] .....    14.428728: cpuhp_enter: cpu: 0002 target:   0 step: 153 (takedown_cpu)');
    const o = feed(d, '     kworker/0:1-17      [000] .....    14.452143: cpuhp_exit:  cpu: 0002  state:  92 step: 153 ret: 0');
    assert.deepEqual(events(o), [{ type: 'cpu.offline', cpu: 2 }]);
  });

  it('a CPU is online when it reaches the last hotplug state on the way up (real 6.1 lines)', () => {
    const d = new Decoder();
    feed(d, '            init-1       [001] .....    15.537750: cpuhp_enter: cpu: 0002 target: 236 step:   1 (smpboot_create_threads)');
    assert.deepEqual(events(feed(d, '            init-1       [001] .....    15.537859: cpuhp_exit:  cpu: 0002  state:   1 step:   1 ret: 0')), []);
    feed(d, '            init-1       [001] .....    15.537860: cpuhp_enter: cpu: 0002 target: 236 step:  91 (bringup_cpu)');
    const o = feed(d, '            init-1       [001] .....    15.565577: cpuhp_exit:  cpu: 0002  state: 236 step:  91 ret: 0');
    assert.deepEqual(events(o), [{ type: 'cpu.online', cpu: 2 }]);
  });

  it('the AP half of an offline reaching its intermediate target is not "online" (real 6.1 lines)', () => {
    const d = new Decoder();
    feed(d, '     kworker/0:1-17      [000] .....    14.393906: cpuhp_enter: cpu: 0002 target: 153 step: 236 (cpuhp_kick_ap_work)');
    assert.deepEqual(events(feed(d, '     kworker/0:1-17      [000] .....    14.428648: cpuhp_exit:  cpu: 0002  state: 153 step: 236 ret: 0')), []);
  });
});

describe('kernel log messages (§4.1 formats)', () => {
  const one = (text: string): LifecycleEvent[] => events(feed(new Decoder(), text));
  const oneAtEnd = (text: string): LifecycleEvent[] => {
    const d = new Decoder();
    return [...events(feed(d, text)), ...d.flush().events.map((e) => e.event)];
  };

  it('per-CPU enable failure, shutdown, TDX module init', () => {
    assert.deepEqual(one('[    5.100000] kvm: enabling virtualization on CPU0 failed'), [{ type: 'virt.enable_failed', cpu: 0, ret: null }]);
    assert.deepEqual(one('[   37.868513] kvm: exiting hardware virtualization'), [{ type: 'kvm.shutdown' }]);
    assert.deepEqual(one('[    9.000000] virt/tdx: module initialization failed (-5)'), [
      { type: 'tdx.module_init', result: 'failed', errno: -5, version: null },
    ]);
    assert.deepEqual(one('[    9.000000] virt/tdx: TDX-Module initialized'), [
      { type: 'tdx.module_init', result: 'initialized', errno: null, version: null },
    ]);
  });

  it('the per-CPU enable and disable messages of old kernels', () => {
    assert.deepEqual(one('[   12.000001] kvm: enabling virtualization on CPU1'), [{ type: 'virt.enable', cpu: 1, vendor: 'unknown', ret: null }]);
    assert.deepEqual(one('[   19.000001] kvm: disabling virtualization on CPU1'), [{ type: 'virt.disable', cpu: 1, vendor: 'unknown' }]);
  });

  it('CPU online and offline, panic, kexec, power states', () => {
    assert.deepEqual(one('[   14.450162] smpboot: CPU 2 is now offline'), [{ type: 'cpu.offline', cpu: 2 }]);
    // A CPU's bring-up message says it is coming online, not when: alone, it is the word at the boot's end.
    assert.deepEqual(oneAtEnd('[   25.081507] smpboot: Booting Node 0 Processor 1 APIC 0x1'), [{ type: 'cpu.online', cpu: 1 }]);
    assert.deepEqual(oneAtEnd('[    0.731117] .... node  #0, CPUs:      #1 #2 #3'), [1, 2, 3].map((cpu) => ({ type: 'cpu.online', cpu })));
    // No line names the panicking CPU: the panic is a fact, its CPU unknown.
    assert.deepEqual(oneAtEnd('[   17.950076] Kernel panic - not syncing: sysrq triggered crash'), [{ type: 'panic', message: 'sysrq triggered crash', cpu: null }]);
    assert.deepEqual(one('[   28.620589] kexec_core: Starting new kernel'), [{ type: 'kexec.start', kind: 'normal' }]);
    assert.deepEqual(one('[   38.100000] reboot: Power down'), [{ type: 'system.state', state: 'power_off' }]);
  });

  it('a tp_printk probe line carries its CPU in cpu=, or is a warning when nothing names it (real 6.12 lines)', () => {
    assert.deepEqual(one('[   22.328368] kvm_offline_cpu: (kvm_offline_cpu+0x4/0x30 [kvm]) cpu=0 usage=0'), [
      { type: 'cpuhp.callback', cpu: 0, callback: 'kvm_offline_cpu', phase: 'enter', target: null, step: null, ret: null },
    ]);
    const d = new Decoder();
    assert.equal(feed(d, '[   22.328860] svm_disable_virtualization_cpu: (svm_disable_virtualization_cpu+0x4/0xb0 [kvm_amd])', 671).kind, 'context');
    const end = d.flush();
    assert.deepEqual(end.events, []);
    assert.deepEqual(end.warnings.map((w) => w.line), [671]);
  });

  it('recovers the CPU of tp_printk crash-path lines from the same instant, and the panicking CPU (real 6.1 vmcore-dmesg)', () => {
    const d = new Decoder();
    const lines = [
      '[   17.948846] Kernel panic - not syncing: sysrq triggered crash',
      '[   17.949094] CPU: 3 PID: 1 Comm: init Kdump: loaded Not tainted 6.1.0-56-amd64 #1  Debian 6.1.192-2',
      '[   17.950076] native_machine_crash_shutdown: (native_machine_crash_shutdown+0x0/0x80)',
      '[   17.958557] crash_nmi_callback: (crash_nmi_callback+0x0/0x50)',
      '[   17.958557] kdump_nmi_callback: (kdump_nmi_callback+0x0/0x20) cpu=2',
      '[   17.958557] crash_save_cpu: (crash_save_cpu+0x0/0x2a0) cpu=2',
      '[   17.958557] cpu_emergency_disable_virtualization: (cpu_emergency_disable_virtualization+0x0/0x90)',
      '[   17.950076] cpu_emergency_disable_virtualization: (cpu_emergency_disable_virtualization+0x0/0x90)',
      '[   17.950076] machine_kexec: (machine_kexec+0x0/0x220)',
    ];
    const inline = lines.flatMap((l, i) => events(feed(d, l, i + 1)));
    const end = d.flush();
    assert.deepEqual(end.warnings, []);
    const all = [...inline, ...end.events.map((e) => e.event)];
    assert.deepEqual(
      all.filter((e) => e.type === 'virt.emergency_disable' || e.type === 'crash.nmi' || e.type === 'kexec.start'),
      [
        { type: 'crash.nmi', cpu: 2 },
        { type: 'kexec.start', kind: 'crash' },
        { type: 'virt.emergency_disable', cpu: 2 },
        { type: 'virt.emergency_disable', cpu: 3 },
      ],
    );
  });

  it('the identical disable lines of a shutdown IPI are covered by the shutdown itself (real 6.1 console)', () => {
    const d = new Decoder();
    feed(d, '[   37.868513] kvm: exiting hardware virtualization');
    feed(d, '[   37.869329] svm_hardware_disable: (svm_hardware_disable+0x0/0x70 [kvm_amd])');
    const end = d.flush();
    assert.deepEqual([end.events, end.warnings, end.context], [[], [], 1]);
  });
});

describe('usage count probes (the recordings fetch kvm_usage_count as usage=)', () => {
  it('pairs the entry and return of kvm_enable_virtualization into one change (real 6.12 lines)', () => {
    const d = new Decoder();
    feed(d, '           kvmvm-190     [001] ...1.    17.174780: kvm_enable_virtualization: (kvm_enable_virtualization+0x4/0xd0 [kvm]) usage=1');
    const o = feed(d, '           kvmvm-190     [001] .....    17.175891: kvm_enable_virtualization_ret: (kvm_dev_ioctl+0x53d/0xa50 [kvm] <- kvm_enable_virtualization) ret=0 usage=2');
    assert.deepEqual(events(o), [{ type: 'kvm.usage', from: 1, to: 2 }]);
  });
});

describe('one fact, one event, within an input (real lines)', () => {
  /** Every event the lines make, with the boot's end, as (time, event). */
  const all = (lines: readonly string[]): [bigint, LifecycleEvent][] => {
    const d = new Decoder();
    const out: [bigint, LifecycleEvent][] = [];
    lines.forEach((l, i) => {
      const o = feed(d, l, i + 1);
      if (o.kind === 'events') for (const e of o.events) out.push([e.timeNs, e.event]);
    });
    for (const e of d.flush().events) out.push([e.timeNs, e.event]);
    return out;
  };

  it('a CPU is online when the cpuhp trace says so, not when its bring-up was announced 31 ms before (6.12)', () => {
    assert.deepEqual(
      all([
        '            init-1       [003] .....    19.901096: cpuhp_enter: cpu: 0002 target: 236 step:  86 (cpuhp_bringup_ap)',
        '[   19.897111] smpboot: Booting Node 0 Processor 2 APIC 0x2',
        '         cpuhp/2-30      [002] .....    19.922154: cpuhp_enter: cpu: 0002 target: 236 step: 148 (kvm_online_cpu [kvm])',
        '            init-1       [003] .....    19.928584: cpuhp_exit:  cpu: 0002  state: 236 step:  86 ret: 0',
      ]).filter(([, e]) => e.type === 'cpu.online'),
      [[19_928_584_000n, { type: 'cpu.online', cpu: 2 }]],
    );
  });

  it('a bring-up message with no trace to say when stays the word, before the CPU goes down again', () => {
    assert.deepEqual(all(['[   19.897111] smpboot: Booting Node 0 Processor 2 APIC 0x2', '[   24.988867] smpboot: CPU 2 is now offline']), [
      [19_897_111_000n, { type: 'cpu.online', cpu: 2 }],
      [24_988_867_000n, { type: 'cpu.offline', cpu: 2 }],
    ]);
  });

  it('crash_nmi_callback and kdump_nmi_callback, 4.8 ms apart, are one NMI per CPU (6.12 ftrace dump)', () => {
    const nmi = all([
      '         <idle>-0     [001] d.Z2.    23.001003: crash_nmi_callback: (crash_nmi_callback+0x4/0x80)',
      '         <idle>-0     [002] d.Z2.    23.001008: crash_nmi_callback: (crash_nmi_callback+0x4/0x80)',
      '         <idle>-0     [001] d.Z2.    23.005827: kdump_nmi_callback: (kdump_nmi_callback+0x4/0x30) cpu=1',
      '         <idle>-0     [002] d.Z2.    23.005979: kdump_nmi_callback: (kdump_nmi_callback+0x4/0x30) cpu=2',
    ]);
    assert.deepEqual(nmi, [
      [23_001_003_000n, { type: 'crash.nmi', cpu: 1 }],
      [23_001_008_000n, { type: 'crash.nmi', cpu: 2 }],
    ]);
  });

  it('a tracepoint and a kprobe on one callback are one call, however far apart (6.12 lines, the probe moved 4.8 ms later); the next call is new', () => {
    const enter = (t: string) => `         cpuhp/2-30      [002] .....    ${t}: cpuhp_enter: cpu: 0002 target: 236 step: 148 (kvm_online_cpu [kvm])`;
    const probe = (t: string) => `         cpuhp/2-30      [002] ...1.    ${t}: kvm_online_cpu: (kvm_online_cpu+0x4/0x50 [kvm]) cpu=2 usage=2`;
    const exit = (t: string) => `         cpuhp/2-30      [002] .....    ${t}: cpuhp_exit:  cpu: 0002  state: 148 step: 148 ret: 0`;
    const calls = all([enter('19.922154'), probe('19.926954'), exit('19.927948'), enter('25.000000'), probe('25.000008')])
      .filter(([, e]) => e.type === 'cpuhp.callback')
      .map(([t, e]) => [t, (e as { phase: string }).phase]);
    assert.deepEqual(calls, [
      [19_922_154_000n, 'enter'],
      [19_927_948_000n, 'exit'],
      [25_000_000_000n, 'enter'],
    ]);
  });
});

describe('the direction of a hotplug step', () => {
  /** The cpu.online/offline events of a run of cpuhp records. */
  const transitions = (lines: readonly string[]) => {
    const d = new Decoder();
    return lines.flatMap((l, i) => {
      const o = feed(d, l, i + 1);
      return o.kind === 'events' ? o.events.map((e) => e.event).filter((e) => e.type === 'cpu.online' || e.type === 'cpu.offline') : [];
    });
  };
  const rec = (t: string, what: string) => `         cpuhp/2-24      [002] .....    ${t}: ${what}`;

  it('going down through the top state is not coming online, where teardown exits report state == step (before 5.12)', () => {
    // kernel/cpu.c before 5.12 traced the teardown exit with st->state not yet decremented: state == step. A capture
    // that starts with an offline has its highest state at the first teardown step (the format is the 6.1/6.12
    // recordings'; the states are those of that older loop).
    assert.deepEqual(
      transitions([
        rec('10.000001', 'cpuhp_enter: cpu: 0002 target: 145 step: 170 (sched_cpu_deactivate)'),
        rec('10.000002', 'cpuhp_exit:  cpu: 0002  state: 170 step: 170 ret: 0'),
        rec('10.000003', 'cpuhp_enter: cpu: 0002 target: 145 step: 148 (kvm_offline_cpu [kvm])'),
        rec('10.000004', 'cpuhp_exit:  cpu: 0002  state: 148 step: 148 ret: 0'),
      ]),
      [],
    );
  });

  it('the control CPU’s bring-up step ending at the top state is online; the real 6.12 teardown (state below the step) is not', () => {
    assert.deepEqual(
      transitions([
        rec('18.802410', 'cpuhp_enter: cpu: 0002 target: 145 step: 149 (sched_cpu_wait_empty)'),
        rec('18.802455', 'cpuhp_exit:  cpu: 0002  state: 148 step: 149 ret: 0'),
        rec('19.901096', 'cpuhp_enter: cpu: 0002 target: 236 step:  86 (cpuhp_bringup_ap)'),
        rec('19.922154', 'cpuhp_enter: cpu: 0002 target: 236 step: 148 (kvm_online_cpu [kvm])'),
        rec('19.922948', 'cpuhp_exit:  cpu: 0002  state: 148 step: 148 ret: 0'),
        rec('19.928584', 'cpuhp_exit:  cpu: 0002  state: 236 step:  86 ret: 0'),
      ]),
      [{ type: 'cpu.online', cpu: 2 }],
    );
  });

  it('a callback run for a CPU already online (a state set up at rmmod, 6.12) is no transition where its online is known', () => {
    assert.deepEqual(
      transitions([
        rec('19.901096', 'cpuhp_enter: cpu: 0002 target: 236 step:  86 (cpuhp_bringup_ap)'),
        rec('19.928584', 'cpuhp_exit:  cpu: 0002  state: 236 step:  86 ret: 0'),
        rec('22.333107', 'cpuhp_enter: cpu: 0002 target: 236 step: 148 (kvm_offline_cpu [kvm])'),
        rec('22.334422', 'cpuhp_exit:  cpu: 0002  state: 236 step: 148 ret: 0'),
      ]),
      [{ type: 'cpu.online', cpu: 2 }],
    );
  });
});
