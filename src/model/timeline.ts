/**
 * A boot as a picture's data: for each CPU, the intervals during which its state (online, virt, TDX) held
 * constant — unknown included — and the usage count as steps, with the moments worth marking (panic, kexec,
 * shutdown, lost records, findings). Built in one pass over the walk's steps, as a state provider would;
 * the terminal timeline, the HTML report and the Perfetto export all draw from it. Pure.
 */
import type { EventRecord } from './event.js';
import type { Finding, Severity } from './rules/rule.js';
import { type CpuState, UNKNOWN_CPU } from './state.js';
import type { WalkStep } from './walk.js';

export interface Interval {
  readonly fromNs: bigint;
  /** End of the interval: the next change, or the end of what the boot shows. */
  readonly toNs: bigint;
  readonly state: CpuState;
  /** The event that began it; null for the unknown stretch before anything was seen. */
  readonly seq: number | null;
}

export interface UsageStep {
  readonly atNs: bigint;
  readonly count: number | null;
  readonly seq: number;
}

export type MarkerKind = 'panic' | 'kexec' | 'shutdown' | 'system' | 'lost' | 'finding';

export interface Marker {
  readonly atNs: bigint;
  readonly kind: MarkerKind;
  readonly label: string;
  readonly cpu: number | null;
  /** The event it marks (for a finding: the event that raised it). */
  readonly seq: number;
  readonly severity?: Severity | undefined;
}

export interface Timeline {
  readonly firstNs: bigint;
  readonly lastNs: bigint;
  readonly cpus: readonly number[];
  readonly lanes: ReadonlyMap<number, readonly Interval[]>;
  readonly usage: readonly UsageStep[];
  readonly markers: readonly Marker[];
  readonly findings: readonly Finding[];
  /** Every event, for hover details and per-CPU ticks. */
  readonly events: readonly EventRecord[];
}

const sameCpu = (a: CpuState, b: CpuState) => a.online === b.online && a.virt === b.virt && a.tdx === b.tdx;

function markerOf(r: EventRecord): Marker | null {
  const e = r.event;
  const at = { atNs: r.timeNs, seq: r.seq, cpu: null };
  switch (e.type) {
    case 'panic':
      return { ...at, kind: 'panic', label: `panic: ${e.message}` };
    case 'kexec.start':
      return { ...at, kind: 'kexec', label: e.kind === 'crash' ? 'crash kexec (into kdump)' : 'kexec' };
    case 'kvm.shutdown':
      return { ...at, kind: 'shutdown', label: 'kvm_shutdown' };
    case 'system.state':
      return { ...at, kind: 'system', label: `system ${e.state}` };
    case 'trace.lost':
      return { ...at, kind: 'lost', label: `trace lost ${e.count ?? 'some'} events`, cpu: e.cpu };
    default:
      return null;
  }
}

/** Folds the walk of one boot (every step, then its end findings) into the timeline. */
export function buildTimeline(steps: Iterable<WalkStep>, endFindings: () => readonly Finding[]): Timeline {
  const events: EventRecord[] = [];
  const markers: Marker[] = [];
  const usage: UsageStep[] = [];
  const open = new Map<number, { fromNs: bigint; state: CpuState; seq: number | null }>();
  const lanes = new Map<number, Interval[]>();
  let firstNs: bigint | null = null;
  let lastNs = 0n;
  const findings: Finding[] = [];
  const finding = (f: Finding) =>
    findings.push(f) &&
    markers.push({ atNs: f.atNs, kind: 'finding', label: `${f.rule}: ${f.message}`, cpu: f.cpu, seq: f.events[f.events.length - 1] ?? 0, severity: f.severity });
  for (const step of steps) {
    const r = step.record;
    events.push(r);
    firstNs ??= r.timeNs;
    if (r.timeNs > lastNs) lastNs = r.timeNs;
    const m = markerOf(r);
    if (m) markers.push(m);
    for (const f of step.findings) finding(f);
    if (step.before.kvm.usageCount !== step.after.kvm.usageCount) usage.push({ atNs: r.timeNs, count: step.after.kvm.usageCount, seq: r.seq });
    for (const cpu of new Set([...step.before.cpus.keys(), ...step.after.cpus.keys()])) {
      const now = step.after.cpus.get(cpu) ?? UNKNOWN_CPU;
      const cur = open.get(cpu);
      if (cur === undefined) {
        // Before its first event the CPU's state is unknown, from the boot's first event on.
        lanes.set(cpu, firstNs < r.timeNs ? [{ fromNs: firstNs, toNs: r.timeNs, state: UNKNOWN_CPU, seq: null }] : []);
        open.set(cpu, { fromNs: r.timeNs, state: now, seq: r.seq });
      } else if (!sameCpu(cur.state, now)) {
        lanes.get(cpu)!.push({ fromNs: cur.fromNs, toNs: r.timeNs, state: cur.state, seq: cur.seq });
        open.set(cpu, { fromNs: r.timeNs, state: now, seq: r.seq });
      }
    }
  }
  for (const f of endFindings()) finding(f);
  for (const [cpu, cur] of open) lanes.get(cpu)!.push({ fromNs: cur.fromNs, toNs: lastNs, state: cur.state, seq: cur.seq });
  markers.sort((a, b) => (a.atNs < b.atNs ? -1 : a.atNs > b.atNs ? 1 : a.seq - b.seq));
  return { firstNs: firstNs ?? 0n, lastNs, cpus: [...lanes.keys()].sort((a, b) => a - b), lanes, usage, markers, findings, events };
}

/** A CPU's state at an instant, from its lane: the interval holding it (the last one starting at or before). */
export function laneAt(lane: readonly Interval[], atNs: bigint): CpuState {
  let found: CpuState = UNKNOWN_CPU;
  for (const i of lane) {
    if (i.fromNs > atNs) break;
    found = i.state;
  }
  return found;
}
