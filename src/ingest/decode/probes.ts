/**
 * Probe hits and function-tracer lines on lifecycle functions: what each function's role (symbols.ts) makes of
 * its entry and return — an entry probe held for the kretprobe that carries its outcome, a hotplug state's name
 * remembered from its setup for its removal, the crash path marking the kexec that follows as a crash kexec.
 */
import type { LifecycleEvent } from '../../model/event.js';
import type { Line } from '../lines.js';
import type { CpuRecovery } from './cpu-recovery.js';
import type { EraEvidence } from './era-evidence.js';
import { type At, CONTEXT, type DecodedEvent, OTHER, type Outcome, events, warn } from './outcome.js';
import { type Args, intArg } from './payload.js';
import { type Role, SYMBOLS } from './symbols.js';

/** A trace record as the decoder takes it. */
export interface TraceInput {
  /** The CPU that logged the record; null for tp_printk lines in a kernel log. */
  readonly cpu: number | null;
  readonly pid: number | null;
  readonly timeNs: bigint;
  readonly payload: string;
}

export type How = 'kprobe' | 'kretprobe' | 'function';

type EnableRole = Extract<Role, { kind: 'vendor-enable' | 'tdx-cpu-enable' }>;

interface Pending {
  readonly fn: string;
  readonly timeNs: bigint;
  readonly cpu: number;
  readonly args: Args;
  readonly line: Line;
}

const KVM_CPUHP_STATES = /^(kvm\/cpu:(?:online|starting)|kvm\/cpu\/tdx:online|virt\/tdx:online)$/;

export class ProbeDecoder {
  private readonly pending = new Map<string, Pending>();
  /** Hotplug state numbers named by their setup, for their removal (which gives only the number). */
  private readonly cpuhpNames = new Map<number, string>();
  /** The crash path ran: the next kexec is into the crash kernel. */
  private crashing = false;

  constructor(
    private readonly recovery: CpuRecovery,
    private readonly era: EraEvidence,
  ) {}

