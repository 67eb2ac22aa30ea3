/**
 * Every rule: a history where it fires, one where it must not, and one where the state it needs is unknown.
 * Histories are built per era with test/helpers/history.ts from the kernel reference's transitions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Era } from '../../src/model/era.js';
import { RULES } from '../../src/model/rules/catalogue.js';
import { check } from '../../src/model/walk.js';
import { History } from '../helpers/history.js';

const CPUS = [0, 1, 2, 3];
const fired = (h: History, rule: string) => check(h.boot, h.era, h.list(), RULES).filter((f) => f.rule === rule);
const cpusOf = (h: History, rule: string) => fired(h, rule).map((f) => f.cpu);

/** A host with kvm loaded and one VM open, for the era. */
const running = (era: Era) => new History(era).cpusUp(CPUS).loadKvm(CPUS).createVm(CPUS, true).usage(1, 2);

describe('kexec-with-virt-on', () => {
  for (const era of ['E0', 'E3'] as const) {
    it(`${era}: fires for the CPU whose emergency disable is missing, at the kexec`, () => {
      const h = running(era).crash(3, [0, 1, 2], [1]);
      const f = fired(h, 'kexec-with-virt-on');
      assert.deepEqual(f.map((x) => x.cpu), [1]);
      assert.equal(f[0]!.events.at(-1), h.list().at(-1)!.seq, 'the kexec is the triggering event');
    });
    it(`${era}: quiet when every CPU was disabled before the kexec`, () => {
      assert.deepEqual(cpusOf(running(era).crash(3, [0, 1, 2]), 'kexec-with-virt-on'), []);
    });
  }
  it('fires for a normal kexec with no disable at all', () => {
    const h = running('E3').add({ type: 'kexec.start', kind: 'normal' });
    assert.deepEqual(cpusOf(h, 'kexec-with-virt-on').sort(), CPUS);
  });
  it('quiet when the kernel printed no NMI lines for any other CPU (6.12 suppresses them): absence is not evidence', () => {
    const h = running('E3').add({ type: 'panic', message: 'x' }, { type: 'virt.emergency_disable', cpu: 3 }, { type: 'kexec.start', kind: 'crash' });
    assert.deepEqual(cpusOf(h, 'kexec-with-virt-on'), []);
  });
  it('unknown state: a kexec in a trace that never showed virtualization fires nothing', () => {
    const h = new History('E3').cpusUp(CPUS).add({ type: 'kexec.start', kind: 'normal' });
    assert.deepEqual(cpusOf(h, 'kexec-with-virt-on'), []);
  });
});

describe('kexec-without-kvm-shutdown', () => {
  it('fires on a normal kexec with usage > 0 and no kvm_shutdown', () => {
    assert.equal(fired(running('E2').add({ type: 'kexec.start', kind: 'normal' }), 'kexec-without-kvm-shutdown').length, 1);
  });
  it('quiet when kvm_shutdown ran first', () => {
    assert.equal(fired(running('E3').add({ type: 'kvm.shutdown' }, { type: 'kexec.start', kind: 'normal' }), 'kexec-without-kvm-shutdown').length, 0);
  });
  it('unknown usage count: quiet', () => {
    assert.equal(fired(new History('E3').cpusUp(CPUS).add({ type: 'kexec.start', kind: 'normal' }), 'kexec-without-kvm-shutdown').length, 0);
  });
});

