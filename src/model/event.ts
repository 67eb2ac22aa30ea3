/**
 * The event catalogue (DESIGN.md): one discriminated union of every lifecycle fact kvmlog records.
 * Names are a contract: users filter on them and exported NDJSON carries them, so keep them stable.
 * `virt` means VMX operation on Intel and EFER.SVME on AMD.
 */

export type Vendor = 'vmx' | 'svm' | 'unknown';
export type BootKind = 'normal' | 'kdump';
export type SystemStateName = 'restart' | 'halt' | 'power_off' | 'suspend' | 'resume';
export type KexecKind = 'normal' | 'crash';

export type LifecycleEvent =
  | { type: 'boot'; kernel: string | null; cmdline: string | null; kind: BootKind }
  | { type: 'cpu.online'; cpu: number }
  | { type: 'cpu.offline'; cpu: number }
  /** A KVM or TDX hotplug callback ran on `cpu` (cpuhp_enter/cpuhp_exit, or a probe on the callback). */
  | {
      type: 'cpuhp.callback';
      cpu: number;
      callback: string;
      phase: 'enter' | 'exit';
      target: number | null;
      step: number | null;
      ret: number | null;
    }
  | { type: 'kvm.module'; module: string; action: 'load' | 'unload'; params: Record<string, string> }
  /** kvm_usage_count changed; `from` is null when the value before was not recorded. */
  | { type: 'kvm.usage'; from: number | null; to: number }
  | { type: 'kvm.cpuhp'; action: 'register' | 'remove'; state: string }
  /** VMXON / EFER.SVME set on `cpu`; `ret` is null when the probe recorded no return value. */
  | { type: 'virt.enable'; cpu: number; vendor: Vendor; ret: number | null }
  | { type: 'virt.disable'; cpu: number; vendor: Vendor }
  | { type: 'virt.enable_failed'; cpu: number; ret: number | null }
  | { type: 'virt.emergency_disable'; cpu: number }
  | { type: 'kvm.shutdown' }
  | { type: 'tdx.cpu_enable'; cpu: number; ret: number | null }
  | { type: 'tdx.module_init'; result: 'initialized' | 'failed'; errno: number | null; version: string | null }
  | { type: 'vm.create'; pid: number | null }
  | { type: 'vm.destroy'; pid: number | null }
  | { type: 'system.state'; state: SystemStateName }
  | { type: 'kexec.load'; kind: KexecKind }
  | { type: 'kexec.start'; kind: KexecKind }
  | { type: 'panic'; message: string }
  /** This CPU took the crash shootdown NMI (crash_nmi_callback / kdump_nmi_callback) on the way to kdump. */
  | { type: 'crash.nmi'; cpu: number }
  /** The trace lost records (`[LOST n EVENTS]`): anything may have changed unseen. `cpu` is the buffer that lost them. */
  | { type: 'trace.lost'; cpu: number | null; count: number | null }
  /** A trace_marker line: what the person or script driving the host said it was doing. */
  | { type: 'marker'; text: string };

export type EventType = LifecycleEvent['type'];

export const EVENT_TYPES: readonly EventType[] = [
  'boot',
  'cpu.online',
  'cpu.offline',
  'cpuhp.callback',
  'kvm.module',
  'kvm.usage',
  'kvm.cpuhp',
  'virt.enable',
  'virt.disable',
  'virt.enable_failed',
  'virt.emergency_disable',
  'kvm.shutdown',
  'tdx.cpu_enable',
  'tdx.module_init',
  'vm.create',
  'vm.destroy',
  'system.state',
  'kexec.load',
  'kexec.start',
  'panic',
  'crash.nmi',
  'trace.lost',
  'marker',
];

export function isEventType(s: string): s is EventType {
  return (EVENT_TYPES as readonly string[]).includes(s);
}

/** The CPU an event is about, if it is a per-CPU event. */
export function subjectCpu(e: LifecycleEvent): number | null {
  return 'cpu' in e ? e.cpu : null;
}


/** Where an event came from: enough to show the user the exact input line. */
export interface Provenance {
  readonly sourceId: number;
  /** SHA-256 (hex) of the input file's content. */
  readonly sourceSha256: string;
  readonly path: string;
  readonly line: number;
  readonly raw: string;
}

/** An event as stored: immutable, globally sequenced, at an exact kernel time. */
export interface EventRecord {
  readonly seq: number;
  readonly boot: string;
  /** Nanoseconds since this boot, exact. */
  readonly timeNs: bigint;
  readonly event: LifecycleEvent;
  readonly provenance: Provenance;
  /** Where asked for: this event's hash and the one before it in the store's hash chain. */
  readonly chain?: { readonly prev: string; readonly hash: string | null } | undefined;
}
