import type { BootFindings, Explained } from '../app/diagnose.js';
import type { EventRecord } from '../model/event.js';
import { firstSighting } from '../model/export-line.js';
import type { Finding } from '../model/rules/rule.js';
import { type HostState, cpuState } from '../model/state.js';
import { formatNs } from '../model/time.js';
import { describeEvent } from './events.js';
import { table } from './table.js';

/** The `check --json` contract (DESIGN.md), plus each finding's kernel reason. */
export function findingsJson(all: readonly BootFindings[]): object {
  return {
    findings: all.flatMap(({ findings }) =>
      findings.map((f) => ({
        id: f.id,
        rule: f.rule,
        severity: f.severity,
        boot: f.boot,
        atNs: f.atNs.toString(),
        cpu: f.cpu,
        message: f.message,
        reason: f.reason,
        events: f.events,
      })),
    ),
  };
}

export function findingsText(all: readonly BootFindings[]): string {
  const rows = all.flatMap(({ findings }) => findings.map((f) => [f.severity.toUpperCase(), f.id, f.boot.slice(0, 12), formatNs(f.atNs), f.cpu ?? '-', f.message]));
  const counted = all.map(({ boot, findings }) => `${boot.id}: ${findings.length} finding${findings.length === 1 ? '' : 's'}`).join('\n');
  if (rows.length === 0) return `no findings\n${counted}`;
  return `${table(['SEVERITY', 'FINDING', 'BOOT', 'AT (s)', 'CPU', 'WHAT'], rows)}\n\n${counted}\nkvmlog explain FINDING shows the evidence.`;
}

export function explainText(l: Explained): string {
  const around = l;
  const f: Finding = l.finding;
  const bySeq = new Map(l.events.map((e) => [e.seq, e]));
  const evidence = f.events.map((s) => bySeq.get(s)!).filter(Boolean);
  const cpus = [...new Set([f.cpu, ...evidence.map((e) => ('cpu' in e.event ? e.event.cpu : null))].filter((c): c is number => c !== null))];
  const lines = [
    `${f.severity.toUpperCase()} ${f.id}: ${f.message}`,
    `boot ${f.boot}, at ${formatNs(f.atNs)} s since boot${f.cpu === null ? '' : `, CPU ${f.cpu}`}`,
    `why it matters: ${f.reason}`,
    '',
    'evidence, as it stood in the input:',
    ...evidence.flatMap((e: EventRecord) => [`  #${e.seq} ${formatNs(e.timeNs)} ${describeEvent(e.event)}`, ...provenanceLines(e)]),
  ];
  if (cpus.length > 0) {
    lines.push('', 'CPU state just before and after the triggering event:');
    lines.push(
      table(
        ['CPU', 'ONLINE', 'VIRT', 'TDX'],
        cpus.flatMap((c) => {
          const b = cpuState(around.before, c);
          const a = cpuState(around.after, c);
          const word = (v: boolean | string | null, yes: string, no: string) => (v === null ? 'unknown' : v === true ? yes : v === false ? no : v);
          const show = (x: boolean | string | null, y: boolean | string | null, yes = '', no = '') =>
            x === y ? word(x, yes, no) : `${word(x, yes, no)} -> ${word(y, yes, no)}`;
          return [[c, show(b.online, a.online, 'online', 'offline'), show(b.virt, a.virt), show(b.tdx, a.tdx, 'initialized', 'no')]];
        }),
      ),
    );
  }
  lines.push(`usage count ${around.before.kvm.usageCount ?? 'unknown'}${around.after.kvm.usageCount !== around.before.kvm.usageCount ? ` -> ${around.after.kvm.usageCount ?? 'unknown'}` : ''}`);
  return lines.join('\n');
}

/**
 * Where an event came from. An event re-imported from kvmlog NDJSON (a reproducer, an export) carries the
 * line it was first read from: show both.
 */
function provenanceLines(e: EventRecord): string[] {
  const here = `    ${e.provenance.path}:${e.provenance.line}: ${e.provenance.raw.trim()}`;
  const first = firstSighting(e.provenance.raw);
  if (first === null) return [here];
  return [`    ${first.path}:${String(first.line)}: ${first.raw.trim()}`, `    (re-imported from ${e.provenance.path}:${e.provenance.line})`];
}

/** `explain --json`: the finding as `check --json` prints it, with each piece of evidence as it stood in the input. */
export function explainJson(l: Explained): object {
  const bySeq = new Map(l.events.map((e) => [e.seq, e]));
  const evidence = l.finding.events.map((s) => {
    const e = bySeq.get(s)!;
    return { seq: s, timeNs: e.timeNs.toString(), ...e.event, source: { path: e.provenance.path, line: e.provenance.line }, raw: e.provenance.raw };
  });
  return { ...(findingsJson([{ boot: l.boot, findings: [l.finding] }]) as { findings: object[] }).findings[0], evidence };
}
