/** TDX rules (kernel-lifecycle.md §2.5, §2.6, I-14 … I-17). */
import { ERAS } from '../era.js';
import type { Rule } from './rule.js';
import { VirtWitness } from './witness.js';
import type { HostState } from '../state.js';

/** LP init was seen on some CPU: only then does its absence on another say anything (no probe, no evidence). */
const lpInitSeen = (s: HostState): boolean => [...s.cpus.values()].some((c) => c.tdx === true);

// TDX exists from 6.8 (E2); a TDX event in a boot of unknown era places it there, so event-driven TDX
// rules hold in every era (ERAS).

export const tdxCpuEnableWithoutVirt: Rule = {
  id: 'tdx-cpu-enable-without-virt',
  severity: 'error',
  eras: ERAS,
  summary: 'TDX LP init on a CPU not post-VMXON',
  reason: 'tdx_cpu_enable makes SEAMCALLs, which #UD outside VMX operation: -EACCES; 6.16–7.0 KVM also WARNs (I-14)',
  start() {
    const witness = new VirtWitness();
    return {
      step(s) {
        const e = s.event.event;
        const hits = [];
        if (e.type === 'tdx.cpu_enable' && (s.before.cpus.get(e.cpu)?.virt === 'off' || e.ret === -13)) {
          hits.push({ at: s.event, cpu: e.cpu, message: `tdx_cpu_enable on CPU ${e.cpu} without VMXON${e.ret === -13 ? ' (ret -13, EACCES)' : ''}`, evidence: [...witness.of(e.cpu), s.event] });
        }
        witness.see(s);
        return hits;
      },
    };
  },
};

export const tdxEnableIncomplete: Rule = {
  id: 'tdx-enable-incomplete',
  severity: 'error',
  eras: ['E2', 'E3'],
  summary: 'TDX module init while an online CPU lacks LP init',
  reason: 'tdx_enable requires VMXON and tdx_cpu_enable on every online CPU, under cpus_read_lock (I-15)',
  start() {
    return {
      step({ before, event }) {
        const e = event.event;
        if (e.type !== 'tdx.module_init') return [];
        const cpus = [...before.cpus];
        if (!lpInitSeen(before)) return [];
        return cpus
          .filter(([, c]) => c.online === true && c.tdx !== true)
          .map(([cpu]) => ({ at: event, cpu, message: `TDX module init while online CPU ${cpu} had no LP init`, evidence: [event] }));
      },
    };
  },
};

export const tdxModuleInitFailed: Rule = {
  id: 'tdx-module-init-failed',
  severity: 'error',
  eras: ERAS,
  summary: 'TDX module initialization failed',
  reason: 'the TDX module status becomes ERROR, which is sticky: every later tdx_enable returns -EINVAL until reboot (I-16)',
  start() {
    return {
      step({ event }) {
        const e = event.event;
        if (e.type !== 'tdx.module_init' || e.result !== 'failed') return [];
        return [{ at: event, cpu: null, message: `TDX module initialization failed${e.errno === null ? '' : ` (${e.errno})`}`, evidence: [event] }];
      },
    };
  },
};

export const tdxOnlineMissedLpInit: Rule = {
  id: 'tdx-online-missed-lp-init',
  severity: 'error',
  eras: ['E3', 'E4'],
  summary: 'after TDX init, a CPU came online without LP init',
  reason: 'every CPU coming online after TDX init needs VMXON then LP init ("kvm/cpu/tdx:online" after "kvm/cpu:online", 7.1 "virt/tdx:online") before it can run TDs (I-17)',
  start() {
    return {
      step({ before, event, after }) {
        const e = event.event;
        if (e.type !== 'cpu.online' || before.tdx.module !== 'initialized') return [];
        if (!lpInitSeen(before) || after.cpus.get(e.cpu)?.tdx === true) return [];
        return [{ at: event, cpu: e.cpu, message: `CPU ${e.cpu} came online after TDX init without LP init`, evidence: [event] }];
      },
    };
  },
};
