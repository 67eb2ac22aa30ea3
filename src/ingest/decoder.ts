/**
 * Turns what one boot's kernel printed — trace records and printk messages — into catalogue events.
 * It keeps only the context a reader of the trace needs: which hotplug callback a `cpuhp_exit` closes,
 * a kprobe waiting for its kretprobe, the CPUs already seen online. What an event does to the host's
 * state is the model's business (src/model/reduce.ts), not this module's.
 */
import { ERAS, type Era } from '../model/era.js';
import type { LifecycleEvent } from '../model/event.js';
import { impossibleCpuMessage, possibleCpu } from './cpus.js';
import type { Line } from './lines.js';
import { type Args, type Payload, intArg, readPayload } from './payload.js';
import { decodePrintkMessage } from './printk.js';
import type { HotplugStep } from './record.js';
import { type Role, SYMBOLS, type SymbolInfo, probeFunction } from './symbols.js';

export interface DecodedEvent {
  readonly timeNs: bigint;
  readonly event: LifecycleEvent;
  readonly line: number;
  readonly raw: string;
}

/** What became of one input line. */
export type Outcome =
  | { readonly kind: 'events'; readonly events: readonly DecodedEvent[] }
  /** A lifecycle signal whose fact another line records (an entry probe, a stack trace, a setup step). */
  | { readonly kind: 'context' }
  /** Not a lifecycle signal: another subsystem, a header, a blank line. */
  | { readonly kind: 'other' }
  /** A lifecycle signal that could not be read. */
  | { readonly kind: 'warning'; readonly message: string };

export interface TraceInput {
  /** The CPU that logged the record; null for tp_printk lines in a kernel log. */
  readonly cpu: number | null;
  readonly pid: number | null;
  readonly timeNs: bigint;
  readonly payload: string;
}

type EnableRole = Extract<Role, { kind: 'vendor-enable' | 'tdx-cpu-enable' }>;

interface Pending {
  readonly fn: string;
  readonly timeNs: bigint;
  readonly cpu: number;
  readonly args: Args;
  readonly line: Line;
}

const CONTEXT: Outcome = { kind: 'context' };
const OTHER: Outcome = { kind: 'other' };
/** Two sightings of one hotplug callback call (tracepoint and probe) are this close at most. */
const SAME_CALL_NS = 1_000_000n;
const KVM_CPUHP_STATES = /^(kvm\/cpu:(?:online|starting)|kvm\/cpu\/tdx:online|virt\/tdx:online)$/;
/** Tracepoints kvmlog reads that tp_printk can route into the kernel log. */
const PRINTK_TRACEPOINTS = new Set(['cpuhp_enter', 'cpuhp_multi_enter', 'cpuhp_exit', 'module_load', 'module_free', 'suspend_resume']);

export class Decoder {
  /** The callback each CPU is running, from its last `cpuhp_enter`. */
  private readonly hotplugEnter = new Map<number, { callback: string; target: number; step: number }>();
  /** The highest hotplug state seen: CPUHP_ONLINE is the last state, and an online CPU sits at it. */
  private maxHotplugState = 0;
  /** The last online/offline this decoder emitted per CPU, so repeated evidence does not repeat events. */
  private readonly online = new Map<number, boolean>();
  /**
   * The last sighting of a call per CPU (hotplug callback, crash NMI). A probe and a tracepoint on the same
   * call see it microseconds apart; the second sighting of one call is not a second event.
   */
  private readonly lastCall = new Map<string, bigint>();
  private readonly once = new Set<LifecycleEvent['type']>();
  /** The last system state emitted: a kprobe on syscore_suspend and the power tracepoint say the same thing. */
  private systemState: string | null = null;
  private readonly pending = new Map<string, Pending>();
  /**
   * Per-CPU events from lines that name no CPU (tp_printk), held until the end of the boot: evidence that
   * comes later in the log may still name their CPU (CPU recovery, below).
   */
  private readonly cpuless: { timeNs: bigint; line: Line; fn: string; make: (cpu: number) => LifecycleEvent }[] = [];
  /** CPUs that certainly ran something at an exact instant: `kdump_nmi_callback cpu=N`, `crash_save_cpu cpu=N`. */
  private readonly cpuAt = new Map<bigint, Set<number>>();
  /** The instants native_machine_crash_shutdown ran: on the panicking CPU. */
  private readonly crashShutdownAt: bigint[] = [];
  /** The panicking CPU, from the `CPU: N PID: …` line of the panic's stack dump. */
  private panicCpu: number | null = null;
  private sawPanic = false;
  /** kvm_shutdown / kvm_reboot ran: every CPU's virtualization is off, whichever CPU a later disable line was on. */
  private shutdownAt: bigint | null = null;
  /** The last record time of each CPU, where a lost-records marker takes effect. */
  private readonly lastTimeOfCpu = new Map<number, bigint>();
  private lastTime = 0n;
  private readonly cpuhpNames = new Map<number, string>();
  private crashing = false;
  private eraLo = 0;
  private eraHi = ERAS.length - 1;
  private eraSeen = false;

