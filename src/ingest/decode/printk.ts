/**
 * Kernel log messages that are lifecycle signals, with their exact formats
 * (domain/kernel-lifecycle.md §4.1). One row per message; add rows for new kernels.
 */
import type { LifecycleEvent } from '../../model/event.js';

/**
 * `approximate`: the message marks the start of a CPU's bring-up (or is printed after its thaw, or as a dead CPU is
 * cleaned up), not the instant it came online or went down: the cpuhp trace, where there is one, says when.
 */
export type PrintkSignal = { readonly kind: 'events'; readonly events: readonly LifecycleEvent[]; readonly approximate: boolean } | { readonly kind: 'context' };

type Row = readonly [RegExp, (m: RegExpExecArray) => readonly LifecycleEvent[] | 'context', 'approximate'?];

const ROWS: readonly Row[] = [
  [/^Linux version (\S+)/, (m) => [{ type: 'boot', kernel: m[1]!, cmdline: null, kind: 'normal' }]],
  [/^(?:Kernel )?[Cc]ommand line: /, () => 'context'],
  // Printed as the dead CPU is cleaned up, inside takedown_cpu: the cpuhp exit, where there is one, says when.
  [/^smpboot: CPU (\d+) is now offline$/, (m) => [{ type: 'cpu.offline', cpu: Number(m[1]) }], 'approximate'],
  [/^smpboot: Booting Node \d+ Processor (\d+) APIC/, (m) => [{ type: 'cpu.online', cpu: Number(m[1]) }], 'approximate'],
  [/^CPU(\d+) is up$/, (m) => [{ type: 'cpu.online', cpu: Number(m[1]) }], 'approximate'],
  // The boot CPU names itself before the others are brought up.
  [/^smpboot: CPU(\d+): /, (m) => [{ type: 'cpu.online', cpu: Number(m[1]) }]],
  // Boot-time SMP bring-up: `.... node  #0, CPUs:      #1`, then ` #2`, ` #3` as continuation records.
  [/^\.\.\.\. node\s+#\d+, CPUs:\s+((?:#\d+\s*)+)$/, (m) => cpusFromHashes(m[1]!), 'approximate'],
  [/^\s*((?:#\d+\s*)+)$/, (m) => cpusFromHashes(m[1]!), 'approximate'],
  [/^(?:smpboot: )?x86: Booting SMP configuration:$/, () => 'context'],
  [/^kvm: enabling virtualization on CPU(\d+) failed/, (m) => [{ type: 'virt.enable_failed', cpu: Number(m[1]), ret: null }]],
  // The kvm_cpu_hotplug notifier of kernels before 4.8 announced every per-CPU enable and disable on hotplug.
  [/^kvm: enabling virtualization on CPU(\d+)$/, (m) => [{ type: 'virt.enable', cpu: Number(m[1]), vendor: 'unknown', ret: null }]],
  [/^kvm: disabling virtualization on CPU(\d+)$/, (m) => [{ type: 'virt.disable', cpu: Number(m[1]), vendor: 'unknown' }]],
  [/^kvm: exiting hardware virtualization/, () => [{ type: 'kvm.shutdown' }]],
  [/^virt\/tdx: (?:module|TDX-Module) initialized/, () => [{ type: 'tdx.module_init', result: 'initialized', errno: null, version: null }]],
  [
    /^virt\/tdx: (?:module|TDX-Module) initialization failed \((-?\d+)\)/,
    (m) => [{ type: 'tdx.module_init', result: 'failed', errno: Number(m[1]), version: null }],
  ],
  [/^Kernel panic - not syncing: (.*)$/, (m) => [{ type: 'panic', message: m[1]!.trim() }]],
  [/^kexec_core: Starting new kernel/, () => [{ type: 'kexec.start', kind: 'normal' }]],
  [/^reboot: Restarting system/, () => [{ type: 'system.state', state: 'restart' }]],
  [/^reboot: System halted/, () => [{ type: 'system.state', state: 'halt' }]],
  [/^reboot: Power down/, () => [{ type: 'system.state', state: 'power_off' }]],
  [/^PM: suspend entry/, () => [{ type: 'system.state', state: 'suspend' }]],
  [/^PM: suspend exit/, () => [{ type: 'system.state', state: 'resume' }]],
  [/^(?:Disabling|Enabling) non-boot CPUs/, () => 'context'],
  [/^smpboot: Total of \d+ processors activated/, () => 'context'],
  [/^(?:kvm|kvm_intel|kvm_amd|SVM|virt\/tdx): /, () => 'context'],
];

function cpusFromHashes(text: string): LifecycleEvent[] {
  return [...text.matchAll(/#(\d+)/g)].map((m) => ({ type: 'cpu.online', cpu: Number(m[1]) }) as const);
}

export function decodePrintkMessage(message: string): PrintkSignal | null {
  for (const [re, make, approximate] of ROWS) {
    const m = re.exec(message);
    if (!m) continue;
    const out = make(m);
    return out === 'context' ? { kind: 'context' } : { kind: 'events', events: out, approximate: approximate !== undefined };
  }
  return null;
}
