/**
 * Kernel log messages that are lifecycle signals, with their exact formats
 * (domain/kernel-lifecycle.md §4.1). One row per message; add rows for new kernels.
 */
import type { LifecycleEvent } from '../../model/event.js';

/**
 * `withinNs`: the message marks the start of a transition or its end, not its instant — a CPU's bring-up (or its
 * thaw, or a dead CPU cleaned up), a system suspend — which lies within this of it; null: the message is the instant.
 * A trace, where there is one, says when.
 */
export type PrintkSignal = { readonly kind: 'events'; readonly events: readonly LifecycleEvent[]; readonly withinNs: bigint | null } | { readonly kind: 'context' };

/** A message that marks the start of a CPU's bring-up: it comes online within this, later. */
const BRING_UP = 1_000_000_000n;
/**
 * `PM: suspend entry` opens pm_suspend and `PM: suspend exit` closes it; syscore_suspend and syscore_resume, the
 * instants the machine went down and came back, lie between, after tasks froze and devices suspended (236 ms and
 * 196 ms in the 6.1 recording; seconds on a machine with slow devices).
 */
const PM_TRANSITION = 5_000_000_000n;

type Row = readonly [RegExp, (m: RegExpExecArray) => readonly LifecycleEvent[] | 'context', bigint?];

const ROWS: readonly Row[] = [
  [/^Linux version (\S+)/, (m) => [{ type: 'boot', kernel: m[1]!, cmdline: null, kind: 'normal' }]],
  [/^(?:Kernel )?[Cc]ommand line: /, () => 'context'],
  // Printed as the dead CPU is cleaned up, inside takedown_cpu: the cpuhp exit, where there is one, says when.
  [/^smpboot: CPU (\d+) is now offline$/, (m) => [{ type: 'cpu.offline', cpu: Number(m[1]) }], BRING_UP],
  [/^smpboot: Booting Node \d+ Processor (\d+) APIC/, (m) => [{ type: 'cpu.online', cpu: Number(m[1]) }], BRING_UP],
  [/^CPU(\d+) is up$/, (m) => [{ type: 'cpu.online', cpu: Number(m[1]) }], BRING_UP],
  // The boot CPU names itself before the others are brought up.
  [/^smpboot: CPU(\d+): /, (m) => [{ type: 'cpu.online', cpu: Number(m[1]) }]],
  // Boot-time SMP bring-up: `.... node  #0, CPUs:      #1`, then ` #2`, ` #3` as continuation records.
  [/^\.\.\.\. node\s+#\d+, CPUs:\s+((?:#\d+\s*)+)$/, (m) => cpusFromHashes(m[1]!), BRING_UP],
  [/^\s*((?:#\d+\s*)+)$/, (m) => cpusFromHashes(m[1]!), BRING_UP],
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
  // The panicking CPU is named by a `[Cn]` caller, else by the `CPU: N PID: …` line of its stack dump (CpuRecovery).
  [/^Kernel panic - not syncing: (.*)$/, (m) => [{ type: 'panic', message: m[1]!.trim(), cpu: null }]],
  [/^kexec_core: Starting new kernel/, () => [{ type: 'kexec.start', kind: 'normal' }]],
  // arm64's machine_kexec on the crash path (x86 prints nothing there).
  [/^Starting crashdump kernel\.\.\./, () => [{ type: 'kexec.start', kind: 'crash' }]],
  [/^reboot: Restarting system/, () => [{ type: 'system.state', state: 'restart' }]],
  [/^reboot: System halted/, () => [{ type: 'system.state', state: 'halt' }]],
  [/^reboot: Power down/, () => [{ type: 'system.state', state: 'power_off' }]],
  [/^PM: suspend entry/, () => [{ type: 'system.state', state: 'suspend' }], PM_TRANSITION],
  [/^PM: suspend exit/, () => [{ type: 'system.state', state: 'resume' }], PM_TRANSITION],
  [/^(?:Disabling|Enabling) non-boot CPUs/, () => 'context'],
  [/^smpboot: Total of \d+ processors activated/, () => 'context'],
  [/^(?:kvm|kvm_intel|kvm_amd|SVM|virt\/tdx): /, () => 'context'],
];

function cpusFromHashes(text: string): LifecycleEvent[] {
  return [...text.matchAll(/#(\d+)/g)].map((m) => ({ type: 'cpu.online', cpu: Number(m[1]) }) as const);
}

export function decodePrintkMessage(message: string): PrintkSignal | null {
  for (const [re, make, withinNs] of ROWS) {
    const m = re.exec(message);
    if (!m) continue;
    const out = make(m);
    return out === 'context' ? { kind: 'context' } : { kind: 'events', events: out, withinNs: withinNs ?? null };
  }
  return null;
}
