/**
 * The one reducer: how each lifecycle event changes the host's state. Every command that shows state
 * (state, replay, check) folds events through `apply`; nothing else encodes kernel semantics.
 * Kernel references are to domain/kernel-lifecycle.md.
 */
import { cpuhpFollowsUsage, cpuhpRegisteredAtLoad } from './era.js';
import type { LifecycleEvent } from './event.js';
import { type CpuState, type HostState, type KvmState, type Virt, cpuState, initialState } from './state.js';
import type { Era } from './era.js';

/** Callbacks that turn virtualization on when a CPU comes up, and off when it goes down. */
const KVM_ONLINE_CALLBACKS = new Set(['kvm_online_cpu', 'kvm_starting_cpu']);
const KVM_OFFLINE_CALLBACKS = new Set(['kvm_offline_cpu', 'kvm_dying_cpu']);
const TDX_ONLINE_CALLBACKS = new Set(['tdx_online_cpu']);

export function apply(s: HostState, e: LifecycleEvent): HostState {
  switch (e.type) {
    case 'boot':
      // A new kernel: nothing survives but what this boot will show.
      return { ...initialState(s.era), system: { state: 'running' } };
    case 'cpu.online':
      return withCpu(s, e.cpu, { online: true });
    case 'cpu.offline':
      // Going offline does not by itself say whether KVM turned virtualization off first
      // (kvm_offline_cpu / kvm_dying_cpu do that, and their events say so).
      return withCpu(s, e.cpu, { online: false });
    case 'cpuhp.callback':
      return applyCallback(s, e);
    case 'kvm.module':
      return applyModule(s, e);
    case 'kvm.usage':
      return withUsage(s, e.to);
    case 'kvm.cpuhp':
      return { ...s, kvm: { ...s.kvm, cpuhpRegistered: e.action === 'register' } };
    case 'virt.enable':
      // A non-zero return means VMXON did not happen (I-9); the failure is its own event.
      return e.ret === null || e.ret === 0 ? withCpu(s, e.cpu, { virt: 'on' }) : s;
    case 'virt.disable':
      return withCpu(s, e.cpu, { virt: 'off' });
    case 'virt.enable_failed':
      // -EBUSY means VMX was already on; any other failure leaves the CPU as it was.
      return s;
    case 'virt.emergency_disable':
      // Emergency paths VMXOFF if CR4.VMXE is set and mark kvm_rebooting (§2.9, §2.10).
      return withCpu({ ...s, kvm: { ...s.kvm, rebooting: true } }, e.cpu, { virt: 'off' });
    case 'kvm.shutdown':
      // kvm_shutdown / kvm_reboot: kvm_rebooting = true, then on_each_cpu(disable) (§2.1, §2.3).
      return allOnlineCpus({ ...s, kvm: { ...s.kvm, rebooting: true } }, { virt: 'off' });
    case 'tdx.cpu_enable':
      return e.ret === null || e.ret === 0 ? withCpu(s, e.cpu, { tdx: true }) : s;
    case 'tdx.module_init':
      return { ...s, tdx: { module: e.result === 'initialized' ? 'initialized' : 'error' } };
    case 'vm.create':
      // kvm_create_vm takes one usage reference in every era (hardware_enable_all / kvm_enable_virtualization).
      return withUsage(s, s.kvm.usageCount === null ? null : s.kvm.usageCount + 1);
    case 'vm.destroy':
      return withUsage(s, s.kvm.usageCount === null ? null : s.kvm.usageCount - 1);
    case 'system.state':
      return { ...s, system: { state: e.state === 'resume' ? 'running' : e.state } };
    case 'trace.lost':
      // Records of any kind may be among the lost ones: nothing known before the loss can be trusted after it.
      return { ...initialState(s.era), kvm: { ...initialState(s.era).kvm, rebooting: s.kvm.rebooting } };
    case 'panic':
      // A log written before the panic's CPU was recorded has none: unknown.
      return { ...s, system: { state: 'panic', cpu: e.cpu ?? null } };
    case 'kexec.load':
    case 'kexec.start':
    case 'crash.nmi':
    case 'marker':
      return s;
  }
}

