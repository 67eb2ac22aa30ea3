/** `kvmlog spans`: the intervals as a table, or NDJSON (one span a line). */
import type { SpansView } from '../app/spans.js';
import { formatNs } from '../model/time.js';
import { table } from './table.js';

export function spansJson(v: SpansView): string[] {
  return v.spans.map((s) => JSON.stringify({ boot: v.boot.id, cpu: s.cpu, kind: s.kind, fromNs: s.fromNs.toString(), toNs: s.toNs?.toString() ?? null, fromSeq: s.fromSeq, toSeq: s.toSeq }));
}

export function spansText(v: SpansView): string {
  return table(
    ['CPU', 'KIND', 'FROM (s)', 'TO (s)', 'EVENTS'],
    v.spans.map((s) => [s.cpu, s.kind, formatNs(s.fromNs), s.toNs === null ? 'open' : formatNs(s.toNs), `#${s.fromSeq}..${s.toSeq === null ? '' : `#${s.toSeq}`}`]),
  );
}
