import { ERAS } from '../era.js';
import type { Rule } from './rule.js';
import { VirtWitness } from './witness.js';

/** I-10: VMXOFF without VMXON faults; legal only once kvm_rebooting is set (shutdown, emergency). */
export const virtDisableWhileOff: Rule = {
  id: 'virt-disable-while-off',
  severity: 'warning',
  eras: ERAS,
  summary: 'a per-CPU disable on a CPU whose virtualization was already off, outside reboot or emergency',
  reason: 'VMXOFF outside VMX operation faults; the fault is tolerated only with kvm_rebooting set, else kvm_spurious_fault() is BUG_ON(!kvm_rebooting) (I-10)',
  start() {
    const witness = new VirtWitness();
    return {
      step(s) {
        const e = s.event.event;
        const hits = [];
        if (e.type === 'virt.disable' && !s.before.kvm.rebooting && s.before.cpus.get(e.cpu)?.virt === 'off') {
          const [prior] = witness.of(e.cpu);
          // The same disable seen twice (a probe and the same line through tp_printk) is one disable.
          const same = prior !== undefined && prior.event.type === 'virt.disable' && s.event.timeNs - prior.timeNs < 1_000_000n;
          if (!same) hits.push({ at: s.event, cpu: e.cpu, message: `VMXOFF on CPU ${e.cpu}, whose virtualization was already off`, evidence: [...witness.of(e.cpu), s.event] });
        }
        witness.see(s);
        return hits;
      },
    };
  },
};
