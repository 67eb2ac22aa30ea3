import { ERAS } from '../era.js';
import type { EventRecord } from '../event.js';
import type { Rule } from './rule.js';
import { VirtWitness } from './witness.js';

/**
 * I-1, I-3: at machine_kexec no CPU may be post-VMXON. Judged on the boot's last state, not at the kexec's
 * stamp: the kexec ends the boot, and a panicking CPU's clock may stand still while the others' run on
 * (6.1 stamps every line of the panicking CPU 17.950076, and the NMI'd CPUs' disables after it).
 */
export const kexecWithVirtOn: Rule = {
  id: 'kexec-with-virt-on',
  severity: 'error',
  eras: ERAS,
  summary: 'kexec or crash into a new kernel while a CPU is still post-VMXON',
  reason:
    'VMX root forbids the mode switches purgatory needs, and blocks INIT, so the next kernel cannot bring the CPU up (I-1); the crash path must emergency-disable every CPU (I-3)',
  start() {
    const witness = new VirtWitness();
    let kexec: EventRecord | null = null;
    const nmi = new Map<number, EventRecord>();
    return {
      step(s) {
        witness.see(s);
        const e = s.event.event;
        if (e.type === 'kexec.start') kexec ??= s.event;
        if (e.type === 'crash.nmi') nmi.set(e.cpu, s.event);
        return [];
      },
      end(last) {
        if (kexec === null || kexec.event.type !== 'kexec.start') return [];
        const crash = kexec.event.kind === 'crash';
        const hits = [];
        for (const [cpu, c] of last.cpus) {
          if (c.virt !== 'on') continue;
          // On the crash path an NMI'd CPU logs from NMI context, which some kernels (6.12) do not print:
          // a CPU without NMI lines is evidence only where other CPUs' NMI lines were printed.
          if (crash && !nmi.has(cpu) && nmi.size === 0) continue;
          const why = !crash
            ? 'no disable before the kexec (kvm_shutdown, emergency disable)'
            : nmi.has(cpu)
              ? 'it took the shootdown NMI but no emergency disable followed'
              : 'neither the shootdown NMI nor an emergency disable was seen for it, while other CPUs show theirs';
          hits.push({
            at: kexec,
            cpu,
            message: `CPU ${cpu} was still post-VMXON at the ${crash ? 'crash ' : ''}kexec: ${why}`,
            evidence: [...witness.of(cpu), ...(nmi.has(cpu) ? [nmi.get(cpu)!] : []), kexec],
          });
        }
        return hits;
      },
    };
  },
};
