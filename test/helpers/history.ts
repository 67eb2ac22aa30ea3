/**
 * Synthetic histories for rule tests: the shape each era's kernel gives a lifecycle (kernel-lifecycle.md §2),
 * as catalogue events with exact times. Not a user command.
 */
import type { Era } from '../../src/model/era.js';
import type { EventRecord, LifecycleEvent } from '../../src/model/event.js';

export class History {
  private readonly events: EventRecord[] = [];
  private t = 1_000_000_000n;

  constructor(readonly era: Era | null, readonly boot = 'synthetic') {}

  /** Appends events 1 ms apart. */
  add(...events: LifecycleEvent[]): this {
    for (const event of events) {
      this.t += 1_000_000n;
      const seq = this.events.length + 1;
      this.events.push({ seq, boot: this.boot, timeNs: this.t, event, provenance: { sourceId: 0, path: 'synthetic', line: seq, raw: JSON.stringify(event) } });
    }
    return this;
  }

  /** Moves time on without an event. */
  wait(ms: number): this {
    this.t += BigInt(ms) * 1_000_000n;
    return this;
  }

  list(): EventRecord[] {
    return [...this.events];
  }

  /** The host booted with these CPUs online. */
  cpusUp(cpus: number[]): this {
    return this.add(...cpus.map((cpu): LifecycleEvent => ({ type: 'cpu.online', cpu })));
  }

  loadKvm(cpus: number[]): this {
    this.add({ type: 'kvm.module', module: 'kvm', action: 'load', params: {} });
    // 6.12+ enables every CPU at load (enable_virt_at_load=1).
    if (this.era === 'E3' || this.era === 'E4') this.usage(0, 1).enableAll(cpus);
    return this;
  }

  usage(from: number, to: number): this {
    return this.add({ type: 'kvm.usage', from, to });
  }

  enableAll(cpus: number[]): this {
    return this.add(...cpus.map((cpu): LifecycleEvent => ({ type: 'virt.enable', cpu, vendor: 'vmx', ret: 0 })));
  }

  disableAll(cpus: number[]): this {
    return this.add(...cpus.map((cpu): LifecycleEvent => ({ type: 'virt.disable', cpu, vendor: 'vmx' })));
  }

  /** A VM created: ≤6.11 the first one enables every CPU by IPI. */
  createVm(cpus: number[], firstVm: boolean): this {
    this.add({ type: 'vm.create', pid: 100 });
    if (firstVm && this.era !== 'E3' && this.era !== 'E4') this.enableAll(cpus);
    return this;
  }

  /** A CPU offlined and onlined with KVM's callbacks doing their part. */
  cycleCpu(cpu: number, withCallbacks: boolean): this {
    const [up, down] = this.era === 'E0' ? ['kvm_starting_cpu', 'kvm_dying_cpu'] : ['kvm_online_cpu', 'kvm_offline_cpu'];
    const cb = (callback: string, phase: 'enter' | 'exit'): LifecycleEvent => ({ type: 'cpuhp.callback', cpu, callback, phase, target: null, step: null, ret: phase === 'exit' ? 0 : null });
    if (withCallbacks) this.add(cb(down!, 'enter'), { type: 'virt.disable', cpu, vendor: 'vmx' }, cb(down!, 'exit'));
    this.add({ type: 'cpu.offline', cpu }).wait(100);
    if (withCallbacks) this.add(cb(up!, 'enter'), { type: 'virt.enable', cpu, vendor: 'vmx', ret: 0 }, cb(up!, 'exit'));
    return this.add({ type: 'cpu.online', cpu });
  }

  /** The crash path: shootdown NMI and emergency disable on each other CPU, then the panicking CPU's own. */
  crash(panicking: number, others: number[], skipDisable: number[] = []): this {
    this.add({ type: 'panic', message: 'sysrq triggered crash', cpu: null });
    for (const cpu of others) {
      this.add({ type: 'crash.nmi', cpu });
      if (!skipDisable.includes(cpu)) this.add({ type: 'virt.emergency_disable', cpu });
    }
    if (!skipDisable.includes(panicking)) this.add({ type: 'virt.emergency_disable', cpu: panicking });
    return this.add({ type: 'kexec.start', kind: 'crash' });
  }
}
