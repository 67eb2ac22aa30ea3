import { ERAS } from '../era.js';
import type { EventRecord } from '../event.js';
import type { Rule } from './rule.js';
import { VirtWitness } from './witness.js';

/** I-12: every CPU must be out of VMX operation while the system sleeps. */
export const suspendWithVirtOn: Rule = {
  id: 'suspend-with-virt-on',
  severity: 'error',
  eras: ERAS,
  summary: 'a CPU was still post-VMXON while the system was suspended',
  reason:
    'non-boot CPUs go down through cpuhp (kvm_offline_cpu / kvm_dying_cpu), the boot CPU through kvm_suspend in syscore_suspend; a CPU left in VMX operation across S3 loses that state (I-12)',
  start() {
    const witness = new VirtWitness();
    let suspend: EventRecord | null = null;
    return {
      step(s) {
        witness.see(s);
        const e = s.event.event;
        if (e.type === 'system.state' && e.state === 'suspend') suspend = s.event;
        // Judged at the wake-up: by then syscore_suspend (kvm_suspend) has run; what is still on slept on.
        if (!(e.type === 'system.state' && e.state === 'resume' && s.before.system.state === 'suspend' && suspend)) return [];
        const hits = [];
        for (const [cpu, c] of s.before.cpus) {
          if (c.virt === 'on') hits.push({ at: s.event, cpu, message: `CPU ${cpu} was post-VMXON through the suspend`, evidence: [suspend, ...witness.of(cpu), s.event] });
        }
        return hits;
      },
    };
  },
};
