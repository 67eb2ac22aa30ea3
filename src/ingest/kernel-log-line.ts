/**
 * Kernel log lines: `dmesg` (`[  12.345678] msg`), `dmesg -r` (`<6>[  12.345678] msg`) and /dev/kmsg
 * records (`6,177,731003,-;msg`, continuation lines starting with a space).
 */
import { decimalToNs } from '../model/time.js';

export interface PrintkRecord {
  /** Null when the line carries no timestamp (printk.time=0, or a wrapped continuation). */
  readonly timeNs: bigint | null;
  readonly level: number | null;
  readonly message: string;
}

export type KernelLogLine =
  | { readonly kind: 'record'; readonly record: PrintkRecord }
  /** A /dev/kmsg dictionary line (` SUBSYSTEM=acpi`), or a dmesg line that wrapped. */
  | { readonly kind: 'continuation'; readonly text: string }
  | { readonly kind: 'blank' };

const DMESG = /^(?:<(\d{1,3})>)?\[\s{0,12}(\d{1,12}\.\d{1,9})\]\s?(.*)$/;
const KMSG = /^(\d{1,3}),(\d{1,20}),(\d{1,20}),[^;]{0,64};(.*)$/;

export function parseDmesgLine(text: string): KernelLogLine {
  if (text.trim() === '') return { kind: 'blank' };
  const m = DMESG.exec(text);
  if (!m) return { kind: 'continuation', text };
  const level = m[1] === undefined ? null : Number(m[1]) & 7;
  return { kind: 'record', record: { timeNs: decimalToNs(m[2]!), level, message: m[3]! } };
}

export function parseKmsgLine(text: string): KernelLogLine {
  if (text.trim() === '') return { kind: 'blank' };
  if (text.startsWith(' ')) return { kind: 'continuation', text };
  const m = KMSG.exec(text);
  if (!m) return { kind: 'continuation', text };
  // The first field is facility*8 + level; the third is microseconds since boot.
  return {
    kind: 'record',
    record: { timeNs: BigInt(m[3]!) * 1000n, level: Number(m[1]) & 7, message: m[4]! },
  };
}

export const looksLikeKmsg = (text: string): boolean => KMSG.test(text);
export const looksLikeDmesgRaw = (text: string): boolean => /^<\d{1,3}>\[\s*\d+\.\d+\]/.test(text);
export const looksLikeDmesg = (text: string): boolean => /^\[\s*\d+\.\d+\]/.test(text);
