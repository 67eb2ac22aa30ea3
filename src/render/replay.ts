/** `kvmlog replay`: each step as text (the event, what it changed, the findings it raised) or as an NDJSON line. */
import type { ReplayStep } from '../app/replay.js';
import type { Boot } from '../model/boot.js';
import { formatChange } from '../model/diff.js';
import type { Finding } from '../model/rules/rule.js';
import { formatNs } from '../model/time.js';
import { encodeEvent } from '../model/export-line.js';
import { describeEvent } from './events.js';

const INDENT = ' '.repeat(26);

export function replayStepText(s: ReplayStep): string {
  const r = s.record;
  const head = `${formatNs(r.timeNs).padStart(16)}  #${String(r.seq).padEnd(6)} ${describeEvent(r.event)}`;
  const more = [...s.changes.map((c) => `${INDENT}${formatChange(c)}`), ...s.findings.map((f) => `${INDENT}!! ${f.severity} ${f.id}: ${f.message}`)];
  return [head, ...more].join('\n');
}

/** The event as `events --json` prints it, with its changes and findings. */
export function replayStepJson(s: ReplayStep, boot: Boot): string {
  return JSON.stringify({
    ...encodeEvent(s.record, boot.bootWallNs),
    changes: s.changes.map((c) => ({ path: c.path, from: c.from, to: c.to })),
    findings: s.findings.map((f) => ({ id: f.id, rule: f.rule, severity: f.severity, message: f.message })),
  });
}

/** A finding only the boot's end settled. */
export function replayEndText(f: Finding): string {
  return `at the end of the boot: !! ${f.severity} ${f.id}: ${f.message}`;
}

export function replayEndJson(f: Finding): string {
  return JSON.stringify({ finding: f.id, message: f.message });
}
