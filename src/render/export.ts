/** kvmlog's own events as files for other tools: NDJSON (re-importable, with the hash chain) and CSV. */
import { stringify } from 'csv-stringify/sync';
import type { EventRecord } from '../model/event.js';
import type { Boot } from '../model/boot.js';
import type { ExportedBoot } from '../app/export.js';
import { encodeBootHeader, encodeEvent } from '../model/export-line.js';

const ndjsonLine = (r: EventRecord, b: Boot): string => JSON.stringify(encodeEvent(r, b.bootWallNs));

export const CSV_COLUMNS = ['seq', 'boot', 'time_ns', 'cpu', 'type', 'fields', 'source', 'source_sha256', 'line', 'raw', 'hash'] as const;

export function csvHeader(): string {
  return stringify([[...CSV_COLUMNS]], { eof: false });
}

/** One event as a CSV row (RFC 4180 quoting); `fields` is the event's own fields as JSON. */
export function csvRow(r: EventRecord): string {
  const { type, ...fields } = r.event;
  const cpu = 'cpu' in fields && typeof fields.cpu === 'number' ? fields.cpu : '';
  return stringify([[r.seq, r.boot, r.timeNs.toString(), cpu, type, JSON.stringify(fields), r.provenance.path, r.provenance.sourceSha256, r.provenance.line, r.provenance.raw, r.chain?.hash ?? '']], { eof: false });
}

/** Every line of an NDJSON (a boot header, then its events, per boot) or CSV (a header, then a row per event) export. */
export function exportLines(format: 'ndjson' | 'csv', boots: readonly ExportedBoot[]): string[] {
  const lines = format === 'csv' ? [csvHeader()] : [];
  for (const { boot, events } of boots) {
    if (format === 'ndjson') lines.push(encodeBootHeader(boot));
    for (const r of events) lines.push(format === 'ndjson' ? ndjsonLine(r, boot) : csvRow(r));
  }
  return lines;
}

/** A reproducer (`kvmlog reproduce`): the boot's header, then the events kept, without wall-clock times. */
export function reproducerLines(boot: Boot, events: readonly EventRecord[]): string[] {
  return [encodeBootHeader(boot), ...events.map((e) => JSON.stringify(encodeEvent(e, null)))];
}
