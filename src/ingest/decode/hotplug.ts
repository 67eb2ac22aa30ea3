/**
 * Each CPU's hotplug state machine as the cpuhp tracepoints show it: which callback a CPU is running (its last
 * `cpuhp_enter`), and when a `cpuhp_exit` brings it online or takes it down.
 */
import { SYMBOLS } from './symbols.js';

interface Entered {
  callback: string;
  target: number;
  step: number;
}

/** What a `cpuhp_exit` closed. */
export interface HotplugExit {
  /** The callback whose step this exit ends, if its enter was seen. */
  readonly callback: string | null;
  readonly target: number | null;
  /**
   * `reached`: the CPU came online; `already`: a callback ran for a CPU already online (a state being set up), which
   * says only that it was online by then; `down`: it was taken down; null: none of these.
   */
  readonly online: 'reached' | 'already' | 'down' | null;
}

/** The control CPU's step that brings a CPU up: its exit, at the top state, is that CPU coming online. */
const BRING_UP = new Set(['bringup_cpu', 'cpuhp_bringup_ap']);

export class HotplugTracker {
  private readonly entered = new Map<number, Entered>();
  /** The highest hotplug state seen: CPUHP_ONLINE is the last state, and an online CPU sits at it. */
  private maxState = 0;
  /** The control CPU's bring-up step each CPU is in: the CPU's own steps come between its enter and its exit. */
  private readonly bringingUp = new Map<number, number>();

  /** Every hotplug step of every CPU passes here: each CPU's record is rewritten, not replaced. */
  enter(cpu: number, callback: string, target: number, step: number): void {
    const e = this.entered.get(cpu);
    if (e === undefined) this.entered.set(cpu, { callback, target, step });
    else {
      e.callback = callback;
      e.target = target;
      e.step = step;
    }
    this.maxState = Math.max(this.maxState, target);
    if (BRING_UP.has(callback)) this.bringingUp.set(cpu, step);
  }

  exit(cpu: number, state: number, step: number, ret: number): HotplugExit {
    this.maxState = Math.max(this.maxState, state);
    const e = this.entered.get(cpu);
    const callback = e !== undefined && e.step === step ? e.callback : null;
    const broughtUp = this.bringingUp.get(cpu) === step;
    if (broughtUp) this.bringingUp.delete(cpu);
    let online: HotplugExit['online'] = null;
    if (ret === 0 && callback === 'takedown_cpu') online = 'down';
    // A CPU at the last hotplug state, having come up to it (or already sitting there), is online. An exit at a
    // state above its step is a callback run for a CPU already at that state (a new hotplug state set up); one
    // below is the way down. At a state equal to its step the CPU is passing that step, up or down — before 5.12 a
    // teardown exit reported state == step too — and its target tells which.
    else if (ret === 0 && state === this.maxState && state > step) online = broughtUp ? 'reached' : 'already';
    else if (ret === 0 && state === this.maxState && state === step && (e === undefined || e.target >= state)) online = 'reached';
    return { callback, target: callback === null ? null : e!.target, online };
  }
}

/** A KVM or TDX hotplug callback: its steps are events; any other callback's only move the state machine. */
export function isLifecycleCallback(callback: string): boolean {
  const info = SYMBOLS.get(callback);
  return info !== undefined && info.role.kind === 'hotplug-callback';
}
