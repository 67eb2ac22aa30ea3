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
import { createHash } from 'node:crypto';
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

/** JSON with every object's keys in order: one text for one value, whoever serializes it. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

export function chainHash(prev: string, e: Chained): string {
  const content = canonicalJson({ boot: e.boot, timeNs: e.timeNs.toString(), event: e.event, source: e.source, line: e.line, raw: e.raw });
  return createHash('sha256').update(`${prev}\n${content}`).digest('hex');
}
