import { ERAS } from '../era.js';
import type { Rule } from './rule.js';
import { VirtWitness } from './witness.js';

/**
 * Beyond the table: a CPU that reaches offline still post-VMXON. kvm_offline_cpu / kvm_dying_cpu VMXOFF on
 * the way down; a dead CPU left in VMX root blocks INIT, so it cannot be brought up again (I-1's reason).
 */
export const offlineWithVirtOn: Rule = {
  id: 'offline-with-virt-on',
  severity: 'warning',
  eras: ERAS,
  summary: 'a CPU went offline still post-VMXON',
  reason: 'the KVM offline callback must VMXOFF before the CPU dies; in VMX root INIT is blocked, so the CPU cannot be onlined again',
  start() {
    const witness = new VirtWitness();
    return {
      step(s) {
        const e = s.event.event;
        const hits =
          e.type === 'cpu.offline' && s.before.cpus.get(e.cpu)?.virt === 'on'
            ? [{ at: s.event, cpu: e.cpu, message: `CPU ${e.cpu} went offline while post-VMXON`, evidence: [...witness.of(e.cpu), s.event] }]
            : [];
        witness.see(s);
        return hits;
      },
    };
  },
};
