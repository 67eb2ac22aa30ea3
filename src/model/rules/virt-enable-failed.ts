import { ERAS } from '../era.js';
import type { Rule } from './rule.js';

/** I-9: the per-CPU enable failed (VMXON faulted, or VMX was already on). */
export const virtEnableFailed: Rule = {
  id: 'virt-enable-failed',
  severity: 'error',
  eras: ERAS,
  summary: 'the per-CPU virtualization enable failed',
  reason:
    'kvm: enabling virtualization on CPU%d failed: -EBUSY when CR4.VMXE was already set (another VMXON owner), -EFAULT when VMXON faulted (FEAT_CTL locked without VMX); the enable that needed it fails with -EIO (I-9)',
  start() {
    return {
      step({ event }) {
        const e = event.event;
        if (e.type !== 'virt.enable_failed') return [];
        const ret = e.ret === null ? '' : ` (ret ${e.ret}${e.ret === -16 ? ', EBUSY: VMX already on' : ''})`;
        return [{ at: event, cpu: e.cpu, message: `enabling virtualization on CPU ${e.cpu} failed${ret}`, evidence: [event] }];
      },
    };
  },
};
