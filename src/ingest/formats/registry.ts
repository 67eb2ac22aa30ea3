/** The input formats kvmlog reads, how each is recognized, and its reader. */
import { looksLikeFtrace } from './ftrace/grammar.js';
import type { LineReader } from './format.js';
import { JournalJsonReader, SyslogReader, looksLikeJournalJson, looksLikeSyslog } from './journal.js';
import { DmesgReader, KmsgReader, looksLikeDmesg, looksLikeKmsg } from './kernel-log.js';
import { NdjsonReader, looksLikeNdjson } from './ndjson.js';
import { FtraceReader } from './ftrace/reader.js';
import { PerfScriptReader, looksLikePerf } from './perf.js';

export const FORMATS = ['ftrace', 'perf', 'dmesg', 'kmsg', 'syslog', 'journal-json', 'ndjson'] as const;
export type Format = (typeof FORMATS)[number];

export const FORMAT_HELP: Readonly<Record<Format, string>> = {
  ftrace: 'ftrace text: /sys/kernel/tracing/trace or trace_pipe, trace-cmd report; tracepoints, kprobes, function tracer',
  perf: 'perf script output of tracepoints and probes',
  dmesg: 'dmesg, dmesg -r, dmesg -T, a serial console, kdump vmcore-dmesg.txt, makedumpfile --dump-dmesg',
  kmsg: '/dev/kmsg records: "6,177,731003,-;message"',
  syslog: 'syslog files and journalctl -o short, short-precise, short-iso, short-monotonic',
  'journal-json': 'journalctl -o json and -o json-pretty',
  ndjson: "kvmlog's own events (kvmlog events --json), bpftrace -f json output",
};

export function readerFor(format: Format): LineReader {
  switch (format) {
    case 'ftrace':
      return new FtraceReader();
    case 'perf':
      return new PerfScriptReader();
    case 'dmesg':
      return new DmesgReader();
    case 'kmsg':
      return new KmsgReader();
    case 'syslog':
      return new SyslogReader();
    case 'journal-json':
      return new JournalJsonReader();
    case 'ndjson':
      return new NdjsonReader();
  }
}

/** Most specific first: a journal line would also pass for dmesg, a perf line for nothing else. */
const TESTS: readonly (readonly [Format, (line: string) => boolean])[] = [
  ['journal-json', looksLikeJournalJson],
  ['ndjson', looksLikeNdjson],
  ['kmsg', looksLikeKmsg],
  ['syslog', looksLikeSyslog],
  ['dmesg', looksLikeDmesg],
  ['ftrace', looksLikeFtrace],
  ['perf', looksLikePerf],
];

/** The format of an input from its first lines: the one most of them fit, or null when none does. */
export function detectFormat(head: readonly string[]): Format | null {
  const votes = new Map<Format, number>();
  for (const l of head) {
    if (l.trim() === '') continue;
    const hit = TESTS.find(([, test]) => test(l));
    if (hit) votes.set(hit[0], (votes.get(hit[0]) ?? 0) + 1);
  }
  let best: Format | null = null;
  for (const [f, n] of votes) if (best === null || n > (votes.get(best) ?? 0)) best = f;
  return best;
}
