/**
 * The timeline in a terminal: one lane per CPU, a column per slice of the window, a glyph per state — ASCII,
 * readable without colour and pasteable into a bug report; coloured on a terminal.
 */
import type { TimelineWindow } from '../app/timeline.js';
import type { CpuState } from '../model/state.js';
import { formatNs } from '../model/time.js';
import { type Interval, type Marker, type Timeline, laneAt } from '../model/timeline.js';

export const GLYPHS: readonly (readonly [string, string])[] = [
  ['#', 'post-VMXON and TDX LP-initialized'],
  ['=', 'post-VMXON (virt on)'],
  ['-', 'online, virt off'],
  ['~', 'online, virt unknown'],
  ['.', 'offline'],
  ['!', 'offline while post-VMXON'],
  ['?', 'unknown (nothing seen yet, or lost)'],
];

export function glyphOf(s: CpuState): string {
  if (s.virt === 'on') return s.online === false ? '!' : s.tdx === true ? '#' : '=';
  if (s.online === false) return '.';
  if (s.online === true) return s.virt === 'off' ? '-' : '~';
  return '?';
}

const MARKS: Record<Marker['kind'], string> = { finding: '!', panic: 'P', kexec: 'K', shutdown: 'S', system: 'Z', lost: 'L' };
const PRIORITY: readonly Marker['kind'][] = ['finding', 'panic', 'kexec', 'shutdown', 'system', 'lost'];

const COLOURS: Record<string, string> = { '#': '35', '=': '32', '-': '2', '~': '2', '.': '2', '!': '31', '?': '33', P: '31;1', K: '31;1', S: '36', Z: '36', L: '33' };
const paint = (text: string, colour: boolean) => (colour ? text.replace(/[#=\-~.!?PKSZL]/g, (g) => `\x1b[${COLOURS[g]}m${g}\x1b[0m`) : text);

export interface TextOptions {
  readonly fromNs: bigint;
  readonly toNs: bigint;
  /** Columns for the whole line, labels included. */
  readonly width: number;
  readonly colour: boolean;
  readonly title: string;
}

const LABEL = 9;

/** The state that held for most of [from, to) in a lane. */
function dominant(lane: readonly Interval[], from: bigint, to: bigint): CpuState | null {
  let best: CpuState | null = null;
  let bestLen = -1n;
  for (const i of lane) {
    if (i.toNs < from || i.fromNs >= to) continue;
    const len = (i.toNs < to ? i.toNs : to) - (i.fromNs > from ? i.fromNs : from);
    if (len > bestLen) [best, bestLen] = [i.state, len];
  }
  return best;
}

/** `kvmlog timeline`: a boot's window, titled with the boot. */
export function timelineWindowText(v: TimelineWindow, o: { readonly width: number; readonly colour: boolean }): string {
  const b = v.boot;
  const title = `boot ${b.id} (${b.kernel ?? 'kernel unknown'}, era ${b.era ?? 'unknown'}, ${b.kind})`;
  return timelineText(v.timeline, { fromNs: v.fromNs, toNs: v.toNs, width: o.width, colour: o.colour, title });
}

export function timelineText(t: Timeline, o: TextOptions): string {
  const cols = Math.max(10, o.width - LABEL - 2);
  const span = o.toNs > o.fromNs ? o.toNs - o.fromNs : 1n;
  const colNs = (span + BigInt(cols) - 1n) / BigInt(cols);
  const colOf = (ns: bigint) => Number((ns - o.fromNs) / colNs);
  const edges = Array.from({ length: cols + 1 }, (_, i) => o.fromNs + colNs * BigInt(i));
  const lines: string[] = [o.title, `${formatNs(o.fromNs)} s … ${formatNs(o.toNs)} s, one column = ${formatNs(colNs)} s`];
  lines.push(`${''.padEnd(LABEL)}${axis(cols, o.fromNs, o.toNs, colNs)}`);
  for (const cpu of t.cpus) {
    const lane = t.lanes.get(cpu) ?? [];
    let row = '';
    for (let c = 0; c < cols; c++) {
      const s = dominant(lane, edges[c]!, edges[c + 1]!);
      row += s === null ? ' ' : glyphOf(s);
    }
    // After the bar, the state at the window's end: what the last instant left (several events may share it).
    lines.push(`${`CPU ${cpu}`.padEnd(LABEL)}${paint(row, o.colour)}|${paint(glyphOf(laneAt(lane, o.toNs)), o.colour)}`);
  }
  let usage = '';
  for (let c = 0; c < cols; c++) {
    const at = edges[c + 1]! - 1n;
    let n: number | null | undefined;
    for (const u of t.usage) if (u.atNs <= at) n = u.count;
    usage += n === undefined ? ' ' : n === null ? '?' : n > 9 ? '+' : String(n);
  }
  lines.push(`${'usage'.padEnd(LABEL)}${usage}`);
  const inWindow = t.markers.filter((m) => m.atNs >= o.fromNs && m.atNs <= o.toNs);
  const marks = Array.from({ length: cols }, () => ' ');
  for (const m of inWindow) {
    const c = Math.min(cols - 1, colOf(m.atNs));
    const cur = marks[c]!;
    const kind = PRIORITY.find((k) => MARKS[k] === cur);
    if (cur === ' ' || (kind !== undefined && PRIORITY.indexOf(m.kind) < PRIORITY.indexOf(kind))) marks[c] = MARKS[m.kind];
  }
  lines.push(`${'events'.padEnd(LABEL)}${paint(marks.join(''), o.colour)}`);
  lines.push('');
  lines.push(`legend: ${GLYPHS.map(([g, what]) => `${paint(g, o.colour)} ${what}`).join('   ')}`);
  lines.push(`        |x: the state at the end of the window   usage: kvm_usage_count (+ above 9)   events: ${PRIORITY.map((k) => `${paint(MARKS[k], o.colour)} ${k}`).join('  ')}`);
  if (inWindow.length > 0) {
    lines.push('');
    for (const m of inWindow) lines.push(`${paint(MARKS[m.kind], o.colour)} ${formatNs(m.atNs).padStart(16)}  #${String(m.seq).padEnd(6)} ${m.cpu === null ? '' : `CPU ${m.cpu}: `}${m.label}`);
  }
  return lines.join('\n');
}

/** Tick marks with the time at a few columns. */
function axis(cols: number, from: bigint, to: bigint, colNs: bigint): string {
  const out = Array.from({ length: cols }, () => ' ');
  const every = Math.max(14, Math.floor(cols / 5));
  for (let c = 0; c + 10 < cols && from + colNs * BigInt(c) <= to; c += every) {
    const label = `|${formatNs(from + colNs * BigInt(c))}`;
    for (let i = 0; i < label.length && c + i < cols; i++) out[c + i] = label[i]!;
  }
  return out.join('');
}
