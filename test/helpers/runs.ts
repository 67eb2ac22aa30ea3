/**
 * The real recorded runs, each as every file kvmlog reads of it, and a check written apart from src/: which facts
 * of a boot are the same fact twice — a second sighting of one transition with no opposite transition between.
 */
import type { EventRecord, LifecycleEvent } from '../../src/model/event.js';
import { fixture } from './cli.js';

export interface Run {
  readonly name: string;
  readonly files: readonly string[];
  /** The boots the run had, in time order: kind, kernel, and the one it followed (its index), if any. */
  readonly boots: readonly { readonly kind: 'normal' | 'kdump'; readonly kernel: string; readonly previous: number | null }[];
  /** The rules whose findings the run may raise (every other finding is false). */
  readonly mayRaise: readonly string[];
}

const k61 = '6.1.0-56-amd64';
const k612 = '6.12.117+deb12-amd64';
const k72 = '7.2.13+deb14-amd64';
const set = (dir: string, names: readonly string[]) => names.map((n) => fixture(dir, n));

export const RUNS: readonly Run[] = [
  {
    name: '6.1 lifecycle',
    files: set('linux-6.1-qemu', ['console-lifecycle.log', 'dmesg-lifecycle.txt', 'dmesg-raw-lifecycle.txt', 'ftrace-function-lifecycle.txt', 'ftrace-lifecycle.txt', 'kmsg-lifecycle.txt', 'trace_pipe-lifecycle.txt']),
    boots: [{ kind: 'normal', kernel: k61, previous: null }],
    mayRaise: [],
  },
  {
    name: '6.1 kdump (direct)',
    files: set('linux-6.1-qemu', [
      'console-kdump-direct.log',
      'kdump-direct-dmesg-capture-kernel.txt',
      'kdump-direct-dmesg-precrash.txt',
      'kdump-direct-ftrace-function-precrash.txt',
      'kdump-direct-ftrace-precrash.txt',
      'kdump-direct-makedumpfile-dmesg.txt',
      'kdump-direct-vmcore-dmesg.txt',
    ]),
    boots: [
      { kind: 'normal', kernel: k61, previous: null },
      { kind: 'kdump', kernel: k61, previous: 0 },
    ],
    mayRaise: [],
  },
  {
    name: '6.1 kdump (post notifiers)',
    files: set('linux-6.1-qemu-kdump', ['console-kdump.log', 'kdump-dmesg-capture-kernel.txt', 'kdump-dmesg-precrash.txt', 'kdump-ftrace-precrash.txt', 'kdump-ftrace_dump_on_oops.txt', 'kdump-makedumpfile-dmesg.txt', 'kdump-vmcore-dmesg.txt']),
    boots: [
      { kind: 'normal', kernel: k61, previous: null },
      { kind: 'kdump', kernel: k61, previous: 0 },
    ],
    mayRaise: [],
  },
  {
    name: '6.12 lifecycle',
    files: set('linux-6.12-qemu', [
      'console-lifecycle.log',
      'dmesg-lifecycle.txt',
      'dmesg-raw-lifecycle.txt',
      'ftrace-function-lifecycle.txt',
      'ftrace-lifecycle-before-rmmod.txt',
      'ftrace-lifecycle.txt',
      'kmsg-lifecycle.txt',
      'trace_pipe-lifecycle.txt',
    ]),
    boots: [{ kind: 'normal', kernel: k612, previous: null }],
    mayRaise: [],
  },
  {
    name: '6.12 kdump (post notifiers)',
    files: set('linux-6.12-qemu-kdump', ['console-kdump.log', 'kdump-ftrace_dump_on_oops.txt', 'kdump-vmcore-dmesg.txt', 'kdump-dmesg-capture-kernel.txt']),
    boots: [
      { kind: 'normal', kernel: k612, previous: null },
      { kind: 'kdump', kernel: k612, previous: 0 },
    ],
    mayRaise: ['crash-path-unconfirmed'],
  },
  {
    name: '6.12 kdump (direct)',
    files: set('linux-6.12-qemu-kdump', ['console-kdump-direct.log', 'kdump-direct-vmcore-dmesg.txt', 'kdump-direct-ftrace-precrash.txt']),
    boots: [
      { kind: 'normal', kernel: k612, previous: null },
      { kind: 'kdump', kernel: k612, previous: 0 },
    ],
    mayRaise: ['crash-path-unconfirmed'],
  },
  {
    name: '6.12 kexec',
    files: set('linux-6.12-qemu-kexec', ['console-kexec.log', 'dmesg-kexec-second-kernel.txt', 'dmesg-kexec.txt', 'ftrace-kexec.txt', 'kmsg-kexec.txt']),
    boots: [
      { kind: 'normal', kernel: k612, previous: null },
      { kind: 'normal', kernel: k612, previous: 0 },
    ],
    mayRaise: [],
  },
  {
    name: '7.2 lifecycle',
    files: set('linux-7.2-qemu', [
      'console-lifecycle.log',
      'dmesg-lifecycle.txt',
      'dmesg-raw-lifecycle.txt',
      'ftrace-function-lifecycle.txt',
      'ftrace-function-lifecycle-before-rmmod.txt',
      'ftrace-lifecycle-before-rmmod.txt',
      'ftrace-lifecycle.txt',
      'kmsg-lifecycle.txt',
      'trace_pipe-lifecycle.txt',
    ]),
    boots: [{ kind: 'normal', kernel: k72, previous: null }],
    mayRaise: [],
  },
];