describe('online-missed-virt-enable', () => {
  for (const era of ['E0', 'E1', 'E3'] as const) {
    it(`${era}: fires when a CPU comes back online with a VM open and no callback enabled it`, () => {
      const h = running(era).add({ type: 'virt.disable', cpu: 2, vendor: 'vmx' }, { type: 'cpu.offline', cpu: 2 }).wait(100).add({ type: 'cpu.online', cpu: 2 }).wait(1000).add({ type: 'marker', text: 'later' });
      assert.deepEqual(cpusOf(h, 'online-missed-virt-enable'), [2]);
    });
    it(`${era}: quiet when the callback enabled it`, () => {
      assert.deepEqual(cpusOf(running(era).cycleCpu(2, true).wait(1000).add({ type: 'marker', text: 'later' }), 'online-missed-virt-enable'), []);
    });
  }
  it('quiet when a log says "online" as the bring-up starts and the enable follows within it (6.1: 25 ms)', () => {
    const h = running('E0').add({ type: 'virt.disable', cpu: 2, vendor: 'vmx' }, { type: 'cpu.offline', cpu: 2 }, { type: 'cpu.online', cpu: 2 }).wait(25).add({ type: 'virt.enable', cpu: 2, vendor: 'svm', ret: 0 });
    assert.deepEqual(cpusOf(h, 'online-missed-virt-enable'), []);
  });
  it('quiet with no VM (usage 0): nothing to enable', () => {
    const h = new History('E0').cpusUp(CPUS).loadKvm(CPUS).cycleCpu(3, false).wait(1000).add({ type: 'marker', text: 'x' });
    assert.deepEqual(cpusOf(h, 'online-missed-virt-enable'), []);
  });
  it('unknown virtualization (a dmesg): quiet', () => {
    const h = new History('E3').cpusUp(CPUS).add({ type: 'vm.create', pid: 1 }, { type: 'cpu.offline', cpu: 2 }, { type: 'cpu.online', cpu: 2 }).wait(1000).add({ type: 'marker', text: 'x' });
    assert.deepEqual(cpusOf(h, 'online-missed-virt-enable'), []);
  });
});

describe('online-callback-failed', () => {
  const exit = (ret: number | null) => ({ type: 'cpuhp.callback' as const, cpu: 1, callback: 'kvm_online_cpu', phase: 'exit' as const, target: null, step: null, ret });
  it('fires on a non-zero return', () => assert.deepEqual(cpusOf(running('E3').add(exit(-5)), 'online-callback-failed'), [1]));
  it('quiet on zero', () => assert.deepEqual(cpusOf(running('E3').add(exit(0)), 'online-callback-failed'), []));
  it('unknown return (no kretprobe): quiet', () => assert.deepEqual(cpusOf(running('E3').add(exit(null)), 'online-callback-failed'), []));
});

describe('usage-underflow', () => {
  it('fires when a VM is destroyed at usage 0', () => {
    assert.equal(fired(new History('E0').loadKvm(CPUS).add({ type: 'vm.destroy', pid: 1 }), 'usage-underflow').length, 1);
  });
  it('fires when the probes show the count go to -1 (6.12+ has no check)', () => {
    assert.equal(fired(new History('E3').usage(0, -1), 'usage-underflow').length, 1);
  });
  it('quiet for balanced create/destroy', () => {
    assert.equal(fired(new History('E0').loadKvm(CPUS).add({ type: 'vm.create', pid: 1 }, { type: 'vm.destroy', pid: 1 }), 'usage-underflow').length, 0);
  });
  it('unknown count: quiet', () => {
    assert.equal(fired(new History('E0').add({ type: 'vm.destroy', pid: 1 }), 'usage-underflow').length, 0);
  });
});

describe('virt-enable-failed', () => {
  it('fires with the CPU', () => assert.deepEqual(cpusOf(new History('E3').add({ type: 'virt.enable_failed', cpu: 0, ret: -16 }), 'virt-enable-failed'), [0]));
  it('quiet for a successful enable', () => assert.deepEqual(cpusOf(new History('E3').add({ type: 'virt.enable', cpu: 0, vendor: 'vmx', ret: 0 }), 'virt-enable-failed'), []));
  it('a failure with the errno unknown still fires (the kernel printed it), in a boot of unknown era', () => assert.deepEqual(cpusOf(new History(null).add({ type: 'virt.enable_failed', cpu: 0, ret: null }), 'virt-enable-failed'), [0]));
  it('unknown: a trace that shows no enable at all is quiet', () => assert.deepEqual(cpusOf(new History(null).cpusUp(CPUS), 'virt-enable-failed'), []));
});

