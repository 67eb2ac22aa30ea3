/** kvmlog's own events as files for other tools: NDJSON (re-importable, with the hash chain) and CSV. */
import { stringify } from 'csv-stringify/sync';
import type { EventRecord } from '../model/event.js';
import type { BootRow } from '../store/read.js';
import { eventJson } from './events.js';

/** The header line of a boot in kvmlog NDJSON: what an import needs to place its events (as `reproduce` writes). */
export function bootHeader(b: BootRow): string {
  return JSON.stringify({ type: 'kvmlog.boot', boot: b.id, kernel: b.kernel, era: b.era, host: b.host, kind: b.kind });
}

export const ndjsonLine = (r: EventRecord, b: BootRow): string => JSON.stringify(eventJson(r, b.bootWallNs));

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
