import type { ImportResult } from '../app/import-files.js';
import type { ClockBlock } from '../import/sink.js';
import { CAPTURE_CLOCK, DUMP_CLOCK } from '../model/sightings.js';

/** The `import --json` contract (DESIGN.md), plus `status` so a skipped duplicate is visible. */
export function importJson(results: readonly ImportResult[]): object {
  return {
    files: results.map((r) =>
      r.kind === 'imported'
        ? {
            file: r.file,
            status: 'imported',
            format: r.summary.format,
            lines: r.summary.lines,
            events: r.summary.events,
            duplicates: r.summary.duplicates,
            boots: r.summary.boots,
            warnings: r.summary.warnings.map((w) => ({ line: w.line, message: w.message })),
            clocks: r.summary.clocks.map(clockJson),
            merged: r.summary.merges.map((m) => ({ boot: m.from, into: m.into, offsetNs: m.offsetNs.toString(), spreadNs: m.spreadNs.toString(), evidence: m.evidence, events: m.events })),
          }
        : { file: r.file, status: 'already-imported', format: null, lines: 0, events: 0, duplicates: 0, boots: [], warnings: [], clocks: [], merged: [] },
    ),
  };
}

/** Nanoseconds as a decimal string, as everywhere in --json (they exceed 2^53). */
function clockJson(c: ClockBlock): object {
  const ns = (v: bigint | null) => (v === null ? null : v.toString());
  return { boot: c.boot, clock: c.clock, firstLine: c.firstLine, lastLine: c.lastLine, events: c.events, placed: c.placed, offsetNs: ns(c.offsetNs), spreadNs: ns(c.spreadNs), evidence: c.evidence };
}

const CLOCK_WORDS: Readonly<Record<string, string>> = {
  [DUMP_CLOCK]: 'the ftrace buffer dumped at the oops (ftrace_dump_on_oops), stamped on the trace clock',
  [CAPTURE_CLOCK]: 'a trace printed into the console, stamped on its trace clock',
};

function clockText(file: string, c: ClockBlock): string {
  const what = `  ${file}:${c.firstLine}-${c.lastLine}: ${CLOCK_WORDS[c.clock] ?? `records on clock ${c.clock}`}`;
  if (c.offsetNs === null) {
    return `${what}: not placed on boot ${c.boot}'s kernel time (its other captures share too few of its records to say where); its ${c.events} events stay on clock ${c.clock}`;
  }
  const stay = c.events - c.placed;
  const rest = stay === 0 ? '' : `; ${stay} of its ${c.events} events lie outside that evidence and stay on clock ${c.clock}`;
  return `${what}: placed on boot ${c.boot}'s kernel time at ${signedMs(c.offsetNs)} ms (evidence within ± ${ms(c.spreadNs ?? 0n)} ms), from ${c.evidence} records its other captures hold${rest}`;
}

const ms = (ns: bigint): string => {
  const a = ns < 0n ? -ns : ns;
  return `${a / 1_000_000n}.${(a % 1_000_000n).toString().padStart(6, '0')}`;
};
const signedMs = (ns: bigint): string => `${ns < 0n ? '-' : '+'}${ms(ns)}`;

const MAX_WARNINGS_SHOWN = 20;

export function importText(r: ImportResult): string {
  if (r.kind === 'already-imported') {
    return `${r.file}: already imported (same content as ${r.previousPath}, ${r.importedAt}); nothing appended`;
  }
  const s = r.summary;
  const dup = s.duplicates > 0 ? ` (${s.duplicates} more already stored from another capture of the same boot)` : '';
  const lines = [
    `${r.file}: ${s.format}, ${s.lines} lines: ${s.events} events${dup} in boot${s.boots.length === 1 ? '' : 's'} ${s.boots.join(', ') || '(none)'}; ` +
      `${s.context} lifecycle lines recorded through other lines, ${s.other} other lines, ${s.warnings.length} warnings`,
  ];
  for (const c of s.clocks) lines.push(clockText(r.file, c));
  for (const m of s.merges) {
    lines.push(
      `  boot ${m.from}, stored before from an input that named no boot, is boot ${m.into}: its clock at ${signedMs(m.offsetNs)} ms ` +
        `(evidence within ± ${ms(m.spreadNs)} ms) from ${m.evidence} facts and lines both hold; its ${m.events} events moved there`,
    );
  }
  for (const w of s.warnings.slice(0, MAX_WARNINGS_SHOWN)) lines.push(`  warning: ${r.file}:${w.line}: ${w.message}`);
  if (s.warnings.length > MAX_WARNINGS_SHOWN) lines.push(`  … ${s.warnings.length - MAX_WARNINGS_SHOWN} more (--json lists all)`);
  return lines.join('\n');
}