  /** The narrowest era range the functions seen so far allow, or null when they said nothing. */
  eraRange(): readonly [Era, Era] | null {
    if (!this.eraSeen || this.eraLo > this.eraHi) return null;
    return [ERAS[this.eraLo]!, ERAS[this.eraHi]!];
  }

  trace(input: TraceInput, line: Line): Outcome {
    if (input.cpu !== null && possibleCpu(input.cpu)) this.lastTimeOfCpu.set(input.cpu, input.timeNs);
    if (input.timeNs > this.lastTime) this.lastTime = input.timeNs;
    const p = readPayload(input.payload);
    if (p === null) return relevant(input.payload) ? warn(`unreadable trace payload`) : OTHER;
    return this.payload(p, input, line);
  }

  /**
   * A `cpuhp_enter` record its reader read from its bytes: what `trace` does with it, for a callback kvmlog does
   * not track. False, and nothing changed, for one it tracks: that record is to be read in full (its event
   * carries the line).
   */
  hotplugStep(s: HotplugStep): boolean {
    if (isLifecycleCallback(s.callback)) return false;
    if (possibleCpu(s.recordCpu)) this.lastTimeOfCpu.set(s.recordCpu, s.timeNs);
    if (s.timeNs > this.lastTime) this.lastTime = s.timeNs;
    this.enterCallback(s.cpu, s.callback, s.target, s.step);
    return true;
  }

  /** Every hotplug step of every CPU passes here: each CPU's record is rewritten, not replaced. */
  private enterCallback(cpu: number, callback: string, target: number, step: number): void {
    const entered = this.hotplugEnter.get(cpu);
    if (entered === undefined) this.hotplugEnter.set(cpu, { callback, target, step });
    else {
      entered.callback = callback;
      entered.target = target;
      entered.step = step;
    }
    this.maxHotplugState = Math.max(this.maxHotplugState, target);
    this.hint(callback);
  }

  /** `[LOST n EVENTS]`: the loss is placed at that CPU's last record, where the unseen stretch begins. */
  lost(cpu: number | null, count: number | null, line: Line, afterNs?: bigint): Outcome {
    const timeNs = afterNs ?? (cpu === null ? this.lastTime : (this.lastTimeOfCpu.get(cpu) ?? 0n));
    return this.emit([{ timeNs, event: { type: 'trace.lost', cpu, count }, line: line.no, raw: line.text }]);
  }

  printk(timeNs: bigint | null, message: string, line: Line): Outcome {
    if (timeNs !== null && timeNs > this.lastTime) this.lastTime = timeNs;
    // The panic's stack dump names the panicking CPU: `CPU: 3 PID: 1 Comm: init …` (6.1),
    // `CPU: 0 UID: 0 PID: 1 Comm: init …` (6.12).
    const dumpCpu = this.sawPanic && this.panicCpu === null ? /^CPU: (\d+) (?:UID: \d+ )?PID: \d+ /.exec(message) : null;
    if (dumpCpu) {
      this.panicCpu = Number(dumpCpu[1]);
      return CONTEXT;
    }
    // tp_printk routes tracepoints and probes into the log without the CPU column.
    const p = readPayload(message);
    if (p !== null && (p.kind === 'kprobe' || p.kind === 'kretprobe' || (p.kind === 'tracepoint' && PRINTK_TRACEPOINTS.has(p.name)))) {
      if (timeNs === null) return warn('trace event in the kernel log without a timestamp');
      return this.payload(p, { cpu: null, pid: null, timeNs, payload: message }, line);
    }
    const decoded = decodePrintkMessage(message);
    if (decoded === null) return OTHER;
    if (decoded.kind === 'context') return CONTEXT;
    if (timeNs === null) return warn('lifecycle message without a timestamp');
    if (decoded.events.some((e) => e.type === 'panic')) this.sawPanic = true;
    if (decoded.events.some((e) => e.type === 'kvm.shutdown')) this.shutdownAt ??= timeNs;
    return this.emit(decoded.events.map((event) => ({ timeNs, event, line: line.no, raw: line.text })));
  }

