import { ERAS } from '../era.js';
import type { EventRecord } from '../event.js';
import type { Hit, Rule, Step } from './rule.js';
import { VirtWitness } from './witness.js';

/**
 * How long a CPU's bring-up may still be running after a log says it came online: `smpboot: Booting Node …`
 * is printed as the bring-up starts, milliseconds before the KVM callback runs (25 ms in the 6.1 recording).
 */
const SETTLE_NS = 500_000_000n;

/** I-6: a CPU coming online while usage > 0 must get VMXON from KVM's hotplug callback first. */
export const onlineMissedVirtEnable: Rule = {
  id: 'online-missed-virt-enable',
  severity: 'error',
  eras: ERAS,
  summary: 'a CPU came online while the usage count was above zero without the KVM online callback enabling it',
  reason:
    'kvm_online_cpu (kvm_starting_cpu before 6.3) must VMXON a CPU before it reaches CPUHP_ONLINE while kvm_usage_count > 0; otherwise VMs scheduled there fault — the window discussed upstream in April 2024 (I-6)',
  start() {
    const witness = new VirtWitness();
    const pending = new Map<number, { online: EventRecord; usage: number }>();
    const judge = (cpu: number, virt: string | undefined): Hit[] => {
      const p = pending.get(cpu)!;
      pending.delete(cpu);
      if (virt !== 'off') return [];
      return [
        {
          at: p.online,
          cpu,
          message: `CPU ${cpu} came online with kvm_usage_count ${p.usage} but virtualization off: no KVM online callback enabled it`,
          evidence: [...witness.of(cpu), p.online],
        },
      ];
    };
    return {
      step(s: Step) {
        witness.see(s);
        const hits: Hit[] = [];
        for (const [cpu, p] of pending) {
          const virt = s.after.cpus.get(cpu)?.virt;
          if (virt !== 'off') pending.delete(cpu);
          else if (s.event.timeNs > p.online.timeNs + SETTLE_NS || s.after.cpus.get(cpu)?.online === false) hits.push(...judge(cpu, virt));
        }
        const e = s.event.event;
        const n = s.before.kvm.usageCount;
        if (e.type === 'cpu.online' && n !== null && n > 0 && s.after.cpus.get(e.cpu)?.virt === 'off' && !pending.has(e.cpu)) {
          pending.set(e.cpu, { online: s.event, usage: n });
        }
        return hits;
      },
      end(last) {
        return [...pending.keys()].flatMap((cpu) => judge(cpu, last.cpus.get(cpu)?.virt));
      },
    };
  },
};
