/**
 * Chrome trace-event JSON (the format ui.perfetto.dev and chrome://tracing open): a process per boot, a track
 * per CPU and state kind with its intervals as complete ("X") events, the usage count as a counter ("C"), and
 * the panic, kexec, shutdown and findings as instant ("i") events. Times in microseconds, as the format says;
 * the nanoseconds stay exact in each event's args.
 */
import type { CpuState } from '../model/state.js';
import type { BootTimeline } from '../app/timeline.js';
import type { Interval, Timeline } from '../model/timeline.js';

export interface TraceEvent {
  readonly ph: 'X' | 'C' | 'i' | 'M';
  readonly name: string;
  readonly pid: number;
  readonly tid?: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly s?: 'g' | 'p' | 't';
  readonly args?: Record<string, unknown>;
}

const KINDS = [
  { key: 'online', track: 'online', value: (s: CpuState) => (s.online === true ? 'online' : s.online === null ? 'unknown' : null) },
  { key: 'virt', track: 'virt (post-VMXON / SVME)', value: (s: CpuState) => (s.virt === 'on' ? 'post-VMXON' : s.virt === 'unknown' ? 'unknown' : null) },
  { key: 'tdx', track: 'TDX LP-init', value: (s: CpuState) => (s.tdx === true ? 'TDX LP-initialized' : s.tdx === null ? 'unknown' : null) },
] as const;

/** Microseconds from nanoseconds, without going through a double until the end. */
export const us = (ns: bigint): number => Number(ns / 1000n) + Number(ns % 1000n) / 1000;

export function perfettoEvents(boots: readonly { readonly label: string; readonly timeline: Timeline }[]): TraceEvent[] {
  const out: TraceEvent[] = [];
  boots.forEach(({ label, timeline: t }, b) => {
    const pid = b + 1;
    out.push({ ph: 'M', name: 'process_name', pid, args: { name: label } });
    out.push({ ph: 'M', name: 'process_sort_index', pid, args: { sort_index: pid } });
    for (const cpu of t.cpus) {
      KINDS.forEach((kind, k) => {
        const tid = 1 + cpu * KINDS.length + k;
        out.push({ ph: 'M', name: 'thread_name', pid, tid, args: { name: `CPU ${cpu} ${kind.track}` } });
        out.push({ ph: 'M', name: 'thread_sort_index', pid, tid, args: { sort_index: tid } });
        for (const slice of slices(t.lanes.get(cpu) ?? [], kind.value)) {
          out.push({
            ph: 'X',
            name: slice.value,
            pid,
            tid,
            ts: us(slice.fromNs),
            dur: us(slice.toNs - slice.fromNs),
            args: { cpu, fromNs: slice.fromNs.toString(), toNs: slice.toNs.toString(), fromSeq: slice.fromSeq, toSeq: slice.toSeq },
          });
        }
      });
    }
    for (const u of t.usage) out.push({ ph: 'C', name: 'kvm_usage_count', pid, ts: us(u.atNs), args: { usage: u.count ?? 0, ...(u.count === null ? { unknown: 1 } : {}) } });
    for (const m of t.markers) {
      out.push({
        ph: 'i',
        s: 'p',
        name: m.kind === 'finding' ? m.label.split(':')[0]! : m.label,
        pid,
        tid: 0,
        ts: us(m.atNs),
        args: { seq: m.seq, kind: m.kind, atNs: m.atNs.toString(), label: m.label, ...(m.cpu === null ? {} : { cpu: m.cpu }), ...(m.severity ? { severity: m.severity } : {}) },
      });
    }
  });
  return out;
}

/** The stretches of a lane where one kind holds one value (adjacent intervals with the same value merged). */
function slices(lane: readonly Interval[], value: (s: CpuState) => string | null): { value: string; fromNs: bigint; toNs: bigint; fromSeq: number | null; toSeq: number | null }[] {
  const out: { value: string; fromNs: bigint; toNs: bigint; fromSeq: number | null; toSeq: number | null }[] = [];
  let cur: (typeof out)[number] | null = null;
  for (const i of lane) {
    const v = value(i.state);
    if (cur !== null && cur.value === v) {
      cur.toNs = i.toNs;
      continue;
    }
    if (cur !== null) {
      cur.toNs = i.fromNs;
      cur.toSeq = i.seq;
      out.push(cur);
    }
    cur = v === null ? null : { value: v, fromNs: i.fromNs, toNs: i.toNs, fromSeq: i.seq, toSeq: null };
  }
  if (cur !== null) out.push(cur);
  return out;
}

/** The whole export: one document, a process per boot. */
export function perfettoDocument(boots: readonly BootTimeline[]): string {
  const events = perfettoEvents(boots.map(({ boot: b, timeline }) => ({ label: `boot ${b.id} ${b.kernel ?? ''} (${b.kind})`.replace(/\s+/g, ' '), timeline })));
  return JSON.stringify({ displayTimeUnit: 'ns', traceEvents: events });
}
