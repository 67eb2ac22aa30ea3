import type { StateAt } from '../app/state-at.js';
import { formatNs } from '../model/time.js';
import { formatWall } from '../model/wall.js';
import { cpuState } from '../model/state.js';
import type { Known } from '../model/state.js';
import { table } from './table.js';

/** The `state --json` contract (DESIGN.md): unknown booleans are null, nanoseconds are decimal strings. */
export function stateJson(s: StateAt): object {
  const { state } = s;
  return {
    boot: s.boot.id,
    atNs: s.atNs.toString(),
    ...(s.boot.bootWallNs === null ? {} : { wallClock: formatWall(s.boot.bootWallNs + s.atNs) }),
    kvm: { loaded: state.kvm.loaded, usageCount: state.kvm.usageCount, cpuhpRegistered: state.kvm.cpuhpRegistered },
    tdx: { module: state.tdx.module },
    system: { state: state.system.state },
    cpus: s.cpus.map((cpu) => {
      const c = cpuState(state, cpu);
      return { cpu, online: c.online, virt: c.virt, tdx: c.tdx };
    }),
  };
}

const yn = (v: Known<boolean>, yes = 'yes', no = 'no'): string => (v === null ? 'unknown' : v ? yes : no);
const count = (v: Known<number>): string => (v === null ? 'unknown' : String(v));

export function stateText(s: StateAt): string {
  const { state, boot } = s;
  const head = [
    `boot ${boot.id}  ${boot.host}  kernel ${boot.kernel ?? 'unknown'}  era ${state.era ?? 'unknown'}`,
    `at ${formatNs(s.atNs)} s since boot${s.boot.bootWallNs === null ? '' : ` = ${formatWall(s.boot.bootWallNs + s.atNs)}`} (${s.events} events folded)`,
    '',
    `kvm module      ${yn(state.kvm.loaded, 'loaded', 'not loaded')}`,
    `usage count     ${count(state.kvm.usageCount)}`,
    `kvm cpuhp state ${yn(state.kvm.cpuhpRegistered, 'registered', 'not registered')}`,
    `tdx module      ${state.tdx.module}`,
    `system          ${state.system.state}`,
    '',
  ];
  const rows = s.cpus.map((cpu) => {
    const c = cpuState(state, cpu);
    return [cpu, yn(c.online, 'online', 'offline'), c.virt, yn(c.tdx, 'initialized', 'no')];
  });
  return [...head, table(['CPU', 'ONLINE', 'VIRT', 'TDX'], rows)].join('\n');
}
