/**
 * Turns what one boot's kernel printed — trace records and printk messages — into catalogue events. It keeps only
 * the context a reader of the trace needs, each kind in a part of its own: the hotplug state machines
 * (hotplug.ts), probes waiting for their return (probes.ts), CPUs for lines that name none (cpu-recovery.ts),
 * facts already emitted (dedup.ts), the eras the functions allow (era-evidence.ts). What an event does to the
 * host's state is the model's business (src/model/reduce.ts), not this module's.
 */
import type { Era } from '../../model/era.js';
import { possibleCpu } from '../cpus.js';
import type { HotplugStep } from '../formats/format.js';
import type { Line } from '../lines.js';
import { CpuRecovery } from './cpu-recovery.js';
import { Dedup } from './dedup.js';
import { EraEvidence } from './era-evidence.js';
import { HotplugTracker, isLifecycleCallback } from './hotplug.js';
import { CALL_SPAN_NS, CONTEXT, type DecodedEvent, OTHER, type Outcome, PRINTK_ROUTE_NS, events, warn } from './outcome.js';
import { type Payload, readPayload } from './payload.js';
import { decodePrintkMessage } from './printk.js';
import { ProbeDecoder, type TraceInput } from './probes.js';
import { probeFunction } from './symbols.js';
import { TRACEPOINTS } from './tracepoints.js';

export type { DecodedEvent, Outcome } from './outcome.js';
export type { TraceInput } from './probes.js';

export class Decoder {
  private readonly hotplug = new HotplugTracker();
  private readonly era = new EraEvidence();
  private readonly recovery = new CpuRecovery();
  private readonly dedup = new Dedup();
  private readonly probes = new ProbeDecoder(this.recovery, this.era);
  private readonly tracepoints = { hotplug: this.hotplug, era: this.era };
  /** The last record time of each CPU, where a lost-records marker takes effect. */
  private readonly lastTimeOfCpu = new Map<number, bigint>();
  private lastTime = 0n;

  /** The narrowest era range the functions seen so far allow, or null when they said nothing. */
  eraRange(): readonly [Era, Era] | null {
    return this.era.range();
  }

  trace(input: TraceInput, line: Line): Outcome {
    this.stamp(input.cpu, input.timeNs);
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
    this.stamp(s.recordCpu, s.timeNs);
    this.hotplug.enter(s.cpu, s.callback, s.target, s.step);
    this.era.name(s.callback);
    return true;
  }

  /** `[LOST n EVENTS]`: the loss is placed at that CPU's last record, where the unseen stretch begins. */
  lost(cpu: number | null, count: number | null, line: Line, afterNs?: bigint): Outcome {
    const timeNs = afterNs ?? (cpu === null ? this.lastTime : (this.lastTimeOfCpu.get(cpu) ?? 0n));
    return this.unseen(events([{ timeNs, event: { type: 'trace.lost', cpu, count }, line: line.no, raw: line.text }]));
  }

  /** A panic was seen (its event may wait for its CPU until the boot's end). */
  get panicked(): boolean {
    return this.recovery.sawPanic;
  }

  /** `cpu`: the CPU a `[Cn]` printk caller names. */
  printk(timeNs: bigint | null, message: string, line: Line, cpu?: number): Outcome {
    if (timeNs !== null && timeNs > this.lastTime) this.lastTime = timeNs;
    if (this.recovery.dumpLine(message)) return CONTEXT;
    // tp_printk routes tracepoints and probes into the log without the CPU column.
    const p = readPayload(message);
    if (p !== null && (p.kind === 'kprobe' || p.kind === 'kretprobe' || (p.kind === 'tracepoint' && TRACEPOINTS.get(p.name)?.viaPrintk === true))) {
      if (timeNs === null) return warn('trace event in the kernel log without a timestamp');
      return routed(this.payload(p, { cpu: cpu ?? null, pid: null, timeNs, payload: message }, line));
    }
    const decoded = decodePrintkMessage(message);
    if (decoded === null) return OTHER;
    if (decoded.kind === 'context') return CONTEXT;
    if (timeNs === null) return warn('lifecycle message without a timestamp');
    if (decoded.events.some((e) => e.type === 'panic')) this.recovery.panicked(cpu ?? null);
    if (decoded.events.some((e) => e.type === 'kvm.shutdown')) this.recovery.shutdown(timeNs);
    const approximate = decoded.withinNs !== null ? { approximate: true, uncertaintyNs: decoded.withinNs } : {};
    const made = decoded.events.map((event) => (event.type === 'panic' && cpu !== undefined ? { ...event, cpu } : event));
    return this.unseen(events(made.map((event) => ({ timeNs, event, line: line.no, raw: line.text, ...approximate }))));
  }