  /**
   * End of the boot: probes still waiting for their return are emitted with an unknown return value, and
   * events whose line named no CPU get one where the evidence is certain (one CPU known at that exact
   * instant), or become warnings.
   */
  flush(): { events: DecodedEvent[]; warnings: { line: number; message: string }[]; context: number } {
    const events: DecodedEvent[] = [];
    for (const p of this.pending.values()) events.push(...this.unpaired(p));
    this.pending.clear();
    const warnings: { line: number; message: string }[] = [];
    let context = 0;
    for (const c of this.cpuless) {
      const disables = ['virt.disable', 'virt.emergency_disable'].includes(c.make(0).type);
      if (disables && this.shutdownAt !== null && c.timeNs >= this.shutdownAt) {
        // The disable IPI of a shutdown prints identical lines on every CPU; the shutdown event already says all are off.
        context++;
        continue;
      }
      const cpus = new Set(this.cpuAt.get(c.timeNs) ?? []);
      if (this.panicCpu !== null && this.onPanickingCpu(c.timeNs, c.make(0).type, cpus.size)) cpus.add(this.panicCpu);
      if (cpus.size === 1) {
        const [cpu] = cpus;
        events.push({ timeNs: c.timeNs, event: c.make(cpu!), line: c.line.no, raw: c.line.text });
      } else {
        const why = cpus.size === 0 ? 'no CPU column, no cpu= argument, and no other line names the CPU at that instant' : `CPUs ${[...cpus].join(', ')} all ran at that instant`;
        warnings.push({ line: c.line.no, message: `${c.fn}: CPU unknown (${why})` });
      }
    }
    this.cpuless.length = 0;
    const out = this.emit(events);
    return { events: out.kind === 'events' ? [...out.events] : [], warnings, context };
  }

  private payload(p: Payload, input: TraceInput, line: Line): Outcome {
    switch (p.kind) {
      case 'stack-trace':
        return CONTEXT;
      case 'tracepoint':
        return this.tracepoint(p.name, p.text, input, line);
      case 'function':
        return this.call(p.name, 'function', {}, input, line);
      case 'kprobe':
      case 'kretprobe': {
        const fn = probeFunctionOf(p);
        if (fn === null) return relevant(p.name) ? CONTEXT : OTHER;
        return this.call(fn, p.kind, p.args, input, line);
      }
    }
  }

