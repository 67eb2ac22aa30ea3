/**
 * What a format reader makes of an input line, before any kernel meaning is given to it: a trace record,
 * a kernel-log message, a boot boundary, an already-decoded kvmlog event, or nothing kvmlog reads.
 */
import type { Era } from '../model/era.js';
import type { BootKind, LifecycleEvent } from '../model/event.js';
import type { Line } from './lines.js';

export type Rec =
  /** A trace record: ftrace, trace-cmd, perf script, an ftrace dump on the console, bpftrace. */
  | {
      readonly kind: 'trace';
      /** The CPU that logged it; null when the format has no CPU column. */
      readonly cpu: number | null;
      readonly pid: number | null;
      readonly timeNs: bigint;
      /** `<event>: <text>`, `<func> <-<parent>` or `<stack trace>`, as ftrace prints it. */
      readonly payload: string;
    }
  /** A kernel-log message. A format may know kernel time, wall-clock time, or both. */
  | {
      readonly kind: 'printk';
      readonly timeNs: bigint | null;
      /** Wall clock, nanoseconds since the Unix epoch. */
      readonly wallNs: bigint | null;
      readonly message: string;
      readonly bootId?: string | undefined;
      readonly host?: string | undefined;
    }
  /** `CPU:2 [LOST 12 EVENTS]`: the ring buffer overwrote records of that CPU. */
  | {
      readonly kind: 'lost';
      readonly cpu: number | null;
      readonly count: number | null;
      /** That CPU's last record before the loss, where the unseen stretch begins, if the reader knows it. */
      readonly afterNs?: bigint | undefined;
    }
  /**
   * Another capture starts inside this input (`# tracer: …` of a trace printed to a console): it may run on
   * another clock (a trace instance with its own trace_clock), so it is placed like a separate input.
   */
  | { readonly kind: 'capture' }
  /** An explicit boot boundary (`-- Boot 2f3c… --` in journalctl output). */
  | { readonly kind: 'boot'; readonly bootId: string | null }
  /** What kvmlog knows of a boot, at the head of a reproducer (`{"type":"kvmlog.boot",…}`). */
  | { readonly kind: 'boot-info'; readonly bootId: string; readonly kernel: string | null; readonly era: Era | null; readonly host: string | null; readonly bootKind: BootKind | null }
  /** A kvmlog event read back from kvmlog's own NDJSON. */
  | { readonly kind: 'event'; readonly bootId: string; readonly timeNs: bigint; readonly event: LifecycleEvent }
  /** A lifecycle line whose fact another line carries (a stack frame of a probe hit). */
  | { readonly kind: 'context' }
  /** Not for kvmlog: another program, a header, a blank line. */
  | { readonly kind: 'other' }
  /** A line that should have been readable and was not. */
  | { readonly kind: 'unreadable'; readonly message: string };

/**
 * A `cpuhp_enter` record read from its bytes, its line never decoded (`LineReader.hotplugStep`): a CPU's hotplug
 * state machine entered a callback. Most are callbacks kvmlog does not track, yet each moves the state the
 * decoder keeps; where the callback is one kvmlog tracks, the line is read in full instead.
 */
export interface HotplugStep {
  /** The CPU that logged the record. */
  recordCpu: number;
  timeNs: bigint;
  /** The CPU going through hotplug. */
  cpu: number;
  target: number;
  step: number;
  callback: string;
}

/** A format reader: sees every line once, in order; may hold lines that span several (JSON objects). */
export interface LineReader {
  read(line: Line): readonly Rec[];
  /**
   * The cheap rejection path: true when the line's bytes alone show it is nothing kvmlog reads, so that it is
   * counted as other and never decoded. Only for certainties: a doubtful line is left to `read`.
   */
  skips?(bytes: Buffer, start: number, end: number): boolean;
  /**
   * The line's records made from its bytes (and its text, already decoded), exactly as `read` would make them,
   * only cheaper; null to leave the line to `read`.
   */
  readBytes?(bytes: Buffer, start: number, end: number, line: Line): readonly Rec[] | null;
  /**
   * The line as a hotplug step, read from its bytes alone, for a caller that needs nothing else of it (its boot
   * anchored already): asked only right after `skips` declined the same line; null to leave the line to the
   * other paths. The object is the reader's own, valid until its next call.
   */
  hotplugStep?(bytes: Buffer, start: number, end: number): HotplugStep | null;
  /** End of input: whatever is still held. */
  end(): readonly Rec[];
}

export const OTHER_REC: Rec = { kind: 'other' };
export const CONTEXT_REC: Rec = { kind: 'context' };
/** The answer for most lines, shared so that the hot path allocates nothing for them. */
export const JUST_OTHER: readonly Rec[] = Object.freeze([OTHER_REC]);