  /**
   * End of the boot: probes still waiting for their return are emitted with an unknown return value, and
   * events whose line named no CPU get one where the evidence is certain, or become warnings.
   */
  flush(): { events: DecodedEvent[]; warnings: { line: number; message: string }[]; context: number } {
    const unpaired = this.probes.flush();
    const recovered = this.recovery.flush();
    const kept = this.dedup.keep([...unpaired, ...recovered.events.map((e) => ({ ...e, uncertaintyNs: PRINTK_ROUTE_NS })), ...recovered.panics]);
    return { events: [...kept, ...this.dedup.flush()], warnings: recovered.warnings, context: recovered.context };
  }

  private stamp(cpu: number | null, timeNs: bigint): void {
    if (cpu !== null && possibleCpu(cpu)) this.lastTimeOfCpu.set(cpu, timeNs);
    if (timeNs > this.lastTime) this.lastTime = timeNs;
  }

  private payload(p: Payload, input: TraceInput, line: Line): Outcome {
    switch (p.kind) {
      case 'stack-trace':
        return CONTEXT;
      case 'tracepoint': {
        const tp = TRACEPOINTS.get(p.name);
        if (tp !== undefined) return this.unseen(tp.decode(p.text, (event) => ({ timeNs: input.timeNs, event, line: line.no, raw: line.text }), this.tracepoints));
        // A probe hit whose `(sym+off/size …)` part is cut or garbled.
        return p.text.trimStart().startsWith('(') && probeFunction(p.name, p.name.endsWith('_ret'), null) !== null ? warn(`${p.name}: unreadable probe record`) : OTHER;
      }
      case 'function':
        return this.unseen(spanned(this.probes.call(p.name, 'function', {}, input, line)));
      case 'kprobe':
      case 'kretprobe': {
        const fn = probeFunctionOf(p);
        if (fn === null) return relevant(p.name) ? CONTEXT : OTHER;
        return this.unseen(this.probes.call(fn, p.kind, p.args, input, line));
      }
    }
  }

  /**
   * The one way out for events: a fact already emitted, seen again through another signal, is dropped here. A
   * panic whose line named no CPU waits for the boot's end, when its stack dump may have named the CPU.
   */
  private unseen(o: Outcome): Outcome {
    if (o.kind !== 'events') return o;
    const now = o.events.filter((e) => {
      if (e.event.type !== 'panic' || e.event.cpu !== null) return true;
      this.recovery.panicLater(e);
      return false;
    });
    const kept = this.dedup.keep(now);
    return kept.length > 0 ? events(kept) : CONTEXT;
  }
}

/** The events of a trace record routed into the kernel log: stamped when printed, not when recorded. */
function routed(o: Outcome): Outcome {
  return o.kind === 'events' ? events(o.events.map((e) => ({ ...e, uncertaintyNs: PRINTK_ROUTE_NS }))) : o;
}

/** The events of a function-tracer line: stamped at the call's entry, not at its outcome. */
function spanned(o: Outcome): Outcome {
  return o.kind === 'events' ? events(o.events.map((e) => ({ ...e, uncertaintyNs: CALL_SPAN_NS }))) : o;
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

/** Whether text that could not be read names something kvmlog tracks, so losing it must be reported. */
function relevant(text: string): boolean {
  return /kvm|vmx|svm|tdx|virtualization|cpuhp|kexec|crash|panic|smpboot|syscore/i.test(text);
}
