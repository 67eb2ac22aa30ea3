/**
 * One line of ftrace text output (`trace`, `trace_pipe`): `<comm>-<pid> [<cpu>] <flags> <secs>.<frac>: <payload>`.
 * The comm is right-aligned and may hold spaces and dashes, or be `<...>`; an optional `(tgid)` column
 * appears with the record-tgid option; flags are 5 characters on current kernels, 4 on old ones, absent
 * with irq-info off; the timestamp may have any precision.
 */
import { decimalToNs } from '../model/time.js';

export interface FtraceRecord {
  readonly task: string;
  readonly pid: number;
  readonly cpu: number;
  readonly timeNs: bigint;
  /** Everything after `<timestamp>: `. */
  readonly payload: string;
}

export type FtraceLine =
  | { readonly kind: 'record'; readonly record: FtraceRecord }
  /** Header and comment lines (`# tracer: nop`, the column legend, `CPU:3 [LOST 12 EVENTS]` is not one). */
  | { readonly kind: 'comment' }
  /** ` => func` frames of a `<stack trace>` block. */
  | { readonly kind: 'stack-frame'; readonly frame: string }
  | { readonly kind: 'blank' }
  | { readonly kind: 'unparsed' };

// Bounded quantifiers and one lazy group anchored by `-pid [cpu]`: linear on any input.
const RECORD =
  /^\s*(.{1,64}?)-(\d{1,10})\s+(?:\(\s*[\d-]{1,10}\)\s+)?\[(\d{1,6})\]\s+(?:[.a-zA-Z0-9!+#*@$~^|]{4,6}\s+)?(\d{1,12}\.\d{1,9}):\s?(.*)$/;

export function parseFtraceLine(text: string): FtraceLine {
  if (text.trim() === '') return { kind: 'blank' };
  if (text.startsWith('#')) return { kind: 'comment' };
  const frame = /^\s*=>\s?(.*)$/.exec(text);
  if (frame) return { kind: 'stack-frame', frame: frame[1]! };
  const m = RECORD.exec(text);
  if (!m) return { kind: 'unparsed' };
  const timeNs = decimalToNs(m[4]!);
  if (timeNs === null) return { kind: 'unparsed' };
  return {
    kind: 'record',
    record: { task: m[1]!.trim(), pid: Number(m[2]), cpu: Number(m[3]), timeNs, payload: m[5]! },
  };
}

export function looksLikeFtrace(text: string): boolean {
  return text.startsWith('# tracer:') || RECORD.test(text);
}
