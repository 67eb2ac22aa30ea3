/**
 * `kvmlog report`: one self-contained HTML page per store — no network, no external script, style or font —
 * with each boot's summary, its CPUs as SVG lanes, the usage count as a step line, the panic, kexec and
 * findings as markers, and the findings with their evidence lines. Hovering a lane segment or an event tick
 * shows the event and its raw input line.
 */
import type { EventRecord } from '../model/event.js';
import type { Finding } from '../model/rules/rule.js';
import type { CpuState } from '../model/state.js';
import { formatNs } from '../model/time.js';
import { type Marker, type Timeline, laneAt } from '../model/timeline.js';
import { formatWall } from '../model/wall.js';
import type { Boot } from '../model/boot.js';
import { describeEvent } from './events.js';
import { GLYPHS, glyphOf } from './timeline-text.js';

export interface ReportBoot {
  readonly boot: Boot;
  readonly timeline: Timeline;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Fill per glyph: the same states as the terminal timeline. */
const FILL: Record<string, string> = { '#': '#8e44ad', '=': '#27ae60', '-': '#bdc3c7', '~': '#d6eaf8', '.': '#f4f6f7', '!': '#e74c3c', '?': '#f9e79f' };
const STATE_TEXT: Record<string, string> = Object.fromEntries(GLYPHS);

const W = 1000;
const LANE = 22;
const LEFT = 70;

export function reportHtml(title: string, boots: readonly ReportBoot[]): string {
  const body = boots.map((b) => bootSection(b)).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1c2833; }
h1 { font-size: 20px; } h2 { font-size: 17px; margin-top: 32px; border-bottom: 1px solid #d5d8dc; }
table.summary td { padding: 1px 12px 1px 0; } table.summary td:first-child { color: #5d6d7e; }
code, .raw { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
svg { display: block; margin: 8px 0; } svg text { font: 11px ui-monospace, monospace; fill: #34495e; }
.seg:hover, .tick:hover { stroke: #000; stroke-width: 1.5; }
.finding { border-left: 4px solid #e74c3c; padding: 4px 10px; margin: 10px 0; background: #fdedec; }
.finding.warning { border-color: #f39c12; background: #fef5e7; }
.evidence { margin: 4px 0 0 0; padding: 0; list-style: none; } .evidence li { white-space: pre-wrap; }
.legend span { display: inline-block; margin-right: 14px; } .legend i { display: inline-block; width: 14px; height: 10px; margin-right: 4px; border: 1px solid #999; }
#hover { position: sticky; bottom: 0; left: 0; right: 0; background: #17202a; color: #eaeded; padding: 6px 12px; font: 12px ui-monospace, monospace; white-space: pre-wrap; min-height: 2.8em; }
</style></head>
<body>
<h1>${esc(title)}</h1>
<div class="legend">${GLYPHS.map(([g, what]) => `<span><i style="background:${FILL[g]}"></i>${esc(what)}</span>`).join('')}<span><i style="background:#2e86c1"></i>kvm_usage_count</span></div>
${body}
<div id="hover">Hover a lane or an event tick for the event and the line it came from.</div>
<script>
// Hover details: the event and its raw input line, from data attributes (no network, nothing external).
document.addEventListener('mouseover', (e) => {
  const el = e.target.closest && e.target.closest('[data-detail]');
  if (el) document.getElementById('hover').textContent = el.getAttribute('data-detail');
});
</script>
</body></html>
`;
}

function bootSection({ boot, timeline: t }: ReportBoot): string {
  const byseq = new Map(t.events.map((e) => [e.seq, e]));
  const zoom = crashWindow(t);
  return `<section data-boot="${esc(boot.id)}">
<h2>Boot ${esc(boot.id)}</h2>
${summary(boot, t)}
${lanesSvg(t, t.firstNs, t.lastNs, `lanes-${boot.id}`, byseq)}
${
  zoom === null
    ? ''
    : `<h3>The crash path: ${formatNs(zoom.from)} s to ${formatNs(zoom.to)} s</h3>
${lanesSvg(t, zoom.from, zoom.to, `zoom-${boot.id}`, byseq)}`
}
${findingsHtml(t.findings, byseq)}
</section>`;
}

/** Where a boot ended in a panic or kexec, the stretch from just before it to the boot's last event. */
function crashWindow(t: Timeline): { from: bigint; to: bigint } | null {
  const ends = t.markers.filter((m) => m.kind === 'panic' || m.kind === 'kexec');
  if (ends.length === 0) return null;
  const first = ends[0]!.atNs;
  const tail = t.lastNs - first;
  const lead = tail / 4n > 1_000_000n ? tail / 4n : 1_000_000n;
  const from = first - lead > t.firstNs ? first - lead : t.firstNs;
  return t.lastNs > from ? { from, to: t.lastNs } : null;
}

function lanesSvg(t: Timeline, fromNs: bigint, toNs: bigint, id: string, byseq: ReadonlyMap<number, EventRecord>): string {
  const span = toNs > fromNs ? toNs - fromNs : 1n;
  const x = (ns: bigint) => LEFT + Number((((ns < fromNs ? fromNs : ns > toNs ? toNs : ns) - fromNs) * BigInt(W - LEFT - 14) * 1000n) / span) / 1000;
  const within = (a: bigint, b: bigint) => b >= fromNs && a <= toNs;
  const height = 30 + t.cpus.length * LANE + 110;
  const laneTop = (i: number) => 24 + i * LANE;
  const usageTop = laneTop(t.cpus.length) + 14;
  const svg: string[] = [];
  svg.push(`<defs><pattern id="unknown-${esc(id)}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fcf3cf"/><line x1="0" y1="0" x2="0" y2="6" stroke="#f4d03f" stroke-width="3"/></pattern></defs>`);
  svg.push(...axis(fromNs, toNs, x));
  t.cpus.forEach((cpu, i) => {
    const y = laneTop(i);
    svg.push(`<g data-lane="cpu${cpu}"><text x="4" y="${y + 15}">CPU ${cpu}</text>`);
    for (const iv of t.lanes.get(cpu) ?? []) {
      if (!within(iv.fromNs, iv.toNs)) continue;
      const g = glyphOf(iv.state);
      const w = Math.max(0.5, x(iv.toNs) - x(iv.fromNs));
      const fill = g === '?' ? `url(#unknown-${esc(id)})` : FILL[g];
      const detail = `CPU ${cpu}: ${STATE_TEXT[g]} (${stateText(iv.state)}) from ${formatNs(iv.fromNs)} s to ${formatNs(iv.toNs)} s${iv.seq === null ? '' : `\n${eventDetail(byseq.get(iv.seq))}`}`;
      svg.push(`<rect class="seg" data-state="${g}" x="${x(iv.fromNs).toFixed(2)}" y="${y + 2}" width="${w.toFixed(2)}" height="${LANE - 6}" fill="${fill}" data-detail="${esc(detail)}"><title>${esc(detail)}</title></rect>`);
    }
    // Past the lane's end, the state the window's last instant left: events stamped at that very instant
    // (the crash path's last disables) change it without taking any width.
    const end = laneAt(t.lanes.get(cpu) ?? [], toNs);
    const endText = `CPU ${cpu} at ${formatNs(toNs)} s, the end of this view: ${STATE_TEXT[glyphOf(end)]} (${stateText(end)})`;
    svg.push(`<rect class="end-state" data-end-state="${glyphOf(end)}" x="${W - 8}" y="${y + 2}" width="6" height="${LANE - 6}" fill="${FILL[glyphOf(end)]}" stroke="#566573" data-detail="${esc(endText)}"><title>${esc(endText)}</title></rect>`);
    for (const e of t.events) {
      if (!('cpu' in e.event) || e.event.cpu !== cpu || !within(e.timeNs, e.timeNs)) continue;
      const d = eventDetail(e);
      svg.push(`<line class="tick" x1="${x(e.timeNs).toFixed(2)}" x2="${x(e.timeNs).toFixed(2)}" y1="${y + LANE - 4}" y2="${y + LANE}" stroke="#1c2833" stroke-width="1.5" data-detail="${esc(d)}"><title>${esc(d)}</title></line>`);
    }
    svg.push('</g>');
  });
  svg.push(...usageLine(t, x, usageTop, fromNs, toNs));
  svg.push(...markers(t.markers.filter((m) => within(m.atNs, m.atNs)), x, 18, usageTop + 50));
  return `<svg id="${esc(id)}" class="lanes" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" role="img" aria-label="CPU lanes, ${formatNs(fromNs)} s to ${formatNs(toNs)} s">
${svg.join('\n')}
</svg>`;
}

function summary(b: Boot, t: Timeline): string {
  const rows: [string, string][] = [
    ['host', b.host],
    ['kernel', `${b.kernel ?? 'unknown'} (era ${b.era ?? 'unknown'})`],
    ['kind', b.kind + (b.previous ? ` (after boot ${b.previous})` : '')],
    ['events', `${t.events.length}, from ${formatNs(t.firstNs)} s to ${formatNs(t.lastNs)} s`],
    ['CPUs', t.cpus.join(', ')],
    ['findings', t.findings.length === 0 ? 'none' : `${t.findings.filter((f) => f.severity === 'error').length} error(s), ${t.findings.filter((f) => f.severity !== 'error').length} other`],
  ];
  if (b.bootWallNs !== null) rows.push(['booted at', formatWall(b.bootWallNs)]);
  return `<table class="summary">${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

function axis(fromNs: bigint, toNs: bigint, x: (ns: bigint) => number): string[] {
  const out: string[] = [];
  const span = toNs - fromNs;
  for (let i = 0; i <= 5; i++) {
    const ns = fromNs + (span * BigInt(i)) / 5n;
    out.push(`<line x1="${x(ns).toFixed(2)}" x2="${x(ns).toFixed(2)}" y1="14" y2="20" stroke="#7f8c8d"/><text x="${x(ns).toFixed(2)}" y="11" text-anchor="${i === 5 ? 'end' : 'middle'}">${formatNs(ns)} s</text>`);
  }
  return out;
}

function usageLine(t: Timeline, x: (ns: bigint) => number, top: number, fromNs: bigint, toNs: bigint): string[] {
  const max = Math.max(1, ...t.usage.map((u) => u.count ?? 0));
  const y = (n: number) => top + 40 - (n / max) * 36;
  const out = [`<g data-usage="1"><text x="4" y="${top + 24}">usage</text>`];
  // The count held at the window's start, then each change inside it.
  let held: number | null = null;
  for (const u of t.usage) if (u.atNs < fromNs) held = u.count ?? 0;
  let d = held === null ? '' : `M${x(fromNs).toFixed(2)},${y(held)}`;
  for (const u of t.usage) {
    if (u.atNs < fromNs || u.atNs > toNs) continue;
    const n = u.count ?? 0;
    d += d === '' ? `M${x(u.atNs).toFixed(2)},${y(n)}` : ` H${x(u.atNs).toFixed(2)} V${y(n)}`;
    held = n;
    const detail = `kvm_usage_count ${u.count ?? 'unknown'} at ${formatNs(u.atNs)} s (#${u.seq})`;
    out.push(`<circle cx="${x(u.atNs).toFixed(2)}" cy="${y(n)}" r="2.5" fill="#2e86c1" data-detail="${esc(detail)}"><title>${esc(detail)}</title></circle>`);
  }
  if (d !== '') d += ` H${x(toNs).toFixed(2)}`;
  out.push(`<path d="${d}" fill="none" stroke="#2e86c1" stroke-width="1.5"/>`, `<text x="${LEFT - 4}" y="${y(max) + 4}" text-anchor="end">${max}</text>`, `<text x="${LEFT - 4}" y="${y(0) + 4}" text-anchor="end">0</text>`, '</g>');
  return out;
}

const MARK_COLOUR: Record<Marker['kind'], string> = { finding: '#e74c3c', panic: '#922b21', kexec: '#922b21', shutdown: '#117a65', system: '#117a65', lost: '#b7950b' };

function markers(ms: readonly Marker[], x: (ns: bigint) => number, top: number, bottom: number): string[] {
  let lastX = -Infinity;
  let row = 0;
  return ms.map((m) => {
    const xm = x(m.atNs);
    // Labels of markers close together go on successive rows instead of over each other.
    row = xm - lastX < 60 ? row + 1 : 0;
    lastX = xm;
    const d = `${m.kind}: ${m.label} at ${formatNs(m.atNs)} s (#${m.seq})`;
    const label = m.kind === 'finding' ? `! ${m.label.split(':')[0]}` : m.kind === 'kexec' ? m.label : m.kind;
    return `<g class="marker" data-marker="${m.kind}" data-detail="${esc(d)}"><line x1="${xm.toFixed(2)}" x2="${xm.toFixed(2)}" y1="${top}" y2="${bottom + row * 12}" stroke="${MARK_COLOUR[m.kind]}" stroke-dasharray="${m.kind === 'finding' ? '2,2' : '5,2'}" stroke-width="1.5"/><title>${esc(d)}</title><text x="${xm.toFixed(2)}" y="${bottom + 12 + row * 12}" text-anchor="${xm > W - 150 ? 'end' : 'middle'}" fill="${MARK_COLOUR[m.kind]}">${esc(label)}</text></g>`;
  });
}

function findingsHtml(fs: readonly Finding[], byseq: ReadonlyMap<number, EventRecord>): string {
  if (fs.length === 0) return '<p class="no-findings">No findings: no rule of this kernel era fired.</p>';
  return `<h3>Findings</h3>${fs
    .map(
      (f) => `<div class="finding ${f.severity}" data-finding="${esc(f.id)}"><b>${esc(f.rule)}</b> (${f.severity}) at ${formatNs(f.atNs)} s${f.cpu === null ? '' : `, CPU ${f.cpu}`}: ${esc(f.message)}<br><small>${esc(f.reason)}</small>
<ul class="evidence">${f.events
        .map((s) => byseq.get(s))
        .filter((e): e is EventRecord => e !== undefined)
        .map((e) => `<li class="raw">#${e.seq} ${esc(formatNs(e.timeNs))} ${esc(describeEvent(e.event))}\n  ${esc(e.provenance.path)}:${e.provenance.line}: ${esc(e.provenance.raw.trim())}</li>`)
        .join('')}</ul></div>`,
    )
    .join('\n')}`;
}

function stateText(s: CpuState): string {
  return `online ${s.online ?? 'unknown'}, virt ${s.virt}, tdx ${s.tdx ?? 'unknown'}`;
}

function eventDetail(e: EventRecord | undefined): string {
  if (e === undefined) return '';
  return `#${e.seq} ${formatNs(e.timeNs)} s ${describeEvent(e.event)}\n${e.provenance.path}:${e.provenance.line}: ${e.provenance.raw.trim()}`;
}
