/**
 * One fact, one event: a fact already emitted for this boot, seen again through another signal — a probe and a
 * tracepoint on the same call, a probe on panic() and the panic message — is dropped here, the one way out for
 * the decoder's events.
 */
import type { LifecycleEvent } from '../../model/event.js';
import { possibleCpu } from '../cpus.js';
import type { DecodedEvent } from './outcome.js';

/** Two sightings of one hotplug callback call (tracepoint and probe) are this close at most. */
const SAME_CALL_NS = 1_000_000n;

const abs = (n: bigint): bigint => (n < 0n ? -n : n);

export class Dedup {
  /** The last online/offline emitted per CPU, so repeated evidence does not repeat events. */
  private readonly online = new Map<number, boolean>();
  /** The last sighting of a call per CPU (hotplug callback, crash NMI, emergency disable). */
  private readonly lastCall = new Map<string, bigint>();
  private readonly once = new Set<LifecycleEvent['type']>();
  /** The last system state emitted: a kprobe on syscore_suspend and the power tracepoint say the same thing. */
  private systemState: string | null = null;

  /** The events that are not a fact already emitted. */
  keep(events: readonly DecodedEvent[]): DecodedEvent[] {
    return events.filter((d) => this.isNew(d));
  }

  private isNew(d: DecodedEvent): boolean {
    const e = d.event;
    if (e.type === 'cpu.online' || e.type === 'cpu.offline') {
      const online = e.type === 'cpu.online';
      if (this.online.get(e.cpu) === online) return false;
      // An impossible CPU is left to the importer's warning, not remembered.
      if (possibleCpu(e.cpu)) this.online.set(e.cpu, online);
    } else if (e.type === 'system.state') {
      if (this.systemState === e.state) return false;
      this.systemState = e.state;
    } else if (e.type === 'kvm.shutdown' || e.type === 'panic' || e.type === 'kexec.start') {
      // Once per kernel: a probe on kvm_shutdown, panic() or machine_kexec and the message the kernel prints on
      // the same path are one occurrence.
      if (this.once.has(e.type)) return false;
      this.once.add(e.type);
    } else if (e.type === 'cpuhp.callback' || e.type === 'crash.nmi' || e.type === 'virt.emergency_disable') {
      // The generic emergency disable and the vendor callback it calls are one disable.
      const key = e.type === 'cpuhp.callback' ? `${e.cpu}:${e.callback}/${e.phase}` : `${e.cpu}:${e.type}`;
      if (e.type === 'cpuhp.callback') {
        // A different callback on this CPU ends the previous call: the next sighting is a new call.
        for (const k of this.lastCall.keys()) if (k.startsWith(`${e.cpu}:`) && k !== key && k.includes('/')) this.lastCall.delete(k);
      }
      const last = this.lastCall.get(key);
      this.lastCall.set(key, d.timeNs);
      if (last !== undefined && abs(d.timeNs - last) <= SAME_CALL_NS) return false;
    }
    return true;
  }
}
