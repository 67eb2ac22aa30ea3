/**
 * What to capture on a host so that kvmlog can follow its virtualization lifecycle, per kernel era
 * (domain/kernel-lifecycle.md §4.4). Every probe is named after its function, and a return probe after its
 * function plus `_ret`, so that the decoder's symbol table (ingest/symbols.ts) reads what it captures.
 * Fetch-args are the ones the QEMU recordings used on real 6.1 and 6.12 kernels.
 */
import { ERAS, type Era } from '../model/era.js';

export type ProbeModule = 'kvm' | 'kvm_intel' | 'kvm_amd' | null;

export interface ProbeSpec {
  readonly fn: string;
  /** The module that holds the function (`MOD:SYM`), or null for the core kernel. */
  readonly module: ProbeModule;
  /** Entry probe, return probe, or both. */
  readonly at: 'entry' | 'return' | 'both';
  /** Entry fetch-args, in tracefs syntax. */
  readonly args?: string;
  /** Return fetch-args beyond `ret=$retval:s32`. */
  readonly retArgs?: string;
  /** Returns void: a return probe would carry nothing. */
  readonly void?: boolean;
  readonly eras: readonly [Era, Era];
  /** What can go wrong with this probe. */
  readonly caveat?: string;
}

const ALL: readonly [Era, Era] = ['E0', 'E4'];
const USAGE = 'usage=@kvm_usage_count:s32';
// Register fetch: `$arg1` is refused for a MOD:SYM probe defined before the module loads (§4.3).
const CPU_ARG = 'cpu=%di:u32';

