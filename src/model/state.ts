import type { Era } from './era.js';

/** A fact the input may not have shown: `null` means unknown, never "off". */
export type Known<T> = T | null;

export type Virt = 'on' | 'off' | 'unknown';
export type TdxModuleStatus = 'uninitialized' | 'initialized' | 'error' | 'unknown';
export type SystemState = 'running' | 'panic' | 'suspend' | 'restart' | 'halt' | 'power_off' | 'unknown';

export interface CpuState {
  readonly online: Known<boolean>;
  /** The CPU is post-VMXON (VMX) or has EFER.SVME set (SVM). */
  readonly virt: Virt;
  /** TDX LP-init done on this CPU (tdx_lp_initialized). */
  readonly tdx: Known<boolean>;
}

export interface KvmState {
  readonly loaded: Known<boolean>;
  readonly usageCount: Known<number>;
  /** The KVM CPU-hotplug state ("kvm/cpu:online", "kvm/cpu:starting" before 6.3) is registered. */
  readonly cpuhpRegistered: Known<boolean>;
  /** kvm_rebooting: set by kvm_shutdown/kvm_reboot and by emergency disables; never cleared. */
  readonly rebooting: boolean;
}

export interface HostState {
  readonly era: Era | null;
  readonly kvm: KvmState;
  readonly tdx: { readonly module: TdxModuleStatus };
  /** `cpu`: the CPU that panicked, while the state is `panic` and the input showed which. */
  readonly system: { readonly state: SystemState; readonly cpu?: Known<number> };
  /** Per-CPU state, keyed by CPU number; a CPU never mentioned is absent (unknown). */
  readonly cpus: ReadonlyMap<number, CpuState>;
}

export const UNKNOWN_CPU: CpuState = { online: null, virt: 'unknown', tdx: null };

export function initialState(era: Era | null): HostState {
  return {
    era,
    kvm: { loaded: null, usageCount: null, cpuhpRegistered: null, rebooting: false },
    tdx: { module: 'unknown' },
    system: { state: 'unknown' },
    cpus: new Map(),
  };
}

export function cpuState(s: HostState, cpu: number): CpuState {
  return s.cpus.get(cpu) ?? UNKNOWN_CPU;
}
