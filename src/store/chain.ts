/**
 * The store's hash chain: every event's hash covers its content and the hash of the event appended before it
 * (in `seq` order, across boots), so that changing, removing or reordering a stored event breaks every hash
 * after it. The recipe is public (README, "Guarantees") so that a recipient of an export can check it alone:
 *
 *   hash = hex(sha256(prev + "\n" + canonical({ boot, timeNs, event, source, line, raw })))
 *
 * with `prev` the previous event's hash (64 zeros for the first event), `timeNs` a decimal string, `event` the
 * catalogue event (`type` and its fields), `source` the SHA-256 of the input file the event came from, and
 * canonical JSON = JSON with every object's keys sorted, no whitespace.
 */
import { hash } from 'node:crypto';
import type { LifecycleEvent } from '../model/event.js';

export const GENESIS = '0'.repeat(64);

export interface Chained {
  readonly boot: string;
  readonly timeNs: bigint;
  readonly event: LifecycleEvent;
  /** SHA-256 (hex) of the input file. */
  readonly source: string;
  readonly line: number;
  readonly raw: string;
}

/** JSON with every object's keys in order: one text for one value, whoever serializes it. Same as JSON.stringify otherwise. */
export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v: unknown) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const o = value as Record<string, unknown>;
  let out = '';
  for (const k of Object.keys(o).sort()) {
    const v = o[k];
    if (v === undefined) continue;
    out += `${out === '' ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `{${out}}`;
}

/**
 * An event's canonical JSON and that of its fields alone (without `type`, as the events table stores them),
 * in one pass: the append path needs both for every event.
 */
export function canonicalParts(e: LifecycleEvent): { readonly fields: string; readonly event: string } {
  const o = e as unknown as Record<string, unknown>;
  let fields = '';
  let event = '';
  for (const k of Object.keys(o).sort()) {
    const v = o[k];
    if (v === undefined) continue;
    const part = `${JSON.stringify(k)}:${canonicalJson(v)}`;
    event += event === '' ? part : `,${part}`;
    if (k !== 'type') fields += fields === '' ? part : `,${part}`;
  }
  return { fields: `{${fields}}`, event: `{${event}}` };
}

export function chainHash(prev: string, e: Chained): string {
  return hashContent(prev, e.boot, e.timeNs, canonicalJson(e.event), e.source, e.line, e.raw);
}

/**
 * The same hash from the event's canonical JSON, which the append path has already made: the content object
 * written out with its keys in canonical order (boot, event, line, raw, source, timeNs).
 */
export function hashContent(prev: string, boot: string, timeNs: bigint, eventJson: string, source: string, line: number, raw: string): string {
  const content = `{"boot":${JSON.stringify(boot)},"event":${eventJson},"line":${JSON.stringify(line)},"raw":${JSON.stringify(raw)},"source":${JSON.stringify(source)},"timeNs":"${timeNs}"}`;
  // The one-shot hash: a third of createHash's cost per event on the import's hot path.
  return hash('sha256', `${prev}\n${content}`, 'hex');
}