describe('virt-disable-while-off', () => {
  it('fires on a VMXOFF of a CPU known to be off', () => {
    const h = running('E3').add({ type: 'virt.disable', cpu: 1, vendor: 'vmx' }).wait(10).add({ type: 'virt.disable', cpu: 1, vendor: 'vmx' });
    assert.deepEqual(cpusOf(h, 'virt-disable-while-off'), [1]);
  });
  it('quiet after kvm_shutdown (kvm_rebooting tolerates it)', () => {
    const h = running('E3').add({ type: 'kvm.shutdown' }, { type: 'virt.disable', cpu: 1, vendor: 'vmx' });
    assert.deepEqual(cpusOf(h, 'virt-disable-while-off'), []);
  });
  it('unknown prior state: quiet', () => assert.deepEqual(cpusOf(new History('E3').add({ type: 'virt.disable', cpu: 1, vendor: 'vmx' }), 'virt-disable-while-off'), []));
});

describe('enable-after-shutdown', () => {
  it('fires on a VMXON after kvm_shutdown', () => {
    assert.deepEqual(cpusOf(running('E3').add({ type: 'kvm.shutdown' }, { type: 'virt.enable', cpu: 2, vendor: 'vmx', ret: 0 }), 'enable-after-shutdown'), [2]);
  });
  it('quiet before it', () => assert.deepEqual(cpusOf(running('E3').add({ type: 'virt.enable', cpu: 2, vendor: 'vmx', ret: 0 }, { type: 'kvm.shutdown' }), 'enable-after-shutdown'), []));
  it('unknown: a VMXON in a trace that never shows the shutdown is quiet', () => {
    assert.deepEqual(cpusOf(new History('E3').add({ type: 'virt.enable', cpu: 2, vendor: 'vmx', ret: 0 }), 'enable-after-shutdown'), []);
  });
  it('a failed enable after shutdown is what the kernel does: quiet', () => {
    assert.deepEqual(cpusOf(running('E3').add({ type: 'kvm.shutdown' }, { type: 'virt.enable', cpu: 2, vendor: 'vmx', ret: -16 }), 'enable-after-shutdown'), []);
  });
});

describe('suspend-with-virt-on', () => {
  const suspendCycle = (h: History, boot: number, disableBoot: boolean) => {
    for (const cpu of CPUS.filter((c) => c !== boot)) h.add({ type: 'virt.disable', cpu, vendor: 'vmx' }, { type: 'cpu.offline', cpu });
    h.add({ type: 'system.state', state: 'suspend' });
    if (disableBoot) h.add({ type: 'virt.disable', cpu: boot, vendor: 'vmx' });
    return h.add({ type: 'system.state', state: 'resume' });
  };
  it('fires when kvm_suspend did not turn the boot CPU off', () => assert.deepEqual(cpusOf(suspendCycle(running('E0'), 0, false), 'suspend-with-virt-on'), [0]));
  it('quiet when every CPU was off', () => assert.deepEqual(cpusOf(suspendCycle(running('E0'), 0, true), 'suspend-with-virt-on'), []));
  it('unknown state: quiet', () => {
    const h = new History('E0').add({ type: 'system.state', state: 'suspend' }, { type: 'system.state', state: 'resume' });
    assert.deepEqual(cpusOf(h, 'suspend-with-virt-on'), []);
  });
});

describe('offline-with-virt-on', () => {
  it('fires when a CPU dies post-VMXON', () => assert.deepEqual(cpusOf(running('E3').add({ type: 'cpu.offline', cpu: 3 }), 'offline-with-virt-on'), [3]));
  it('quiet when the offline callback disabled it', () => assert.deepEqual(cpusOf(running('E3').cycleCpu(3, true), 'offline-with-virt-on'), []));
  it('unknown: quiet', () => assert.deepEqual(cpusOf(new History('E3').add({ type: 'cpu.offline', cpu: 3 }), 'offline-with-virt-on'), []));
});

