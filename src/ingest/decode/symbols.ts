/**
 * What each kernel function, probed or traced, tells kvmlog — the era mapping in one table
 * (domain/kernel-lifecycle.md §4.4). Keyed by function name, so a kprobe named after its function,
 * a default-named probe (`p_kvm_online_cpu_0`), a kretprobe (`…_ret`) and a function-tracer line all land here.
 * Add a kernel's new names by adding rows.
 */
import type { Era } from '../../model/era.js';
import type { Vendor } from '../../model/event.js';

export type Role =
  /** VMXON / EFER.SVME on this CPU: the vendor per-CPU enable. Returns int. */
  | { kind: 'vendor-enable'; vendor: Vendor }
  /** VMXOFF on this CPU: the vendor per-CPU disable. */
  | { kind: 'vendor-disable'; vendor: Vendor }
  /** The crash/reboot emergency disable on this CPU. */
  | { kind: 'emergency-disable' }
  /** A KVM or TDX CPU-hotplug callback. */
  | { kind: 'hotplug-callback' }
  /** Takes or drops a kvm_usage_count reference; recordings fetch the count as `usage=`. */
  | { kind: 'usage' }
  | { kind: 'vm-create' }
  | { kind: 'vm-destroy' }
  /** kvm_shutdown (syscore, 6.4+) / kvm_reboot (reboot notifier, ≤6.3): KVM turns virt off everywhere. */
  | { kind: 'kvm-shutdown' }
  | { kind: 'tdx-cpu-enable' }
  | { kind: 'tdx-enable' }
  | { kind: 'cpuhp-setup' }
  | { kind: 'cpuhp-remove' }
  | { kind: 'panic' }
  /** The crash path before machine_kexec: marks the next kexec as a crash kexec. */
  | { kind: 'crash-path' }
  /** native_machine_crash_shutdown: runs on the panicking CPU, which also does its emergency disable there. */
  | { kind: 'crash-shutdown' }
  /** A CPU taking the crash shootdown NMI. */
  | { kind: 'crash-nmi' }
  /** crash_save_cpu: names the CPU whose registers are saved, on that CPU. */
  | { kind: 'crash-save-cpu' }
  | { kind: 'machine-kexec' }
  | { kind: 'system'; state: 'power_off' | 'restart' | 'halt' | 'suspend' | 'resume' }
  /** A lifecycle function whose line adds nothing the rows above do not already record. */
  | { kind: 'context' };

export interface SymbolInfo {
  readonly role: Role;
  /** Eras in which this name exists (inclusive), used to place a boot whose input shows no version. */
  readonly eras?: readonly [Era, Era];
}

const svm: Vendor = 'svm';
const vmx: Vendor = 'vmx';

