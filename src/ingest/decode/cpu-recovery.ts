/**
 * CPUs for lines that name none. tp_printk routes probes into the kernel log without the CPU column; such a
 * per-CPU event is held until the boot's end, when evidence from anywhere in the log may name its CPU: another
 * line at that exact instant that names one (`kdump_nmi_callback cpu=N`, `crash_save_cpu cpu=N`), or the crash
 * path's own CPU (the panicking one). Where nothing is certain, the line is a warning.
 */
import type { LifecycleEvent } from '../../model/event.js';
import type { Line } from '../lines.js';
import type { DecodedEvent } from './outcome.js';

interface Held {
  readonly timeNs: bigint;
  readonly line: Line;
  readonly fn: string;
  readonly make: (cpu: number) => LifecycleEvent;
}

export interface Recovered {
  readonly events: DecodedEvent[];
  /** The held panics, each with the panicking CPU where the log named it. */
  readonly panics: DecodedEvent[];
  readonly warnings: { line: number; message: string }[];
  /** Lines that needed no event of their own. */
  readonly context: number;
}

export class CpuRecovery {
  private readonly held: Held[] = [];
  /** Panics whose line named no CPU: the panicking CPU, once the log names it. */
  private readonly panics: DecodedEvent[] = [];
  /** CPUs that certainly ran something at an exact instant. */
  private readonly cpuAt = new Map<bigint, Set<number>>();
  /** The instants native_machine_crash_shutdown ran: on the panicking CPU. */
  private readonly crashShutdownAt: bigint[] = [];
  /** The panicking CPU, from the panic's probe or the `CPU: N PID: …` line of its stack dump. */
  private panicCpu: number | null = null;
  private seenPanic = false;
  /** kvm_shutdown / kvm_reboot ran: every CPU's virtualization is off, whichever CPU a later disable line was on. */
  private shutdownAt: bigint | null = null;

  /** A panic was seen, its event emitted or held. */
  get sawPanic(): boolean {
    return this.seenPanic;
  }

  /** A per-CPU event whose line named no CPU, held for the boot's end. */
  later(timeNs: bigint, line: Line, fn: string, make: (cpu: number) => LifecycleEvent): void {
    this.held.push({ timeNs, line, fn, make });
  }

  /** `cpu` certainly ran something at `timeNs`. */
  ran(timeNs: bigint, cpu: number): void {
    const set = this.cpuAt.get(timeNs) ?? new Set<number>();
    set.add(cpu);
    this.cpuAt.set(timeNs, set);
  }

  crashShutdown(timeNs: bigint, cpu: number | null): void {
    this.crashShutdownAt.push(timeNs);
    if (cpu !== null) this.panicCpu ??= cpu;
  }

  panicked(cpu: number | null): void {
    this.seenPanic = true;
    if (cpu !== null) this.panicCpu ??= cpu;
  }

  /** A panic whose line named no CPU, held for the boot's end: its stack dump may name the CPU later. */
  panicLater(e: DecodedEvent): void {
    this.panics.push(e);
  }

  shutdown(timeNs: bigint): void {
    this.shutdownAt ??= timeNs;
  }

  /**
   * The panic's stack dump names the panicking CPU: `CPU: 3 PID: 1 Comm: init …` (6.1), `CPU: 0 UID: 0 PID: 1
   * Comm: init …` (6.12). True when `message` was that line.
   */
  dumpLine(message: string): boolean {
    if (!this.seenPanic || this.panicCpu !== null) return false;
    const m = /^CPU: (\d+) (?:UID: \d+ )?PID: \d+ /.exec(message);
    if (m === null) return false;
    this.panicCpu = Number(m[1]);
    return true;
  }

  /** The boot's end: each held event with its CPU where the evidence is certain, else a warning. */
  flush(): Recovered {
    const events: DecodedEvent[] = [];
    const warnings: { line: number; message: string }[] = [];
    let context = 0;
    for (const c of this.held) {
      const type = c.make(0).type;
      if ((type === 'virt.disable' || type === 'virt.emergency_disable') && this.shutdownAt !== null && c.timeNs >= this.shutdownAt) {
        // The disable IPI of a shutdown prints identical lines on every CPU; the shutdown event already says all are off.
        context++;
        continue;
      }
      const cpus = new Set(this.cpuAt.get(c.timeNs) ?? []);
      if (this.panicCpu !== null && this.onPanickingCpu(c.timeNs, type, cpus.size)) cpus.add(this.panicCpu);
      if (cpus.size === 1) {
        const [cpu] = cpus;
        events.push({ timeNs: c.timeNs, event: c.make(cpu!), line: c.line.no, raw: c.line.text });
      } else {
        const why = cpus.size === 0 ? 'no CPU column, no cpu= argument, and no other line names the CPU at that instant' : `CPUs ${[...cpus].join(', ')} all ran at that instant`;
        warnings.push({ line: c.line.no, message: `${c.fn}: CPU unknown (${why})` });
      }
    }
    this.held.length = 0;
    // A panic's CPU the log never named is unknown: the panic itself is still a fact.
    const panics = this.panics.map((p) => (p.event.type === 'panic' ? { ...p, event: { ...p.event, cpu: this.panicCpu } } : p));
    this.panics.length = 0;
    return { events, panics, warnings, context };
  }

  /**
   * The crash path on the panicking CPU: native_machine_crash_shutdown itself, and its own emergency disable
   * after the shootdown — one that no crash-NMI line claims for another CPU at that instant (6.1 prints the
   * NMI'd CPUs' lines, each with `kdump_nmi_callback cpu=N`; 6.12 does not print them at all).
   */
  private onPanickingCpu(timeNs: bigint, type: LifecycleEvent['type'], claimed: number): boolean {
    if (this.crashShutdownAt.includes(timeNs)) return true;
    const first = this.crashShutdownAt[0];
    return type === 'virt.emergency_disable' && claimed === 0 && first !== undefined && timeNs >= first;
  }
}
