/** What an event changed: `cpu2.virt: on -> off`, `kvm.usageCount: 1 -> 0`. */
import { type HostState, UNKNOWN_CPU } from './state.js';

export interface Change {
  /** The CPU whose state changed; null for the host's own state (kvm, tdx, system). */
  readonly cpu: number | null;
  readonly path: string;
  readonly from: string;
  readonly to: string;
}

const show = (v: unknown): string => (v === null || v === undefined ? 'unknown' : String(v));

export function diff(before: HostState, after: HostState): Change[] {
  if (before === after) return [];
  const out: Change[] = [];
  const field = (path: string, a: unknown, b: unknown, cpu: number | null = null) => {
    if (a !== b) out.push({ cpu, path, from: show(a), to: show(b) });
  };
  field('kvm.loaded', before.kvm.loaded, after.kvm.loaded);
  field('kvm.usageCount', before.kvm.usageCount, after.kvm.usageCount);
  field('kvm.cpuhpRegistered', before.kvm.cpuhpRegistered, after.kvm.cpuhpRegistered);
  field('kvm.rebooting', before.kvm.rebooting, after.kvm.rebooting);
  field('tdx.module', before.tdx.module, after.tdx.module);
  field('system.state', before.system.state, after.system.state);
  const cpus = [...new Set([...before.cpus.keys(), ...after.cpus.keys()])].sort((a, b) => a - b);
  for (const cpu of cpus) {
    const a = before.cpus.get(cpu) ?? UNKNOWN_CPU;
    const b = after.cpus.get(cpu) ?? UNKNOWN_CPU;
    field(`cpu${cpu}.online`, a.online, b.online, cpu);
    field(`cpu${cpu}.virt`, a.virt, b.virt, cpu);
    field(`cpu${cpu}.tdx`, a.tdx, b.tdx, cpu);
  }
  return out;
}

export const formatChange = (c: Change): string => `${c.path}: ${c.from} -> ${c.to}`;
