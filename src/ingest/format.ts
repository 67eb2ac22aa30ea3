import { looksLikeFtrace } from './ftrace-line.js';
import { looksLikeDmesg, looksLikeDmesgRaw, looksLikeKmsg } from './kernel-log-line.js';

/** Input formats kvmlog reads. `trace_pipe` output is ftrace text without the header. */
export const FORMATS = ['ftrace', 'dmesg', 'dmesg-raw', 'kmsg'] as const;
export type Format = (typeof FORMATS)[number];

export const FORMAT_HELP: Readonly<Record<Format, string>> = {
  ftrace: 'ftrace text: /sys/kernel/tracing/trace or trace_pipe (tracepoints, kprobes, function tracer)',
  dmesg: 'dmesg: "[   12.345678] message"',
  'dmesg-raw': 'dmesg -r: "<6>[   12.345678] message"',
  kmsg: '/dev/kmsg records: "6,177,731003,-;message"',
};

/** The format of an input from its first lines, or null when none fits. */
export function detectFormat(head: readonly string[]): Format | null {
  const lines = head.filter((l) => l.trim() !== '');
  const votes = new Map<Format, number>();
  for (const l of lines) {
    const f: Format | null = looksLikeKmsg(l)
      ? 'kmsg'
      : looksLikeDmesgRaw(l)
        ? 'dmesg-raw'
        : looksLikeDmesg(l)
          ? 'dmesg'
          : looksLikeFtrace(l)
            ? 'ftrace'
            : null;
    if (f) votes.set(f, (votes.get(f) ?? 0) + 1);
  }
  let best: Format | null = null;
  for (const [f, n] of votes) if (best === null || n > (votes.get(best) ?? 0)) best = f;
  return best;
}
