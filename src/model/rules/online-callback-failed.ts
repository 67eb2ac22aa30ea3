import { ERAS } from '../era.js';
import type { Rule } from './rule.js';

/** I-7: a KVM/TDX hotplug callback that returns an error aborts the CPU's online (or the enable). */
export const onlineCallbackFailed: Rule = {
  id: 'online-callback-failed',
  severity: 'error',
  eras: ERAS,
  summary: 'a KVM or TDX hotplug callback returned an error',
  reason: 'a failing kvm_online_cpu / tdx_online_cpu aborts the CPU online (cpuhp rolls back), or fails kvm_enable_virtualization on a 0→1 (I-7)',
  start() {
    return {
      step({ event }) {
        const e = event.event;
        if (e.type !== 'cpuhp.callback' || e.phase !== 'exit' || e.ret === null || e.ret === 0) return [];
        return [{ at: event, cpu: e.cpu, message: `${e.callback} failed on CPU ${e.cpu} (ret ${e.ret})`, evidence: [event] }];
      },
    };
  },
};
