/**
 * THE tracepoint table: which tracepoints kvmlog reads and what each means. Any tracepoint not here is another
 * subsystem's, counted and skipped — by the ftrace reader from its bytes (formats/ftrace/reader.ts), and in a
 * kernel log that tp_printk routed it into (`viaPrintk`).
 */
import { impossibleCpuMessage, possibleCpu } from '../cpus.js';
import type { EraEvidence } from './era-evidence.js';
import { type HotplugTracker, isLifecycleCallback } from './hotplug.js';
import { type At, type DecodedEvent, OTHER, type Outcome, events, warn } from './outcome.js';

export interface TracepointContext {
  readonly hotplug: HotplugTracker;
  readonly era: EraEvidence;
}

export interface Tracepoint {
  /** tp_printk can route it into the kernel log, where its line has no CPU column. */
  readonly viaPrintk: boolean;
  /** A `cpuhp_enter`: a record of it may be read from its bytes alone as a hotplug step. */
  readonly hotplugStep: boolean;
  /** The record's text after `name: `. */
  decode(text: string, at: At, ctx: TracepointContext): Outcome;
}

/** `cpuhp_enter`'s text: the grammar the ftrace byte path's `hotplugEnter` is tested against. */
const HOTPLUG_ENTER = /^cpu:\s*(\d+)\s+target:\s*(\d+)\s+step:\s*(\d+)\s+\(([^)\s]+)(?:\s+\[[\w-]+\])?\)$/;
const HOTPLUG_EXIT = /^cpu:\s*(\d+)\s+state:\s*(\d+)\s+step:\s*(\d+)\s+ret:\s*(-?\d+)$/;

export interface HotplugEnter {
  readonly cpu: number;
  readonly target: number;
  readonly step: number;
  readonly callback: string;
}

export function parseHotplugEnter(text: string): HotplugEnter | null {
  const m = HOTPLUG_ENTER.exec(text.trim());
  return m ? { cpu: Number(m[1]), target: Number(m[2]), step: Number(m[3]), callback: m[4]! } : null;
}

function hotplugEnter(name: string): Tracepoint['decode'] {
  return (text, at, ctx) => {
    const e = parseHotplugEnter(text);
    if (e === null) return warn(`unreadable ${name}`);
    if (!possibleCpu(e.cpu)) return warn(impossibleCpuMessage(e.cpu));
    ctx.hotplug.enter(e.cpu, e.callback, e.target, e.step);
    ctx.era.name(e.callback);
    if (!isLifecycleCallback(e.callback)) return OTHER;
    return events([at({ type: 'cpuhp.callback', cpu: e.cpu, callback: e.callback, phase: 'enter', target: e.target, step: e.step, ret: null })]);
  };
}

const hotplugExit: Tracepoint['decode'] = (text, at, ctx) => {
  const m = HOTPLUG_EXIT.exec(text.trim());
  if (!m) return warn('unreadable cpuhp_exit');
  const [cpu, state, step, ret] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  if (!possibleCpu(cpu)) return warn(impossibleCpuMessage(cpu));
  const x = ctx.hotplug.exit(cpu, state, step, ret);
  const out: DecodedEvent[] = [];
  if (x.callback !== null && isLifecycleCallback(x.callback)) out.push(at({ type: 'cpuhp.callback', cpu, callback: x.callback, phase: 'exit', target: x.target, step, ret }));
  if (x.online === 'down') out.push(at({ type: 'cpu.offline', cpu }));
  // Online by now, since some instant of the boot: a first sight of the state, never a transition of its own.
  else if (x.online === 'already') {
    const seen = at({ type: 'cpu.online', cpu });
    out.push({ ...seen, approximate: true, uncertaintyNs: seen.timeNs });
  }
  else if (x.online === 'reached') out.push(at({ type: 'cpu.online', cpu }));
  return out.length > 0 ? events(out) : OTHER;
};

function module(action: 'load' | 'unload'): Tracepoint['decode'] {
  return (text, at) => {
    const module = text.trim().split(/\s+/)[0] ?? '';
    if (!/^kvm(_intel|_amd)?$/.test(module)) return OTHER;
    return events([at({ type: 'kvm.module', module, action, params: {} })]);
  };
}

const suspendResume: Tracepoint['decode'] = (text, at) => {
  const m = /^(\w+)\[(\d+)\] (begin|end)$/.exec(text.trim());
  if (!m) return OTHER;
  const [what, n, edge] = [m[1]!, Number(m[2]), m[3]!];
  if (what === 'syscore_suspend' && edge === 'begin') return events([at({ type: 'system.state', state: 'suspend' })]);
  if (what === 'syscore_resume' && edge === 'end') return events([at({ type: 'system.state', state: 'resume' })]);
  if (what === 'CPU_OFF' && edge === 'end') return events([at({ type: 'cpu.offline', cpu: n })]);
  if (what === 'CPU_ON' && edge === 'end') return events([at({ type: 'cpu.online', cpu: n })]);
  return OTHER;
};

const marker: Tracepoint['decode'] = (text, at) => events([at({ type: 'marker', text: text.trim() })]);

export const TRACEPOINTS: ReadonlyMap<string, Tracepoint> = new Map<string, Tracepoint>([
  ['cpuhp_enter', { viaPrintk: true, hotplugStep: true, decode: hotplugEnter('cpuhp_enter') }],
  ['cpuhp_multi_enter', { viaPrintk: true, hotplugStep: true, decode: hotplugEnter('cpuhp_multi_enter') }],
  ['cpuhp_exit', { viaPrintk: true, hotplugStep: false, decode: hotplugExit }],
  ['module_load', { viaPrintk: true, hotplugStep: false, decode: module('load') }],
  ['module_free', { viaPrintk: true, hotplugStep: false, decode: module('unload') }],
  ['suspend_resume', { viaPrintk: true, hotplugStep: false, decode: suspendResume }],
  // trace_marker: the capture's own notes, in the ring buffer only.
  ['tracing_mark_write', { viaPrintk: false, hotplugStep: false, decode: marker }],
  ['print', { viaPrintk: false, hotplugStep: false, decode: marker }],
]);

/** The names of the tracepoints tp_printk routes into the kernel log, for a reader telling a lifecycle line. */
export const PRINTK_TRACEPOINT_NAMES: readonly string[] = [...TRACEPOINTS].filter(([, t]) => t.viaPrintk).map(([n]) => n);