export const PROBES: readonly ProbeSpec[] = [
  // KVM hotplug callbacks: their cpuhp_enter/exit events exist from 6.3; 6.2 and older need kprobes (§4.2).
  // They run on the CPU coming up or going down, so the CPU column names it: no fetch-arg needed.
  { fn: 'kvm_starting_cpu', module: 'kvm', at: 'both', eras: ['E0', 'E0'], caveat: 'STARTING-section callback: no cpuhp event, kprobe only' },
  { fn: 'kvm_dying_cpu', module: 'kvm', at: 'entry', eras: ['E0', 'E0'] },
  { fn: 'kvm_online_cpu', module: 'kvm', at: 'both', args: `${CPU_ARG} ${USAGE}`, eras: ['E1', 'E4'] },
  { fn: 'kvm_offline_cpu', module: 'kvm', at: 'entry', args: `${CPU_ARG} ${USAGE}`, eras: ['E1', 'E4'] },
  // kvm_usage_count.
  { fn: 'hardware_enable_all', module: 'kvm', at: 'both', eras: ['E0', 'E2'], caveat: 'static, often inlined into kvm_create_vm (it is in Debian 6.1); VM create/destroy still count' },
  { fn: 'hardware_disable_all', module: 'kvm', at: 'entry', void: true, eras: ['E0', 'E2'], caveat: 'static, often inlined' },
  { fn: 'kvm_enable_virtualization', module: 'kvm', at: 'both', args: USAGE, retArgs: USAGE, eras: ['E3', 'E4'], caveat: 'static in 6.12–6.15 and 7.1+: check kallsyms' },
  { fn: 'kvm_disable_virtualization', module: 'kvm', at: 'both', args: USAGE, retArgs: USAGE, void: true, eras: ['E3', 'E4'] },
  { fn: 'kvm_arch_init_vm', module: 'kvm', at: 'entry', args: 'kvm=$arg1:x64 type=$arg2:u64', eras: ALL },
  { fn: 'kvm_destroy_vm', module: 'kvm', at: 'entry', args: 'kvm=$arg1:x64', eras: ALL },
  // Per-CPU VMXON / EFER.SVME (§2.4): the vendor functions, reached through ops pointers, so never inlined.
  { fn: 'hardware_enable', module: 'kvm_intel', at: 'both', eras: ['E0', 'E0'] },
  { fn: 'hardware_disable', module: 'kvm_intel', at: 'entry', eras: ['E0', 'E0'] },
  { fn: 'vmx_hardware_enable', module: 'kvm_intel', at: 'both', eras: ['E1', 'E2'] },
  { fn: 'vmx_hardware_disable', module: 'kvm_intel', at: 'entry', eras: ['E1', 'E2'] },
  { fn: 'svm_hardware_enable', module: 'kvm_amd', at: 'both', eras: ['E0', 'E2'] },
  { fn: 'svm_hardware_disable', module: 'kvm_amd', at: 'entry', eras: ['E0', 'E2'] },
  { fn: 'vmx_enable_virtualization_cpu', module: 'kvm_intel', at: 'both', eras: ['E3', 'E4'] },
  { fn: 'vmx_disable_virtualization_cpu', module: 'kvm_intel', at: 'entry', eras: ['E3', 'E4'] },
  { fn: 'svm_enable_virtualization_cpu', module: 'kvm_amd', at: 'both', eras: ['E3', 'E4'] },
  { fn: 'svm_disable_virtualization_cpu', module: 'kvm_amd', at: 'entry', eras: ['E3', 'E4'] },
  // Shutdown and emergency disable (§2.9, §2.10).
  { fn: 'kvm_reboot', module: 'kvm', at: 'entry', args: 'val=$arg2:u64', eras: ['E0', 'E1'] },
  { fn: 'kvm_shutdown', module: 'kvm', at: 'entry', eras: ['E1', 'E4'], caveat: 'syscore shutdown from 6.4; 6.3 still uses kvm_reboot' },
  { fn: 'cpu_emergency_disable_virtualization', module: null, at: 'entry', eras: ['E0', 'E3'], caveat: '6.6+ (some distribution 6.1 kernels carry it); ≤6.5 mainline inlines cpu_emergency_vmxoff, which cannot be probed' },
  { fn: 'vmx_emergency_disable', module: 'kvm_intel', at: 'entry', eras: ['E2', 'E2'] },
  { fn: 'svm_emergency_disable', module: 'kvm_amd', at: 'entry', eras: ['E2', 'E2'] },
  { fn: 'vmx_emergency_disable_virtualization_cpu', module: 'kvm_intel', at: 'entry', eras: ['E3', 'E4'] },
  { fn: 'svm_emergency_disable_virtualization_cpu', module: 'kvm_amd', at: 'entry', eras: ['E3', 'E4'] },
  { fn: 'x86_virt_emergency_disable_virtualization_cpu', module: null, at: 'entry', eras: ['E4', 'E4'] },
  // Hotplug state registration: which cpuhp state number is "kvm/cpu:online".
  { fn: '__cpuhp_setup_state', module: null, at: 'entry', args: 'state=$arg1:s32 name=+0($arg2):string invoke=$arg3:u8', eras: ALL },
  { fn: '__cpuhp_remove_state', module: null, at: 'entry', args: 'state=$arg1:s32 invoke=$arg2:u8', eras: ALL },
  // TDX (§2.5, §2.6).
  { fn: 'tdx_cpu_enable', module: null, at: 'return', eras: ['E2', 'E3'], caveat: '6.8+; static (maybe inlined) in 7.1' },
  { fn: 'tdx_enable', module: null, at: 'return', eras: ['E2', 'E3'], caveat: '6.8–7.0; in 7.1 an __init function: use dmesg' },
  { fn: 'tdx_online_cpu', module: 'kvm_intel', at: 'both', args: CPU_ARG, eras: ['E3', 'E3'], caveat: '6.16–7.0, in kvm_intel' },
  { fn: 'tdx_online_cpu', module: null, at: 'both', args: CPU_ARG, eras: ['E4', 'E4'], caveat: '7.1+, built in' },
  // Panic, crash and kexec (§2.10): the ring buffer does not survive the kexec; see the capture notes.
  { fn: 'panic', module: null, at: 'entry', args: 'fmt=+0($arg1):string', eras: ALL },
  { fn: '__crash_kexec', module: null, at: 'entry', eras: ALL },
  { fn: 'native_machine_crash_shutdown', module: null, at: 'entry', eras: ALL },
  { fn: 'crash_nmi_callback', module: null, at: 'entry', eras: ALL },
  { fn: 'kdump_nmi_callback', module: null, at: 'entry', args: 'cpu=$arg1:s32', eras: ALL },
  { fn: 'crash_save_cpu', module: null, at: 'entry', args: 'cpu=$arg2:s32', eras: ALL },
  { fn: 'machine_kexec', module: null, at: 'entry', eras: ALL },
  { fn: 'kernel_power_off', module: null, at: 'entry', eras: ALL },
  { fn: 'kernel_restart', module: null, at: 'entry', eras: ALL },
  { fn: 'kernel_halt', module: null, at: 'entry', eras: ALL },
  { fn: 'syscore_suspend', module: null, at: 'entry', eras: ALL },
  { fn: 'syscore_resume', module: null, at: 'entry', eras: ALL },
];

/** Tracepoints to enable: hotplug callbacks, module load/unload, suspend/resume brackets. */
export const TRACEPOINTS: readonly string[] = ['cpuhp/cpuhp_enter', 'cpuhp/cpuhp_exit', 'cpuhp/cpuhp_multi_enter', 'module/module_load', 'module/module_free', 'power/suspend_resume'];

export function probesFor(era: Era): ProbeSpec[] {
  const i = ERAS.indexOf(era);
  return PROBES.filter((p) => ERAS.indexOf(p.eras[0]) <= i && i <= ERAS.indexOf(p.eras[1]));
}
