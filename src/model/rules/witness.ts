import type { EventRecord } from '../event.js';
import type { Step } from './rule.js';

/** Per CPU, the last event that set its virtualization to what it is now: the evidence a finding cites. */
export class VirtWitness {
  private readonly last = new Map<number, EventRecord>();

  see({ before, event, after }: Step): void {
    for (const [cpu, c] of after.cpus) if (before.cpus.get(cpu)?.virt !== c.virt) this.last.set(cpu, event);
  }

  of(cpu: number): EventRecord[] {
    const e = this.last.get(cpu);
    return e ? [e] : [];
  }
}
