import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eraOfKernel } from '../../src/model/era.js';
import type { LifecycleEvent } from '../../src/model/event.js';
import { apply, fold } from '../../src/model/reduce.js';
import { cpuState, initialState } from '../../src/model/state.js';

const online = (cpu: number): LifecycleEvent => ({ type: 'cpu.online', cpu });
const kvmLoad: LifecycleEvent = { type: 'kvm.module', module: 'kvm', action: 'load', params: {} };
const exitCb = (cpu: number, callback: string, ret = 0): LifecycleEvent => ({
  type: 'cpuhp.callback',
  cpu,
  callback,
  phase: 'exit',
  target: null,
  step: null,
  ret,
});

describe('eras from kernel releases (kernel-lifecycle.md §0)', () => {
  it('places the recorded kernels and the era boundaries', () => {
    assert.equal(eraOfKernel('6.1.0-56-amd64'), 'E0');
    assert.equal(eraOfKernel('6.2.16'), 'E0');
    assert.equal(eraOfKernel('6.3.0'), 'E1');
    assert.equal(eraOfKernel('6.6.30'), 'E2');
    assert.equal(eraOfKernel('6.11.9'), 'E2');
    assert.equal(eraOfKernel('6.12.117+deb12-amd64'), 'E3');
    assert.equal(eraOfKernel('7.0.1'), 'E3');
    assert.equal(eraOfKernel('7.1.0-rc1'), 'E4');
    assert.equal(eraOfKernel('not a version'), null);
  });
});

describe('the reducer says unknown where the input is silent', () => {
  it('knows nothing before the first observation', () => {
    const s = initialState('E0');
    assert.equal(s.kvm.usageCount, null);
    assert.equal(s.kvm.loaded, null);
    assert.deepEqual(cpuState(s, 3), { online: null, virt: 'unknown', tdx: null });
  });

  it('does not guess a usage count from VM creation when the starting count was never seen', () => {
    const s = fold('E0', [{ type: 'vm.create', pid: 1 }]);
    assert.equal(s.kvm.usageCount, null);
  });

  it('a CPU coming online says nothing about its virtualization by itself', () => {
    assert.equal(cpuState(fold('E3', [online(1)]), 1).virt, 'unknown');
  });

  it('≤6.11: an online callback with an unknown usage count leaves virt unknown', () => {
    const s = fold('E0', [online(2), exitCb(2, 'kvm_starting_cpu')]);
    assert.equal(cpuState(s, 2).virt, 'unknown');
  });
});

describe('era E0 (≤6.2): enabled by IPI on the first VM; kvm_starting_cpu checks the count', () => {
  it('counts usage from module load through VM create/destroy: 0→1→2→1→0', () => {
    const seen: (number | null)[] = [];
    let s = initialState('E0');
    for (const e of [
      kvmLoad,
      { type: 'vm.create', pid: 1 },
      { type: 'vm.create', pid: 2 },
      { type: 'vm.destroy', pid: 2 },
      { type: 'vm.destroy', pid: 1 },
    ] as LifecycleEvent[]) {
      s = apply(s, e);
      seen.push(s.kvm.usageCount);
    }
    assert.deepEqual(seen, [0, 1, 2, 1, 0]);
    assert.equal(s.kvm.cpuhpRegistered, true, 'kvm/cpu:starting is registered at kvm_init for the module lifetime');
  });

  it('kvm_starting_cpu enables only while the count is non-zero', () => {
    const idle = fold('E0', [kvmLoad, online(3), exitCb(3, 'kvm_starting_cpu')]);
    assert.equal(cpuState(idle, 3).virt, 'off');
    const busy = fold('E0', [kvmLoad, { type: 'vm.create', pid: 9 }, online(3), exitCb(3, 'kvm_starting_cpu')]);
    assert.equal(cpuState(busy, 3).virt, 'on');
  });

  it('kvm_dying_cpu leaves the CPU off', () => {
    const s = fold('E0', [{ type: 'virt.enable', cpu: 2, vendor: 'svm', ret: 0 }, exitCb(2, 'kvm_dying_cpu')]);
    assert.equal(cpuState(s, 2).virt, 'off');
  });
});