  /** A probe hit or function-tracer entry on `fn`; its events are not yet checked for duplicates. */
  call(fn: string, how: How, args: Args, input: TraceInput, line: Line): Outcome {
    const info = SYMBOLS.get(fn);
    if (info === undefined) return OTHER;
    this.era.symbol(info);
    const at: At = (event) => ({ timeNs: input.timeNs, event, line: line.no, raw: line.text });
    const role = info.role;
    const isReturn = how === 'kretprobe';
    const cpuArg = intArg(args, 'cpu');
    const cpu = cpuArg ?? input.cpu;
    if (cpuArg !== null && (role.kind === 'crash-nmi' || role.kind === 'crash-save-cpu')) this.recovery.ran(input.timeNs, cpuArg);
    const needCpu = (): Outcome => warn(`${fn}: no CPU column and no cpu= argument, so the CPU is unknown`);
    // A per-CPU event: now, or — its line naming no CPU — at the boot's end, when evidence may name it.
    const perCpu = (make: (cpu: number) => LifecycleEvent): Outcome => {
      if (cpu !== null) return events([at(make(cpu))]);
      this.recovery.later(input.timeNs, line, fn, make);
      return CONTEXT;
    };

    switch (role.kind) {
      case 'vendor-enable':
      case 'tdx-cpu-enable': {
        if (cpu === null) return needCpu();
        const key = `${fn}@${cpu}`;
        if (how === 'kprobe') return this.hold({ fn, timeNs: input.timeNs, cpu, args, line }, key);
        this.pending.delete(key);
        return events([at(enableEvent(role, cpu, isReturn ? retval(args) : null))]);
      }
      case 'vendor-disable':
        return isReturn ? CONTEXT : perCpu((c) => ({ type: 'virt.disable', cpu: c, vendor: role.vendor }));
      case 'emergency-disable':
        return isReturn ? CONTEXT : perCpu((c) => ({ type: 'virt.emergency_disable', cpu: c }));
      case 'crash-nmi':
        if (isReturn) return CONTEXT;
        this.crashing = true;
        return perCpu((c) => ({ type: 'crash.nmi', cpu: c }));
      case 'crash-save-cpu':
        return CONTEXT;
      case 'crash-shutdown':
        if (isReturn) return CONTEXT;
        this.crashing = true;
        this.recovery.crashShutdown(input.timeNs, input.cpu);
        return CONTEXT;
      case 'hotplug-callback': {
        if (cpu === null) return needCpu();
        const phase = isReturn ? 'exit' : 'enter';
        return events([at({ type: 'cpuhp.callback', cpu, callback: fn, phase, target: null, step: null, ret: isReturn ? retval(args) : null })]);
      }
      case 'usage': {
        const key = `${fn}#${input.pid ?? '?'}`;
        if (!isReturn) {
          if (how === 'kprobe' && intArg(args, 'usage') !== null) return this.hold({ fn, timeNs: input.timeNs, cpu: cpu ?? -1, args, line }, key);
          return CONTEXT;
        }
        const before = this.pending.get(key);
        this.pending.delete(key);
        const to = intArg(args, 'usage');
        if (to === null) return CONTEXT;
        const from = before ? intArg(before.args, 'usage') : null;
        return events([at({ type: 'kvm.usage', from, to })]);
      }
      case 'vm-create':
        return isReturn ? CONTEXT : events([at({ type: 'vm.create', pid: input.pid })]);
      case 'vm-destroy':
        return isReturn ? CONTEXT : events([at({ type: 'vm.destroy', pid: input.pid })]);
      case 'kvm-shutdown':
        if (isReturn) return CONTEXT;
        this.recovery.shutdown(input.timeNs);
        return events([at({ type: 'kvm.shutdown' })]);
      case 'tdx-enable': {
        if (!isReturn) return CONTEXT;
        const ret = retval(args);
        if (ret === null) return CONTEXT;
        return events([at({ type: 'tdx.module_init', result: ret === 0 ? 'initialized' : 'failed', errno: ret === 0 ? null : ret, version: null })]);
      }
      case 'cpuhp-setup': {
        if (isReturn) return CONTEXT;
        const name = args['name'];
        const state = intArg(args, 'state');
        if (name === undefined || !KVM_CPUHP_STATES.test(name)) return CONTEXT;
        if (state !== null) this.cpuhpNames.set(state, name);
        return events([at({ type: 'kvm.cpuhp', action: 'register', state: name })]);
      }
      case 'cpuhp-remove': {
        if (isReturn) return CONTEXT;
        const state = intArg(args, 'state');
        const name = state === null ? undefined : this.cpuhpNames.get(state);
        if (name === undefined) return CONTEXT;
        return events([at({ type: 'kvm.cpuhp', action: 'remove', state: name })]);
      }
      case 'panic':
        if (isReturn) return CONTEXT;
        this.recovery.panicked(input.cpu);
        return events([at({ type: 'panic', message: args['fmt']?.trim() ?? '', cpu: input.cpu })]);
      case 'crash-path':
        this.crashing = true;
        return CONTEXT;
      case 'machine-kexec':
        if (isReturn) return CONTEXT;
        return events([at({ type: 'kexec.start', kind: this.crashing ? 'crash' : 'normal' })]);
      case 'system':
        if (isReturn) return CONTEXT;
        return events([at({ type: 'system.state', state: role.state })]);
      case 'context':
        return CONTEXT;
    }
  }

  /** The boot's end: entry probes still waiting for their return, with the return value unknown. */
  flush(): DecodedEvent[] {
    const out: DecodedEvent[] = [];
    for (const p of this.pending.values()) out.push(...unpaired(p));
    this.pending.clear();
    return out;
  }

  /** An entry probe whose outcome its kretprobe will tell; a second entry flushes the first. */
  private hold(p: Pending, key: string): Outcome {
    const prior = this.pending.get(key);
    this.pending.set(key, p);
    const flushed = prior ? unpaired(prior) : [];
    return flushed.length > 0 ? events(flushed) : CONTEXT;
  }
}

function enableEvent(role: EnableRole, cpu: number, ret: number | null): LifecycleEvent {
  if (role.kind === 'tdx-cpu-enable') return { type: 'tdx.cpu_enable', cpu, ret };
  return ret !== null && ret !== 0 ? { type: 'virt.enable_failed', cpu, ret } : { type: 'virt.enable', cpu, vendor: role.vendor, ret };
}

function unpaired(p: Pending): DecodedEvent[] {
  const role = SYMBOLS.get(p.fn)?.role;
  if (role === undefined || (role.kind !== 'vendor-enable' && role.kind !== 'tdx-cpu-enable')) return [];
  return [{ timeNs: p.timeNs, event: enableEvent(role, p.cpu, null), line: p.line.no, raw: p.line.text }];
}

function retval(args: Args): number | null {
  return intArg(args, 'ret') ?? intArg(args, 'arg1');
}
