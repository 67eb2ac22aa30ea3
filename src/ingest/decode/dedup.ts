/**
 * One fact, one event: a fact already emitted for this boot, seen again through another signal — a probe and a
 * tracepoint on the same call, a probe on panic() and the panic message — is dropped here, the one way out for
 * the decoder's events.
 */
import type { LifecycleEvent } from '../../model/event.js';
import { possibleCpu } from '../cpus.js';
import type { DecodedEvent } from './outcome.js';

const isApproximateOnline = (d: DecodedEvent): boolean => d.event.type === 'cpu.online' && d.approximate === true;

/**
 * Sightings are matched on what they are — the CPU, the callback or function, the phase — never on a time window:
 * genuine repeats come within milliseconds. A sighting is the same fact as one before it while no opposite
 * transition of that subject came between.
 */
export class Dedup {
  /** The last online/offline emitted per CPU, so repeated evidence does not repeat events. */
  private readonly online = new Map<number, boolean>();
  /** Calls still open per CPU (`cpu:what`): a hotplug callback in a phase, the crash NMI, an emergency disable. */
  private readonly open = new Set<string>();
  /** A CPU's online seen only as its bring-up starting: held for the cpuhp trace's own, which says when. */
  private readonly bringingUp = new Map<number, DecodedEvent>();
  private readonly once = new Set<LifecycleEvent['type']>();
  /** The last system state emitted: a kprobe on syscore_suspend and the power tracepoint say the same thing. */
  private systemState: string | null = null;

  /** The events that are not a fact already emitted, with any held online they release, in order. */
  keep(events: readonly DecodedEvent[]): DecodedEvent[] {
    const out: DecodedEvent[] = [];
    for (const d of events) this.take(d, out);
    return out;
  }

  /** The boot's end: the onlines still held are the only word on them. */
  flush(): DecodedEvent[] {
    const out = [...this.bringingUp.values()];
    this.bringingUp.clear();
    return out;
  }

  private take(d: DecodedEvent, out: DecodedEvent[]): void {
    const e = d.event;
    if (e.type === 'cpu.online' || e.type === 'cpu.offline') {
      const online = e.type === 'cpu.online';
      const held = this.bringingUp.get(e.cpu);
      if (online && isApproximateOnline(d)) {
        if (this.online.get(e.cpu) !== true && held === undefined) this.bringingUp.set(e.cpu, d);
        return;
      }
      if (held !== undefined) {
        this.bringingUp.delete(e.cpu);
        // The trace says when the CPU came online: its bring-up message is that same fact. Without it, the message
        // is all there is: it goes out before the CPU goes offline again.
        if (!online) this.transition(held, true, out);
      }
      this.transition(d, online, out);
      return;
    } else if (e.type === 'system.state') {
      if (this.systemState === e.state) return;
      this.systemState = e.state;
    } else if (e.type === 'kvm.shutdown' || e.type === 'panic' || e.type === 'kexec.start') {
      // Once per kernel: a probe on kvm_shutdown, panic() or machine_kexec and the message the kernel prints on
      // the same path are one occurrence.
      if (this.once.has(e.type)) return;
      this.once.add(e.type);
    } else if (e.type === 'cpuhp.callback') {
      const key = `${e.cpu}:${e.callback}/${e.phase}`;
      // Another callback, or the other phase, on this CPU ends the call: the next sighting is a new call.
      for (const k of this.open) if (k.startsWith(`${e.cpu}:`) && k.includes('/') && k !== key) this.open.delete(k);
      if (this.open.has(key)) return;
      this.open.add(key);
    } else if (e.type === 'crash.nmi' || e.type === 'virt.emergency_disable') {
      // crash_nmi_callback and kdump_nmi_callback take one NMI; the generic emergency disable and the vendor
      // callback it calls are one disable.
      const key = `${e.cpu}:${e.type}`;
      if (this.open.has(key)) return;
      this.open.add(key);
    } else if (e.type === 'virt.enable') this.open.delete(`${e.cpu}:virt.emergency_disable`);
    out.push(d);
  }

  private transition(d: DecodedEvent, online: boolean, out: DecodedEvent[]): void {
    const cpu = (d.event as { cpu: number }).cpu;
    if (this.online.get(cpu) === online) return;
    // An impossible CPU is left to the importer's warning, not remembered.
    if (possibleCpu(cpu)) this.online.set(cpu, online);
    this.end(cpu);
    out.push(d);
  }

  /** A CPU going online or offline ends every call open on it. */
  private end(cpu: number): void {
    for (const k of this.open) if (k.startsWith(`${cpu}:`)) this.open.delete(k);
  }
}