describe('TDX rules', () => {
  const lp = (cpu: number, ret = 0) => ({ type: 'tdx.cpu_enable' as const, cpu, ret });
  it('tdx-cpu-enable-without-virt: fires on LP init of a CPU known off, or on -EACCES', () => {
    assert.deepEqual(cpusOf(new History('E3').add({ type: 'virt.disable', cpu: 1, vendor: 'vmx' }, lp(1)), 'tdx-cpu-enable-without-virt'), [1]);
    assert.deepEqual(cpusOf(new History('E3').add(lp(2, -13)), 'tdx-cpu-enable-without-virt'), [2]);
  });
  it('tdx-cpu-enable-without-virt: quiet after VMXON, and on unknown state', () => {
    assert.deepEqual(cpusOf(running('E3').add(lp(1)), 'tdx-cpu-enable-without-virt'), []);
    assert.deepEqual(cpusOf(new History('E3').add(lp(1)), 'tdx-cpu-enable-without-virt'), []);
  });
  it('tdx-enable-incomplete: fires for an online CPU without LP init when others had it', () => {
    const h = running('E3').add(lp(0), lp(1), lp(2), { type: 'tdx.module_init', result: 'initialized', errno: null, version: null });
    assert.deepEqual(cpusOf(h, 'tdx-enable-incomplete'), [3]);
  });
  it('tdx-enable-incomplete: quiet when all had it, and when no LP init was captured at all', () => {
    assert.deepEqual(cpusOf(running('E3').add(lp(0), lp(1), lp(2), lp(3), { type: 'tdx.module_init', result: 'initialized', errno: null, version: null }), 'tdx-enable-incomplete'), []);
    assert.deepEqual(cpusOf(running('E3').add({ type: 'tdx.module_init', result: 'initialized', errno: null, version: null }), 'tdx-enable-incomplete'), []);
  });
  it('tdx-module-init-failed: fires with the errno, quiet on success', () => {
    const f = fired(new History(null).add({ type: 'tdx.module_init', result: 'failed', errno: -5, version: null }), 'tdx-module-init-failed');
    assert.equal(f.length, 1);
    assert.match(f[0]!.message, /\(-5\)/);
    assert.equal(fired(new History('E3').add({ type: 'tdx.module_init', result: 'initialized', errno: null, version: null }), 'tdx-module-init-failed').length, 0);
  });
  it('tdx-module-init-failed: unknown (no module init seen): quiet', () => {
    assert.equal(fired(running('E3'), 'tdx-module-init-failed').length, 0);
  });
  it('tdx-online-missed-lp-init: fires for a CPU onlined after init without LP init; quiet with it; quiet without evidence', () => {
    const init = (h: History) => h.add(lp(0), lp(1), lp(2), lp(3), { type: 'tdx.module_init', result: 'initialized', errno: null, version: null });
    const missed = init(running('E3')).add({ type: 'cpu.offline', cpu: 3 }, { type: 'cpu.online', cpu: 3 });
    // LP init is never cleared in 6.8–7.1, so a CPU that had it keeps it: the rule looks at CPUs new to TDX.
    assert.deepEqual(cpusOf(init(running('E3')).add({ type: 'cpu.online', cpu: 4 }), 'tdx-online-missed-lp-init'), [4]);
    assert.deepEqual(cpusOf(missed, 'tdx-online-missed-lp-init'), []);
    assert.deepEqual(cpusOf(running('E3').add({ type: 'tdx.module_init', result: 'initialized', errno: null, version: null }, { type: 'cpu.online', cpu: 4 }), 'tdx-online-missed-lp-init'), []);
  });
});

describe('eras', () => {
  it('a rule held to some eras is not run on a boot of another, nor of unknown era', () => {
    const h = (era: Era | null) => new History(era).add({ type: 'tdx.cpu_enable', cpu: 0, ret: 0 }, { type: 'tdx.cpu_enable', cpu: 1, ret: 0 }, { type: 'cpu.online', cpu: 2 }, { type: 'tdx.module_init', result: 'initialized', errno: null, version: null });
    assert.equal(fired(h('E3'), 'tdx-enable-incomplete').length, 1);
    assert.equal(fired(h('E0'), 'tdx-enable-incomplete').length, 0);
    assert.equal(fired(h(null), 'tdx-enable-incomplete').length, 0);
  });
});