export function fold(era: Era | null, events: Iterable<LifecycleEvent>, from?: HostState): HostState {
  let s = from ?? initialState(era);
  for (const e of events) s = apply(s, e);
  return s;
}

function applyCallback(s: HostState, e: Extract<LifecycleEvent, { type: 'cpuhp.callback' }>): HostState {
  if (e.phase !== 'exit' || (e.ret !== null && e.ret !== 0)) return s;
  if (KVM_OFFLINE_CALLBACKS.has(e.callback)) return withCpu(s, e.cpu, { virt: 'off' });
  if (TDX_ONLINE_CALLBACKS.has(e.callback)) return withCpu(s, e.cpu, { tdx: true });
  if (!KVM_ONLINE_CALLBACKS.has(e.callback)) return s;
  if (cpuhpFollowsUsage(s.era)) {
    // 6.12+: the callback exists only while usage > 0, and it enables unconditionally. A known zero
    // count is contradicted by the callback running, so the exact count is no longer known.
    const usageCount = s.kvm.usageCount === 0 ? null : s.kvm.usageCount;
    return withCpu({ ...s, kvm: { ...s.kvm, usageCount, cpuhpRegistered: true } }, e.cpu, { virt: 'on' });
  }
  // ≤6.11 (and unknown eras): the callback is always registered and enables only if the count is non-zero.
  const n = s.kvm.usageCount;
  const virt: Virt = n === null ? 'unknown' : n > 0 ? 'on' : 'off';
  return virt === 'unknown' && cpuState(s, e.cpu).virt !== 'unknown' ? s : withCpu(s, e.cpu, { virt });
}

function applyModule(s: HostState, e: Extract<LifecycleEvent, { type: 'kvm.module' }>): HostState {
  if (e.module !== 'kvm') return s;
  if (e.action === 'unload') {
    return { ...s, kvm: { ...s.kvm, loaded: false, usageCount: 0, cpuhpRegistered: false } };
  }
  // A freshly loaded kvm.ko starts with kvm_usage_count = 0; enable-at-load (6.12+) shows as its own events.
  const cpuhpRegistered = cpuhpRegisteredAtLoad(s.era) ? true : cpuhpFollowsUsage(s.era) ? false : null;
  return { ...s, kvm: { ...s.kvm, loaded: true, usageCount: 0, cpuhpRegistered } };
}

function withUsage(s: HostState, usageCount: number | null): HostState {
  const kvm: KvmState = { ...s.kvm, usageCount };
  if (usageCount !== null && cpuhpFollowsUsage(s.era)) {
    // I-21: in 6.12+ the hotplug state is registered exactly while the count is non-zero.
    return { ...s, kvm: { ...kvm, cpuhpRegistered: usageCount > 0 } };
  }
  return { ...s, kvm };
}

// Runs for most events of a boot, on every fold (import, rebuild, state at an instant): written out, not spread.
function withCpu(s: HostState, cpu: number, patch: Partial<CpuState>): HostState {
  const before = cpuState(s, cpu);
  const online = patch.online === undefined ? before.online : patch.online;
  const virt = patch.virt === undefined ? before.virt : patch.virt;
  const tdx = patch.tdx === undefined ? before.tdx : patch.tdx;
  if (online === before.online && virt === before.virt && tdx === before.tdx) return s;
  const cpus = new Map(s.cpus);
  cpus.set(cpu, { online, virt, tdx });
  return { era: s.era, kvm: s.kvm, tdx: s.tdx, system: s.system, cpus };
}

function allOnlineCpus(s: HostState, patch: Partial<CpuState>): HostState {
  let out = s;
  for (const [cpu, c] of s.cpus) if (c.online !== false) out = withCpu(out, cpu, patch);
  return out;
}
