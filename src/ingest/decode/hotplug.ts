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
  /** The CPU reached the online state (true) or was taken down (false); null: neither. */
  readonly online: boolean | null;
}

export class HotplugTracker {
  private readonly entered = new Map<number, Entered>();
  /** The highest hotplug state seen: CPUHP_ONLINE is the last state, and an online CPU sits at it. */
  private maxState = 0;

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
  }

  exit(cpu: number, state: number, step: number, ret: number): HotplugExit {
    this.maxState = Math.max(this.maxState, state);
    const e = this.entered.get(cpu);
    const callback = e !== undefined && e.step === step ? e.callback : null;
    let online: boolean | null = null;
    if (ret === 0 && callback === 'takedown_cpu') online = false;
    // A CPU at the last hotplug state, having come up to it (or already sitting there), is online. An exit at a
    // state above its step is a callback run for a CPU already at that state (a new hotplug state set up); one
    // below is the way down. At a state equal to its step the CPU is passing that step, up or down — before 5.12 a
    // teardown exit reported state == step too — and its target tells which.
    else if (ret === 0 && state === this.maxState && (state > step || (state === step && (e === undefined || e.target >= state)))) online = true;
    return { callback, target: callback === null ? null : e!.target, online };
  }
}

/** A KVM or TDX hotplug callback: its steps are events; any other callback's only move the state machine. */
export function isLifecycleCallback(callback: string): boolean {
  const info = SYMBOLS.get(callback);
  return info !== undefined && info.role.kind === 'hotplug-callback';
}
