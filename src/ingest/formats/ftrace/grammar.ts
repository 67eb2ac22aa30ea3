/**
 * Trace lines in ftrace's text layouts.
 *  default:  `<comm>-<pid> [<cpu>] <flags> <secs>.<frac>: <payload>` (`trace`, `trace_pipe`, `trace-cmd report`).
 *            The comm is right-aligned and may hold spaces and dashes, or be `<...>`; an optional `(tgid)` column
 *            appears with record-tgid; flags are 5 characters on current kernels, 4 on old ones, absent with
 *            irq-info off or in trace-cmd's default report; the timestamp may have any precision.
 *  latency:  `<comm>-<pid> <cpu><flags> <usecs>us : <payload>`, which ftrace_dump_on_oops prints to the console.
 */
import { decimalToNs } from '../../../model/time.js';

export interface TraceLine {
  readonly task: string;
  readonly pid: number;
  readonly cpu: number;
  readonly timeNs: bigint;
  /** Everything after `<timestamp>: `. */
  readonly payload: string;
}

export type FtraceLine =
  | { readonly kind: 'record'; readonly record: TraceLine }
  /** Header and comment lines (`# tracer: nop`, the column legend). */
  | { readonly kind: 'comment' }
  /** ` => func` frames of a `<stack trace>` block. */
  | { readonly kind: 'stack-frame'; readonly frame: string }
  /** `CPU:2 [LOST 12 EVENTS]` (trace-cmd: `[12 EVENTS DROPPED]`). */
  | { readonly kind: 'lost'; readonly cpu: number | null; readonly count: number | null }
  | { readonly kind: 'blank' }
  | { readonly kind: 'unparsed' };

// Every quantifier bounded (columns are padded by a few blanks, never by pages of them), the task starting at its
// first non-blank: linear on any input, as test/ingest/regex-safety.test.ts checks.
const RECORD =
  /^\s{0,64}(\S.{0,63}?)-(\d{1,10})\s{1,32}(?:\(\s{0,16}[\d-]{1,10}\)\s{1,32})?\[(\d{1,6})\]\s{1,32}(?:[.a-zA-Z0-9!+#*@$~^|]{4,6}\s{1,32})?(\d{1,12}\.\d{1,9}):\s?(.*)$/;
const LATENCY = /^\s{0,64}(\S.{0,63}?)-(\d{1,10})\s{1,32}(\d{1,6})([.a-zA-Z0-9!+#*@$~^|]{4,6})\s{1,32}(\d{1,18})us\s?:\s?(.*)$/;
const LOST = /^\s*CPU:?\s?(\d{1,6})?\s*\[(?:LOST )?(\d{1,20})? ?EVENTS(?: DROPPED)?\]\s*$/;

export function parseFtraceLine(text: string): FtraceLine {
  if (text.trim() === '') return { kind: 'blank' };
  if (text.startsWith('#')) return { kind: 'comment' };
  const frame = /^\s*=>\s?(.*)$/.exec(text);
  if (frame) return { kind: 'stack-frame', frame: frame[1]! };
  const m = RECORD.exec(text);
  if (m) {
    const timeNs = decimalToNs(m[4]!);
    if (timeNs === null) return { kind: 'unparsed' };
    return { kind: 'record', record: { task: m[1]!.trim(), pid: Number(m[2]), cpu: Number(m[3]), timeNs, payload: m[5]! } };
  }
  const lost = LOST.exec(text);
  if (lost) return { kind: 'lost', cpu: lost[1] === undefined ? null : Number(lost[1]), count: lost[2] === undefined ? null : Number(lost[2]) };
  return { kind: 'unparsed' };
}

/** A line of the latency layout (ftrace_dump_on_oops), with its microsecond stamp. */
export function parseLatencyLine(text: string): TraceLine | null {
  const m = LATENCY.exec(text);
  if (!m) return null;
  return { task: m[1]!.trim(), pid: Number(m[2]), cpu: Number(m[3]), timeNs: BigInt(m[5]!) * 1000n, payload: m[6]! };
}

export function looksLikeFtrace(text: string): boolean {
  return text.startsWith('# tracer:') || RECORD.test(text);
}