export const SYMBOLS: ReadonlyMap<string, SymbolInfo> = new Map<string, SymbolInfo>([
  // Vendor per-CPU enable/disable (§2.4).
  ['hardware_enable', { role: { kind: 'vendor-enable', vendor: vmx }, eras: ['E0', 'E0'] }],
  ['hardware_disable', { role: { kind: 'vendor-disable', vendor: vmx }, eras: ['E0', 'E0'] }],
  ['vmx_hardware_enable', { role: { kind: 'vendor-enable', vendor: vmx }, eras: ['E1', 'E2'] }],
  ['vmx_hardware_disable', { role: { kind: 'vendor-disable', vendor: vmx }, eras: ['E1', 'E2'] }],
  ['svm_hardware_enable', { role: { kind: 'vendor-enable', vendor: svm }, eras: ['E0', 'E2'] }],
  ['svm_hardware_disable', { role: { kind: 'vendor-disable', vendor: svm }, eras: ['E0', 'E2'] }],
  ['vmx_enable_virtualization_cpu', { role: { kind: 'vendor-enable', vendor: vmx }, eras: ['E3', 'E4'] }],
  ['vmx_disable_virtualization_cpu', { role: { kind: 'vendor-disable', vendor: vmx }, eras: ['E3', 'E4'] }],
  ['svm_enable_virtualization_cpu', { role: { kind: 'vendor-enable', vendor: svm }, eras: ['E3', 'E4'] }],
  ['svm_disable_virtualization_cpu', { role: { kind: 'vendor-disable', vendor: svm }, eras: ['E3', 'E4'] }],
  ['x86_vmx_enable_virtualization_cpu', { role: { kind: 'vendor-enable', vendor: vmx }, eras: ['E4', 'E4'] }],
  ['x86_vmx_disable_virtualization_cpu', { role: { kind: 'vendor-disable', vendor: vmx }, eras: ['E4', 'E4'] }],
  // Emergency virtualization disable (§2.9, §2.10).
  ['cpu_emergency_vmxoff', { role: { kind: 'emergency-disable' }, eras: ['E0', 'E1'] }],
  ['cpu_emergency_svm_disable', { role: { kind: 'emergency-disable' }, eras: ['E0', 'E1'] }],
  ['cpu_emergency_disable_virtualization', { role: { kind: 'emergency-disable' } }],
  ['vmx_emergency_disable', { role: { kind: 'emergency-disable' }, eras: ['E2', 'E2'] }],
  ['svm_emergency_disable', { role: { kind: 'emergency-disable' }, eras: ['E2', 'E2'] }],
  ['vmx_emergency_disable_virtualization_cpu', { role: { kind: 'emergency-disable' }, eras: ['E3', 'E4'] }],
  ['svm_emergency_disable_virtualization_cpu', { role: { kind: 'emergency-disable' }, eras: ['E3', 'E4'] }],
  ['x86_virt_emergency_disable_virtualization_cpu', { role: { kind: 'emergency-disable' }, eras: ['E4', 'E4'] }],
  // KVM and TDX hotplug callbacks (§2.1–2.3, §2.6).
  ['kvm_starting_cpu', { role: { kind: 'hotplug-callback' }, eras: ['E0', 'E0'] }],
  ['kvm_dying_cpu', { role: { kind: 'hotplug-callback' }, eras: ['E0', 'E0'] }],
  ['kvm_online_cpu', { role: { kind: 'hotplug-callback' }, eras: ['E1', 'E4'] }],
  ['kvm_offline_cpu', { role: { kind: 'hotplug-callback' }, eras: ['E1', 'E4'] }],
  ['tdx_online_cpu', { role: { kind: 'hotplug-callback' }, eras: ['E3', 'E4'] }],
  ['tdx_offline_cpu', { role: { kind: 'hotplug-callback' }, eras: ['E3', 'E4'] }],
  // kvm_usage_count.
  ['hardware_enable_all', { role: { kind: 'usage' }, eras: ['E0', 'E2'] }],
  ['hardware_disable_all', { role: { kind: 'usage' }, eras: ['E0', 'E2'] }],
  ['kvm_enable_virtualization', { role: { kind: 'usage' }, eras: ['E3', 'E4'] }],
  ['kvm_disable_virtualization', { role: { kind: 'usage' }, eras: ['E3', 'E4'] }],
  // VMs. kvm_create_vm is inlined in some builds; kvm_arch_init_vm exists in all, so it alone counts.
  ['kvm_arch_init_vm', { role: { kind: 'vm-create' } }],
  ['kvm_destroy_vm', { role: { kind: 'vm-destroy' } }],
  ['kvm_shutdown', { role: { kind: 'kvm-shutdown' }, eras: ['E1', 'E4'] }],
  ['kvm_reboot', { role: { kind: 'kvm-shutdown' }, eras: ['E0', 'E1'] }],
  // TDX host core (§2.5).
  ['tdx_cpu_enable', { role: { kind: 'tdx-cpu-enable' }, eras: ['E2', 'E4'] }],
  ['tdx_enable', { role: { kind: 'tdx-enable' }, eras: ['E2', 'E4'] }],
  // Hotplug state registration.
  ['__cpuhp_setup_state', { role: { kind: 'cpuhp-setup' } }],
  ['__cpuhp_setup_state_cpuslocked', { role: { kind: 'cpuhp-setup' } }],
  ['__cpuhp_remove_state', { role: { kind: 'cpuhp-remove' } }],
  ['__cpuhp_remove_state_cpuslocked', { role: { kind: 'cpuhp-remove' } }],
  // Panic, crash and kexec (§2.10).
  ['panic', { role: { kind: 'panic' } }],
  ['__crash_kexec', { role: { kind: 'crash-path' } }],
  ['crash_kexec', { role: { kind: 'crash-path' } }],
  ['machine_crash_shutdown', { role: { kind: 'crash-path' } }],
  ['native_machine_crash_shutdown', { role: { kind: 'crash-shutdown' } }],
  ['crash_nmi_callback', { role: { kind: 'crash-nmi' } }],
  ['kdump_nmi_callback', { role: { kind: 'crash-nmi' } }],
  ['crash_save_cpu', { role: { kind: 'crash-save-cpu' } }],
  ['machine_kexec', { role: { kind: 'machine-kexec' } }],
  ['kernel_power_off', { role: { kind: 'system', state: 'power_off' } }],
  ['kernel_restart', { role: { kind: 'system', state: 'restart' } }],
  ['kernel_halt', { role: { kind: 'system', state: 'halt' } }],
  ['syscore_suspend', { role: { kind: 'system', state: 'suspend' } }],
  ['syscore_resume', { role: { kind: 'system', state: 'resume' } }],
  // Context: recognized, recorded by the rows above or by tracepoints.
  ...[
    'hardware_enable_nolock',
    'hardware_disable_nolock',
    '__hardware_enable_nolock',
    'hardware_disable_all_nolock',
    'kvm_arch_hardware_enable',
    'kvm_arch_hardware_disable',
    'kvm_arch_hardware_setup',
    'kvm_arch_check_processor_compat',
    'check_processor_compat',
  ].map((n): [string, SymbolInfo] => [n, { role: { kind: 'context' }, eras: ['E0', 'E2'] }]),
  ...[
    'kvm_enable_virtualization_cpu',
    'kvm_disable_virtualization_cpu',
    'kvm_arch_enable_virtualization_cpu',
    'kvm_arch_disable_virtualization_cpu',
    'kvm_x86_check_cpu_compat',
  ].map((n): [string, SymbolInfo] => [n, { role: { kind: 'context' }, eras: ['E3', 'E4'] }]),
  ['kvm_arch_enable_virtualization', { role: { kind: 'context' }, eras: ['E3', 'E4'] }],
  ['kvm_arch_disable_virtualization', { role: { kind: 'context' }, eras: ['E3', 'E4'] }],
  // Registered at vendor load in 6.6–6.11, on usage 0→1 in 6.12–7.0; gone in 7.1.
  ['cpu_emergency_register_virt_callback', { role: { kind: 'context' }, eras: ['E2', 'E3'] }],
  ['cpu_emergency_unregister_virt_callback', { role: { kind: 'context' }, eras: ['E2', 'E3'] }],
  ['x86_virt_register_emergency_callback', { role: { kind: 'context' }, eras: ['E4', 'E4'] }],
  ['x86_virt_unregister_emergency_callback', { role: { kind: 'context' }, eras: ['E4', 'E4'] }],
  ['x86_virt_get_ref', { role: { kind: 'context' }, eras: ['E4', 'E4'] }],
  ['x86_virt_put_ref', { role: { kind: 'context' }, eras: ['E4', 'E4'] }],
  ...[
    'kvm_init',
    'kvm_exit',
    'kvm_x86_vendor_init',
    'kvm_x86_check_processor_compatibility',
    'svm_init',
    'vmx_init',
    'vt_init',
    'svm_hardware_setup',
    'vmx_hardware_setup',
    'svm_hardware_unsetup',
    'vmx_hardware_unsetup',
    'svm_check_processor_compat',
    'vmx_check_processor_compat',
    'kvm_dev_ioctl',
    'kvm_create_vm',
    'kvm_vm_release',
    'kvm_arch_post_init_vm',
    'kvm_arch_destroy_vm',
    'svm_vm_init',
    'vmx_vm_init',
    'svm_vm_destroy',
    'vmx_vm_destroy',
    'kvm_suspend',
    'kvm_resume',
    'register_syscore',
    'unregister_syscore',
    'register_syscore_ops',
    'unregister_syscore_ops',
    'tdx_bringup',
    '__tdx_bringup',
    'tdx_cleanup',
    'crash_smp_send_stop',
    'kdump_nmi_shootdown_cpus',
    'nmi_shootdown_cpus',
    'kernel_kexec',
    'native_stop_other_cpus',
  ].map((n): [string, SymbolInfo] => [n, { role: { kind: 'context' } }]),
]);

/**
 * The function a probe event stands for. The event name wins (after a module reload ftrace may print
 * a stale symbol inside the parentheses); default names (`p_kvm_online_cpu_0`, `r_…`) and the `_ret`
 * suffix of the recordings' kretprobes are stripped; the printed symbol is the fallback.
 */
export function probeFunction(name: string, isReturn: boolean, printedSymbol: string | null): string | null {
  const candidates = [name];
  if (isReturn && name.endsWith('_ret')) candidates.push(name.slice(0, -4));
  // perf probe names a return probe `<func>__return`.
  if (isReturn && name.endsWith('__return')) candidates.push(name.slice(0, -8));
  const dflt = /^[pr]_(.+?)_\d+$/.exec(name);
  if (dflt) candidates.push(dflt[1]!, dflt[1]!.replace(/^(kvm_intel|kvm_amd|kvm)_/, ''));
  for (const c of candidates) if (SYMBOLS.has(c)) return c;
  return printedSymbol !== null && SYMBOLS.has(printedSymbol) ? printedSymbol : null;
}
