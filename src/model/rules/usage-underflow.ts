import { ERAS } from '../era.js';
import type { Rule } from './rule.js';

/** I-8: kvm_usage_count never goes below zero. */
export const usageUnderflow: Rule = {
  id: 'usage-underflow',
  severity: 'error',
  eras: ERAS,
  summary: 'the usage count was decremented at zero',
  reason:
    '≤6.11 hits BUG_ON(!kvm_usage_count); 6.12+ has no check, so the count goes to -1 and the next enable sees non-zero, returns 0, and never registers cpuhp or VMXONs (I-8)',
  start() {
    return {
      step({ before, event }) {
        const e = event.event;
        const to = e.type === 'kvm.usage' ? e.to : e.type === 'vm.destroy' && before.kvm.usageCount !== null ? before.kvm.usageCount - 1 : null;
        if (to === null || to >= 0) return [];
        return [{ at: event, cpu: null, message: `kvm_usage_count went to ${to}`, evidence: [event] }];
      },
    };
  },
};