  private tracepoint(name: string, text: string, input: TraceInput, line: Line): Outcome {
    const at = (event: LifecycleEvent): DecodedEvent => ({ timeNs: input.timeNs, event, line: line.no, raw: line.text });
    switch (name) {
      case 'cpuhp_enter':
      case 'cpuhp_multi_enter': {
        const m = /^cpu:\s*(\d+)\s+target:\s*(\d+)\s+step:\s*(\d+)\s+\(([^)\s]+)(?:\s+\[[\w-]+\])?\)$/.exec(text.trim());
        if (!m) return warn(`unreadable ${name}`);
        const cpu = Number(m[1]);
        const target = Number(m[2]);
        const step = Number(m[3]);
        const callback = m[4]!;
        if (!possibleCpu(cpu)) return warn(impossibleCpuMessage(cpu));
        this.enterCallback(cpu, callback, target, step);
        if (!isLifecycleCallback(callback)) return OTHER;
        return this.emit([at({ type: 'cpuhp.callback', cpu, callback, phase: 'enter', target, step, ret: null })]);
      }
      case 'cpuhp_exit': {
        const m = /^cpu:\s*(\d+)\s+state:\s*(\d+)\s+step:\s*(\d+)\s+ret:\s*(-?\d+)$/.exec(text.trim());
        if (!m) return warn('unreadable cpuhp_exit');
        const [cpu, state, step, ret] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
        if (!possibleCpu(cpu)) return warn(impossibleCpuMessage(cpu));
        this.maxHotplugState = Math.max(this.maxHotplugState, state);
        const enter = this.hotplugEnter.get(cpu);
        const callback = enter !== undefined && enter.step === step ? enter.callback : null;
        const out: DecodedEvent[] = [];
        if (callback !== null && isLifecycleCallback(callback)) {
          out.push(at({ type: 'cpuhp.callback', cpu, callback, phase: 'exit', target: enter!.target, step, ret }));
        }
        if (ret === 0 && callback === 'takedown_cpu') out.push(...this.onlineChange(cpu, false, at));
        // A CPU that reached the last hotplug state on the way up (or already sat there) is online.
        else if (ret === 0 && state >= step && state === this.maxHotplugState) out.push(...this.onlineChange(cpu, true, at));
        return out.length > 0 ? this.emit(out) : OTHER;
      }
      case 'module_load':
      case 'module_free': {
        const module = text.trim().split(/\s+/)[0] ?? '';
        if (!/^kvm(_intel|_amd)?$/.test(module)) return OTHER;
        const action = name === 'module_load' ? 'load' : 'unload';
        return this.emit([at({ type: 'kvm.module', module, action, params: {} })]);
      }
      case 'suspend_resume': {
        const m = /^(\w+)\[(\d+)\] (begin|end)$/.exec(text.trim());
        if (!m) return OTHER;
        const [what, n, edge] = [m[1]!, Number(m[2]), m[3]!];
        if (what === 'syscore_suspend' && edge === 'begin') return this.emit([at({ type: 'system.state', state: 'suspend' })]);
        if (what === 'syscore_resume' && edge === 'end') return this.emit([at({ type: 'system.state', state: 'resume' })]);
        if (what === 'CPU_OFF' && edge === 'end') return this.emit(this.onlineChange(n, false, at));
        if (what === 'CPU_ON' && edge === 'end') return this.emit(this.onlineChange(n, true, at));
        return OTHER;
      }
      case 'tracing_mark_write':
      case 'print':
        return this.emit([at({ type: 'marker', text: text.trim() })]);
      default:
        // A probe hit whose `(sym+off/size …)` part is cut or garbled.
        return text.trimStart().startsWith('(') && probeFunction(name, name.endsWith('_ret'), null) !== null
          ? warn(`${name}: unreadable probe record`)
          : OTHER;
    }
  }

  /** A probe hit or function-tracer entry on a lifecycle function. */
  private call(fn: string, how: 'kprobe' | 'kretprobe' | 'function', args: Args, input: TraceInput, line: Line): Outcome {
    const info = SYMBOLS.get(fn);
    if (info === undefined) return OTHER;
    this.hintInfo(info);
    const at = (event: LifecycleEvent): DecodedEvent => ({ timeNs: input.timeNs, event, line: line.no, raw: line.text });
    const role = info.role;
    const isReturn = how === 'kretprobe';
    const cpuArg = intArg(args, 'cpu');
    const cpu = cpuArg ?? input.cpu;
    if (cpuArg !== null && (role.kind === 'crash-nmi' || role.kind === 'crash-save-cpu')) this.evidence(input.timeNs, cpuArg);
    const needCpu = (): Outcome => warn(`${fn}: no CPU column and no cpu= argument, so the CPU is unknown`);
    const later = (make: (cpu: number) => LifecycleEvent): Outcome => {
      this.cpuless.push({ timeNs: input.timeNs, line, fn, make });
      return CONTEXT;
    };

    switch (role.kind) {
      case 'vendor-enable':
      case 'tdx-cpu-enable': {
        if (cpu === null) return needCpu();
        const key = `${fn}@${cpu}`;
        if (how === 'kprobe') return this.hold({ fn, timeNs: input.timeNs, cpu, args, line }, key);
        this.pending.delete(key);
        const ret = isReturn ? retval(args) : null;
        return this.emit([at(this.enableEvent(role, cpu, ret))]);
      }
      case 'vendor-disable': {
        if (isReturn) return CONTEXT;
        const make = (c: number): LifecycleEvent => ({ type: 'virt.disable', cpu: c, vendor: role.vendor });
        return cpu === null ? later(make) : this.emit([at(make(cpu))]);
      }
      case 'emergency-disable': {
        if (isReturn) return CONTEXT;
        const make = (c: number): LifecycleEvent => ({ type: 'virt.emergency_disable', cpu: c });
        return cpu === null ? later(make) : this.emit([at(make(cpu))]);
      }
      case 'crash-nmi': {
        if (isReturn) return CONTEXT;
        this.crashing = true;
        const make = (c: number): LifecycleEvent => ({ type: 'crash.nmi', cpu: c });
        return cpu === null ? later(make) : this.emit([at(make(cpu))]);
      }
      case 'crash-save-cpu':
        return CONTEXT;
      case 'crash-shutdown':
        if (isReturn) return CONTEXT;
        this.crashing = true;
        this.crashShutdownAt.push(input.timeNs);
        if (input.cpu !== null) this.panicCpu ??= input.cpu;
        return CONTEXT;
      case 'hotplug-callback': {
        if (cpu === null) return needCpu();
        const phase = isReturn ? 'exit' : 'enter';
        return this.emit([
          at({ type: 'cpuhp.callback', cpu, callback: fn, phase, target: null, step: null, ret: isReturn ? retval(args) : null }),
        ]);
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
        return this.emit([at({ type: 'kvm.usage', from, to })]);
      }
      case 'vm-create':
        return isReturn ? CONTEXT : this.emit([at({ type: 'vm.create', pid: input.pid })]);
      case 'vm-destroy':
        return isReturn ? CONTEXT : this.emit([at({ type: 'vm.destroy', pid: input.pid })]);
      case 'kvm-shutdown':
        if (isReturn) return CONTEXT;
        this.shutdownAt ??= input.timeNs;
        return this.emit([at({ type: 'kvm.shutdown' })]);
      case 'tdx-enable': {
        if (!isReturn) return CONTEXT;
        const ret = retval(args);
        if (ret === null) return CONTEXT;
        return this.emit([
          at({ type: 'tdx.module_init', result: ret === 0 ? 'initialized' : 'failed', errno: ret === 0 ? null : ret, version: null }),
        ]);
      }
      case 'cpuhp-setup': {
        if (isReturn) return CONTEXT;
        const name = args['name'];
        const state = intArg(args, 'state');
        if (name === undefined || !KVM_CPUHP_STATES.test(name)) return CONTEXT;
        if (state !== null) this.cpuhpNames.set(state, name);
        return this.emit([at({ type: 'kvm.cpuhp', action: 'register', state: name })]);
      }
      case 'cpuhp-remove': {
        if (isReturn) return CONTEXT;
        const state = intArg(args, 'state');
        const name = state === null ? undefined : this.cpuhpNames.get(state);
        if (name === undefined) return CONTEXT;
        return this.emit([at({ type: 'kvm.cpuhp', action: 'remove', state: name })]);
      }
      case 'panic':
        if (isReturn) return CONTEXT;
        this.sawPanic = true;
        if (input.cpu !== null) this.panicCpu ??= input.cpu;
        return this.emit([at({ type: 'panic', message: args['fmt']?.trim() ?? '' })]);
      case 'crash-path':
        this.crashing = true;
        return CONTEXT;
      case 'machine-kexec':
        if (isReturn) return CONTEXT;
        return this.emit([at({ type: 'kexec.start', kind: this.crashing ? 'crash' : 'normal' })]);
      case 'system':
        if (isReturn) return CONTEXT;
        return this.emit([at({ type: 'system.state', state: role.state })]);
      case 'context':
        return CONTEXT;
    }
  }

  private enableEvent(role: EnableRole, cpu: number, ret: number | null): LifecycleEvent {
    if (role.kind === 'tdx-cpu-enable') return { type: 'tdx.cpu_enable', cpu, ret };
    return ret !== null && ret !== 0 ? { type: 'virt.enable_failed', cpu, ret } : { type: 'virt.enable', cpu, vendor: role.vendor, ret };
  }

  /** An entry probe whose outcome its kretprobe will tell; a second entry flushes the first. */
  private hold(p: Pending, key: string): Outcome {
    const prior = this.pending.get(key);
    this.pending.set(key, p);
    return prior ? this.emitOrContext(this.unpaired(prior)) : CONTEXT;
  }

  private unpaired(p: Pending): DecodedEvent[] {
    const info = SYMBOLS.get(p.fn);
    if (info === undefined) return [];
    const role = info.role;
    if (role.kind !== 'vendor-enable' && role.kind !== 'tdx-cpu-enable') return [];
    return [{ timeNs: p.timeNs, event: this.enableEvent(role, p.cpu, null), line: p.line.no, raw: p.line.text }];
  }

  private onlineChange(cpu: number, online: boolean, at: (e: LifecycleEvent) => DecodedEvent): DecodedEvent[] {
    return [at(online ? { type: 'cpu.online', cpu } : { type: 'cpu.offline', cpu })];
  }

  /** The one way out for events: a fact already emitted, seen again through another signal, is dropped here. */
  private emit(events: readonly DecodedEvent[]): Outcome {
    const kept = events.filter((d) => {
      const e = d.event;
      if (e.type === 'cpu.online' || e.type === 'cpu.offline') {
        const online = e.type === 'cpu.online';
        if (this.online.get(e.cpu) === online) return false;
        // An impossible CPU is left to the importer's warning, not remembered.
        if (possibleCpu(e.cpu)) this.online.set(e.cpu, online);
      } else if (e.type === 'system.state') {
        if (this.systemState === e.state) return false;
        this.systemState = e.state;
      } else if (e.type === 'kvm.shutdown' || e.type === 'panic' || e.type === 'kexec.start') {
        // Once per kernel: a probe on kvm_shutdown, panic() or machine_kexec and the message the kernel prints
        // on the same path are one occurrence.
        if (this.once.has(e.type)) return false;
        this.once.add(e.type);
      } else if (e.type === 'cpuhp.callback' || e.type === 'crash.nmi' || e.type === 'virt.emergency_disable') {
        // The generic emergency disable and the vendor callback it calls are one disable.
        const key = e.type === 'cpuhp.callback' ? `${e.cpu}:${e.callback}/${e.phase}` : `${e.cpu}:${e.type}`;
        if (e.type === 'cpuhp.callback') {
          // A different callback on this CPU ends the previous call: the next sighting is a new call.
          for (const k of this.lastCall.keys()) if (k.startsWith(`${e.cpu}:`) && k !== key && k.includes('/')) this.lastCall.delete(k);
        }
        const last = this.lastCall.get(key);
        this.lastCall.set(key, d.timeNs);
        if (last !== undefined && abs(d.timeNs - last) <= SAME_CALL_NS) return false;
      }
      return true;
    });
    return kept.length > 0 ? { kind: 'events', events: kept } : CONTEXT;
  }

  private emitOrContext(events: readonly DecodedEvent[]): Outcome {
    return events.length > 0 ? this.emit(events) : CONTEXT;
  }

  /**
   * The crash path on the panicking CPU: native_machine_crash_shutdown itself, and its own emergency disable
   * after the shootdown — one that no crash-NMI line claims for another CPU at that instant (6.1 prints the
   * NMI'd CPUs' lines, each with `kdump_nmi_callback cpu=N`; 6.12 does not print them at all).
   */
  private onPanickingCpu(timeNs: bigint, type: LifecycleEvent['type'], claimed: number): boolean {
    if (this.crashShutdownAt.includes(timeNs)) return true;
    const first = this.crashShutdownAt[0];
    return type === 'virt.emergency_disable' && claimed === 0 && first !== undefined && timeNs >= first;
  }

  private evidence(timeNs: bigint, cpu: number): void {
    const set = this.cpuAt.get(timeNs) ?? new Set<number>();
    set.add(cpu);
    this.cpuAt.set(timeNs, set);
  }

  private hint(fn: string): void {
    const info = SYMBOLS.get(fn);
    if (info) this.hintInfo(info);
  }

  private hintInfo(info: SymbolInfo): void {
    if (!info.eras) return;
    this.eraSeen = true;
    this.eraLo = Math.max(this.eraLo, ERAS.indexOf(info.eras[0]));
    this.eraHi = Math.min(this.eraHi, ERAS.indexOf(info.eras[1]));
  }
}

const abs = (n: bigint): bigint => (n < 0n ? -n : n);

function warn(message: string): Outcome {
  return { kind: 'warning', message };
}

/** The function each probe payload names, asked once per payload object (readPayload shares them). */
const probed = new WeakMap<Payload, string | null>();

function probeFunctionOf(p: Payload & { readonly kind: 'kprobe' | 'kretprobe' }): string | null {
  const known = probed.get(p);
  if (known !== undefined) return known;
  const fn = probeFunction(p.name, p.kind === 'kretprobe', p.symbol);
  probed.set(p, fn);
  return fn;
}

function retval(args: Args): number | null {
  return intArg(args, 'ret') ?? intArg(args, 'arg1');
}

function isLifecycleCallback(callback: string): boolean {
  const info = SYMBOLS.get(callback);
  return info !== undefined && info.role.kind === 'hotplug-callback';
}

/** Whether text that could not be read names something kvmlog tracks, so losing it must be reported. */
export function relevant(text: string): boolean {
  return /kvm|vmx|svm|tdx|virtualization|cpuhp|kexec|crash|panic|smpboot|syscore/i.test(text);
}
