/**
 * `kvmlog verify`: the store's hash chain recomputed from the first event to the last, or an export's hashes
 * checked without the store. Names the first event that does not match.
 */
import { stat } from 'node:fs/promises';
import { KvmlogError } from '../errors.js';
import { readLineBatches } from '../ingest/lines.js';
import { BOOT_HEADER_TYPE, eventPart } from '../model/export-line.js';
import type { EventType, LifecycleEvent } from '../model/event.js';
import { GENESIS, chainHash } from '../model/chain.js';
import { chainRows } from '../store/chain-rows.js';
import type { Store } from '../store/db.js';

export interface Mismatch {
  readonly seq: number;
  readonly boot: string;
  readonly timeNs: bigint;
  readonly path: string;
  readonly line: number;
  readonly why: string;
}

export type StoreVerdict =
  | { readonly kind: 'intact'; readonly events: number; readonly head: string }
  | { readonly kind: 'broken'; readonly events: number; readonly first: Mismatch };

/** Walks every event in the order it was appended; the caller holds one read snapshot. */
export function verifyStore(store: Store): StoreVerdict {
  let prev = GENESIS;
  let events = 0;
  for (const r of chainRows(store)) {
    events++;
    const mismatch = (why: string): StoreVerdict => ({ kind: 'broken', events, first: { seq: r.seq, boot: r.boot, timeNs: r.timeNs, path: r.path, line: r.line, why } });
    if (r.hash === null) return mismatch('it has no hash: it was written around kvmlog');
    let event: LifecycleEvent;
    try {
      event = { type: r.type as EventType, ...(JSON.parse(r.fields) as object) } as LifecycleEvent;
    } catch {
      return mismatch('its fields are not JSON: the event was changed');
    }
    const hash = chainHash(prev, { boot: r.boot, timeNs: r.timeNs, clock: r.clock, uncertaintyNs: r.uncertaintyNs, event, source: r.source, line: r.line, raw: r.raw });
    if (hash !== r.hash) return mismatch('its hash does not match its content and the event before it: this event, or one before it, was changed, removed or reordered');
    prev = r.hash;
  }
  return { kind: 'intact', events, head: prev };
}

export interface ExportVerdict {
  /** Lines that carried a chain and matched it. */
  readonly verified: number;
  /** Events that follow each other in the file's seq order and link (prev = the earlier one's hash). */
  readonly links: number;
  /** True when the export holds the whole chain: from the first event ever appended, with no gap. */
  readonly complete: boolean;
  readonly first: { readonly line: number; readonly seq: number | null; readonly why: string } | null;
}

/**
 * An export (`events --json`, `export --format ndjson`): each event's hash must equal the hash of its `prev`
 * and its content, and events adjacent in the chain must link. Needs nothing from the store; reads the file as
 * a stream and keeps only each event's seq and hashes.
 */
export async function verifyExport(path: string): Promise<ExportVerdict> {
  const seen: { no: number; seq: number; prev: string; hash: string }[] = [];
  let first: ExportVerdict['first'] = null;
  const check = (no: number, text: string): void => {
    const t = text.trim();
    if (!t.startsWith('{')) return;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(t) as Record<string, unknown>;
    } catch {
      first = { line: no, seq: null, why: 'not JSON' };
      return;
    }
    if (o['type'] === BOOT_HEADER_TYPE) return;
    const chain = o['chain'] as { prev?: unknown; hash?: unknown } | undefined;
    const source = o['source'] as { sha256?: unknown; line?: unknown } | undefined;
    const seq = typeof o['seq'] === 'number' ? o['seq'] : null;
    if (typeof chain?.prev !== 'string' || typeof chain.hash !== 'string' || typeof source?.sha256 !== 'string' || typeof source.line !== 'number') {
      first = { line: no, seq, why: 'no chain (chain.prev, chain.hash, source.sha256, source.line): not an export kvmlog can verify' };
      return;
    }
    const timeNs = /^\d{1,20}$/.test(String(o['timeNs'])) ? BigInt(String(o['timeNs'])) : null;
    if (timeNs === null) {
      first = { line: no, seq, why: 'timeNs is not a decimal number of nanoseconds' };
      return;
    }
    const event = eventPart(o) as unknown as LifecycleEvent;
    const clock = typeof o['clock'] === 'string' ? o['clock'] : undefined;
    const uncertaintyNs = typeof o['uncertaintyNs'] === 'string' && /^\d{1,19}$/.test(o['uncertaintyNs']) ? BigInt(o['uncertaintyNs']) : undefined;
    const hash = chainHash(chain.prev, { boot: String(o['boot']), timeNs, clock, uncertaintyNs, event, source: source.sha256, line: source.line, raw: String(o['raw']) });
    if (hash !== chain.hash) first = { line: no, seq, why: 'its hash does not match its content and chain.prev: the event was changed' };
    else if (seq !== null) seen.push({ no, seq, prev: chain.prev, hash: chain.hash });
  };
  for await (const b of readLineBatches(path)) {
    for (let i = 0; i < b.length && first === null; i++) check(b.firstNo + i, b.text(i));
    if (first !== null) break;
  }
  seen.sort((a, b) => a.seq - b.seq);
  // Sequence numbers are increasing, not contiguous (an insert of a fact already held uses one up): two events
  // link when the later one's prev is the earlier one's hash; where they do not, the file lacks what lies
  // between them (another boot's events, or one removed) — unless no number lies between them.
  let links = 0;
  let gaps = 0;
  for (let i = 1; i < seen.length && first === null; i++) {
    const [a, b] = [seen[i - 1]!, seen[i]!];
    if (b.prev === a.hash) links++;
    else if (b.seq === a.seq + 1) first = { line: b.no, seq: b.seq, why: `chain.prev does not match the hash of event #${a.seq}, the event before it` };
    else gaps++;
  }
  const complete = first === null && seen.length > 0 && seen[0]!.prev === GENESIS && gaps === 0;
  return { verified: seen.length, links, complete, first };
}

/** `kvmlog verify FILE`: an export checked alone; a path that is not a file is the user's error. */
export async function verifyFile(path: string): Promise<ExportVerdict> {
  const s = await stat(path).catch(() => null);
  if (s === null || !s.isFile()) throw new KvmlogError('input', `${path}: ${s === null ? 'no such file' : 'not a file'}`);
  return verifyExport(path);
}