describe('era E3 (6.12–7.0): kvm/cpu:online registered exactly while usage > 0', () => {
  it('registers the hotplug state with usage 0→1 and removes it with 1→0 (I-21)', () => {
    let s = fold('E3', [kvmLoad]);
    assert.equal(s.kvm.cpuhpRegistered, false);
    s = apply(s, { type: 'kvm.usage', from: 0, to: 1 });
    assert.equal(s.kvm.cpuhpRegistered, true);
    s = apply(s, { type: 'kvm.usage', from: 1, to: 0 });
    assert.equal(s.kvm.cpuhpRegistered, false);
  });

  it('kvm_online_cpu enables unconditionally (it only exists while usage > 0)', () => {
    const s = fold('E3', [online(0), exitCb(0, 'kvm_online_cpu')]);
    assert.equal(cpuState(s, 0).virt, 'on');
    assert.equal(s.kvm.cpuhpRegistered, true);
  });

  it('a failed online callback changes nothing (the online is aborted, I-7)', () => {
    const s = fold('E3', [online(0), exitCb(0, 'kvm_online_cpu', -5)]);
    assert.equal(cpuState(s, 0).virt, 'unknown');
  });

  it('module unload leaves no usage and no hotplug state', () => {
    const s = fold('E3', [kvmLoad, { type: 'kvm.usage', from: 0, to: 1 }, { type: 'kvm.module', module: 'kvm', action: 'unload', params: {} }]);
    assert.deepEqual([s.kvm.loaded, s.kvm.usageCount, s.kvm.cpuhpRegistered], [false, 0, false]);
  });
});

describe('virtualization per CPU', () => {
  it('a failed VMXON does not turn a CPU on (I-9)', () => {
    const s = fold('E3', [{ type: 'virt.enable', cpu: 1, vendor: 'vmx', ret: -16 }]);
    assert.equal(cpuState(s, 1).virt, 'unknown');
  });

  it('kvm_shutdown turns off every CPU known to be online and marks kvm_rebooting', () => {
    const s = fold('E3', [
      online(0),
      online(1),
      { type: 'virt.enable', cpu: 0, vendor: 'svm', ret: 0 },
      { type: 'virt.enable', cpu: 1, vendor: 'svm', ret: 0 },
      { type: 'kvm.shutdown' },
    ]);
    assert.deepEqual([cpuState(s, 0).virt, cpuState(s, 1).virt, s.kvm.rebooting], ['off', 'off', true]);
  });

  it('an emergency disable turns that CPU off', () => {
    const s = fold('E0', [{ type: 'virt.enable', cpu: 2, vendor: 'vmx', ret: 0 }, { type: 'virt.emergency_disable', cpu: 2 }]);
    assert.equal(cpuState(s, 2).virt, 'off');
  });

  it('TDX LP-init and module status', () => {
    const s = fold('E3', [
      { type: 'tdx.cpu_enable', cpu: 0, ret: 0 },
      { type: 'tdx.cpu_enable', cpu: 1, ret: -13 },
      { type: 'tdx.module_init', result: 'failed', errno: -5, version: null },
    ]);
    assert.deepEqual([cpuState(s, 0).tdx, cpuState(s, 1).tdx, s.tdx.module], [true, null, 'error']);
  });

  it('apply never mutates the state it is given', () => {
    const before = fold('E3', [online(0)]);
    const snapshot = JSON.stringify([...before.cpus]);
    apply(before, { type: 'virt.enable', cpu: 0, vendor: 'svm', ret: 0 });
    assert.equal(JSON.stringify([...before.cpus]), snapshot);
  });
});
