import { ERAS } from '../era.js';
import type { EventRecord } from '../event.js';
import type { Rule } from './rule.js';

/** I-11, I-23: no enable once shutdown began (kvm_shutdown / kvm_reboot ran, kvm_rebooting set). */
export const enableAfterShutdown: Rule = {
  id: 'enable-after-shutdown',
  severity: 'error',
  eras: ERAS,
  summary: 'virtualization enabled on a CPU after shutdown began',
  reason:
    'system_state is RESTART/HALT/POWER_OFF before syscore_shutdown, and kvm_enable_virtualization refuses (-EBUSY) from 6.4; ≤6.3 the reboot notifier ran before system_state changed, so a forced reboot could race a VMXON after kvm_reboot (I-11, I-23)',
  start() {
    let shutdown: EventRecord | null = null;
    return {
      step({ event }) {
        const e = event.event;
        if (e.type === 'kvm.shutdown') shutdown ??= event;
        if (shutdown === null || e.type !== 'virt.enable' || (e.ret !== null && e.ret !== 0)) return [];
        return [{ at: event, cpu: e.cpu, message: `VMXON on CPU ${e.cpu} after KVM's shutdown disabled virtualization everywhere`, evidence: [shutdown, event] }];
      },
    };
  },
};
