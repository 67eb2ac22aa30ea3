/** `kvmlog verify`: the store's or an export's verdict, as a line or as JSON. */
import type { ExportVerdict, StoreVerdict } from '../app/verify.js';
import { formatNs } from '../model/time.js';

export function storeVerdictJson(v: StoreVerdict): object {
  const first = v.kind === 'broken' ? { ...v.first, timeNs: v.first.timeNs.toString() } : null;
  return { intact: v.kind === 'intact', events: v.events, head: v.kind === 'intact' ? v.head : null, first };
}

export function storeVerdictText(db: string, v: StoreVerdict): string {
  if (v.kind === 'intact') return `${db}: ${v.events} events, hash chain intact; head ${v.head}`;
  const f = v.first;
  return `${db}: event #${f.seq} (boot ${f.boot}, ${formatNs(f.timeNs)} s, ${f.path}:${f.line}): ${f.why}`;
}

export function exportVerdictJson(file: string, v: ExportVerdict): object {
  return { file, intact: v.first === null, verified: v.verified, links: v.links, complete: v.complete, first: v.first };
}

export function exportVerdictText(file: string, v: ExportVerdict): string {
  if (v.first === null) {
    return `${file}: ${v.verified} events match their hashes; ${v.links} links checked; ${v.complete ? 'the whole chain from its first event' : 'part of a chain (not from its first event, or with gaps)'}`;
  }
  return `${file}:${v.first.line}: ${v.first.seq === null ? '' : `event #${v.first.seq}: `}${v.first.why}`;
}