/** What a fact is about, and the facts that end it: a second sighting with none of those between is the same fact. */
function subject(e: LifecycleEvent): { readonly key: string; readonly endedBy: (o: LifecycleEvent) => boolean } | null {
  const cpuOf = (o: LifecycleEvent) => ('cpu' in o ? o.cpu : null);
  switch (e.type) {
    case 'cpu.online':
    case 'cpu.offline': {
      const other = e.type === 'cpu.online' ? 'cpu.offline' : 'cpu.online';
      return { key: `${e.type}/${e.cpu}`, endedBy: (o) => o.type === other && o.cpu === e.cpu };
    }
    case 'virt.enable':
      return { key: `virt.enable/${e.cpu}`, endedBy: (o) => (o.type === 'virt.disable' || o.type === 'virt.emergency_disable' || o.type === 'kvm.shutdown') && (cpuOf(o) === e.cpu || cpuOf(o) === null) };
    case 'virt.disable':
    case 'virt.emergency_disable':
      return { key: `${e.type}/${e.cpu}`, endedBy: (o) => o.type === 'virt.enable' && o.cpu === e.cpu };
    case 'cpuhp.callback':
      return {
        key: `cpuhp/${e.cpu}/${e.callback}/${e.phase}`,
        endedBy: (o) => o.type === 'cpuhp.callback' && o.cpu === e.cpu && (o.callback !== e.callback || o.phase !== e.phase),
      };
    case 'crash.nmi':
      return { key: `crash.nmi/${e.cpu}`, endedBy: (o) => o.type === 'cpu.online' && o.cpu === e.cpu };
    case 'kvm.usage':
      return { key: `kvm.usage/${e.from}/${e.to}`, endedBy: (o) => o.type === 'kvm.usage' && (o.from !== e.from || o.to !== e.to) };
    case 'panic':
    case 'kexec.start':
    case 'kvm.shutdown':
    case 'boot':
      return { key: e.type, endedBy: () => false };
    case 'system.state':
      return { key: `system.state/${e.state}`, endedBy: (o) => o.type === 'system.state' && o.state !== e.state };
    case 'kvm.module':
      return { key: `kvm.module/${e.module}/${e.action}`, endedBy: (o) => o.type === 'kvm.module' && o.module === e.module && o.action !== e.action };
    case 'kvm.cpuhp':
      return { key: `kvm.cpuhp/${e.state}/${e.action}`, endedBy: (o) => o.type === 'kvm.cpuhp' && o.state === e.state && o.action !== e.action };
    case 'vm.create':
    case 'vm.destroy':
      return e.pid === null ? null : { key: `${e.type}/${e.pid}`, endedBy: (o) => (o.type === 'vm.create' || o.type === 'vm.destroy') && o.type !== e.type && o.pid === e.pid };
    case 'marker':
      return { key: `marker/${e.text}`, endedBy: () => false };
    default:
      return null;
  }
}

/** The facts of one boot, in time order, that repeat a fact before them: each with the one it repeats. */
export function repeatedFacts(events: readonly EventRecord[]): { fact: EventRecord; again: EventRecord }[] {
  const open = new Map<string, { rec: EventRecord; endedBy: (o: LifecycleEvent) => boolean }>();
  const out: { fact: EventRecord; again: EventRecord }[] = [];
  for (const r of events) {
    for (const [k, o] of open) if (o.endedBy(r.event)) open.delete(k);
    const s = subject(r.event);
    if (s === null) continue;
    const prior = open.get(s.key);
    if (prior !== undefined) out.push({ fact: prior.rec, again: r });
    else open.set(s.key, { rec: r, endedBy: s.endedBy });
  }
  return out;
}
