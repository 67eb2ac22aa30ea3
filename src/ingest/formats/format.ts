/**
 * What a format reader makes of an input line, before any kernel meaning is given to it: a trace record,
 * a kernel-log message, a boot boundary, an already-decoded kvmlog event, or nothing kvmlog reads.
 */
import type { Era } from '../../model/era.js';
import type { BootKind, LifecycleEvent } from '../../model/event.js';
import { type Line, type LineBatch, MAX_LINE_BYTES } from '../lines.js';

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
      /** The clock `timeNs` is on where not the boot's kernel clock: the ring buffer's, in an ftrace dump. */
      readonly clock?: string | undefined;
      /** Where the record was printed into a kernel log (a dump): that line's own stamp and text after it. */
      readonly printed?: { readonly timeNs: bigint; readonly text: string } | undefined;
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
      /**
       * The CPU that printed it, where the log names it: a `[Cn]` caller (CONFIG_PRINTK_CALLER, printed from
       * NMI or IRQ context). A `[Tn]` caller names a task, not a CPU.
       */
      readonly cpu?: number | undefined;
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
  /** A block of records on another clock starts (`Dumping ftrace buffer:`) … */
  | { readonly kind: 'block'; readonly clock: string }
  /** … and ends (the dump's closing rule). */
  | { readonly kind: 'block-end' }
  /** An explicit boot boundary (`-- Boot 2f3c… --` in journalctl output). */
  | { readonly kind: 'boot'; readonly bootId: string | null }
  /** What kvmlog knows of a boot, at the head of a reproducer (`{"type":"kvmlog.boot",…}`). */
  | { readonly kind: 'boot-info'; readonly bootId: string; readonly kernel: string | null; readonly era: Era | null; readonly host: string | null; readonly bootKind: BootKind | null }
  /** A kvmlog event read back from kvmlog's own NDJSON. */
  | { readonly kind: 'event'; readonly bootId: string; readonly timeNs: bigint; readonly clock: string; readonly uncertaintyNs: bigint; readonly event: LifecycleEvent }
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

/** Where a reader hands what it read, line by line, in input order. */
export interface RecordSink {
  /** The records of one line. */
  line(l: Line, recs: readonly Rec[]): void;
  /** A line its reader rejected from its bytes alone: another subsystem's record, counted. */
  other(): void;
  /** A line that could not be read at all. */
  unread(no: number, message: string): void;
  /** Whether a hotplug step may come without its line (`step`). */
  readonly takesSteps: boolean;
  /** A hotplug step read from its bytes, while `takesSteps`: true when taken, and its line needs nothing more. */
  step(s: HotplugStep): boolean;
}

/** A format reader: sees every line once, in order; may hold lines that span several (JSON objects). */
export interface LineReader {
  /** Reads a batch's lines, in order, into `out`. */
  readBatch(b: LineBatch, out: RecordSink): void;
  /** End of input: whatever is still held. */
  end(): readonly Rec[];
}

/** A reader of one line at a time, as text. */
export abstract class LineByLine implements LineReader {
  abstract read(line: Line): readonly Rec[];

  readBatch(b: LineBatch, out: RecordSink): void {
    if (b.tooLong !== undefined) return out.unread(b.firstNo, tooLongMessage(b.tooLong));
    for (let i = 0; i < b.length; i++) {
      const l = b.line(i);
      out.line(l, this.read(l));
    }
  }

  end(): readonly Rec[] {
    return [];
  }
}

export const tooLongMessage = (bytes: number): string => `a line of ${bytes} bytes, longer than any kernel or journal line (limit ${MAX_LINE_BYTES}): not read`;

export const OTHER_REC: Rec = { kind: 'other' };
export const CONTEXT_REC: Rec = { kind: 'context' };
/** The answer for most lines, shared so that the hot path allocates nothing for them. */
export const JUST_OTHER: readonly Rec[] = Object.freeze([OTHER_REC]);
