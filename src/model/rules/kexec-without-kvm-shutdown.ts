import { ERAS } from '../era.js';
import type { EventRecord } from '../event.js';
import type { Rule } from './rule.js';

/** I-2: a normal kexec with virtualization enabled must run syscore_shutdown → kvm_shutdown first. */
export const kexecWithoutKvmShutdown: Rule = {
  id: 'kexec-without-kvm-shutdown',
  severity: 'error',
  eras: ERAS,
  summary: 'normal kexec while KVM had virtualization enabled, with no kvm_shutdown first',
  reason:
    'from 6.4 (KVM on syscore) until 7bb943806ff6 "kexec: do syscore_shutdown() in kernel_kexec" (6.8, 6.7.y) kexec skipped kvm_shutdown and left the kexec\'ing CPU post-VMXON: triple faults in the new kernel (I-2)',
  start() {
    let shutdown: EventRecord | null = null;
    return {
      step({ before, event }) {
        const e = event.event;
        if (e.type === 'kvm.shutdown') shutdown ??= event;
        if (e.type !== 'kexec.start' || e.kind !== 'normal' || shutdown !== null) return [];
        const n = before.kvm.usageCount;
        if (n === null || n <= 0) return [];
        return [{ at: event, cpu: null, message: `kexec with kvm_usage_count ${n} and no "kvm: exiting hardware virtualization" before it`, evidence: [event] }];
      },
    };
  },
};
