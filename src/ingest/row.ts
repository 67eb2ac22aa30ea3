/**
 * An event as the store keeps it: the ingest side encodes each decoded event once, into text and numbers
 * that cross to the store as they are (in the same thread or from the parse thread).
 */
import { canonicalParts } from '../model/canonical.js';
import { type EventType, subjectCpu } from '../model/event.js';
import type { DecodedEvent } from './decode/decoder.js';

export interface EventRow {
  readonly timeNs: bigint;
  readonly type: EventType;
  /** The CPU the event is about, if it is about one. */
  readonly cpu: number | null;
  /** Canonical JSON of the event's fields, without `type`: the events table's `fields` column. */
  readonly fields: string;
  /** Canonical JSON of the whole event: what the hash chain covers. */
  readonly event: string;
  /** 1-based line of the input. */
  readonly line: number;
  readonly raw: string;
  /**
   * The row's hash-chain link where its producer (the parse thread) computed it, assuming `prev` was the hash
   * before it: the store takes it only if its own head is `prev` (model/chain.ts).
   */
  readonly link?: { readonly prev: string; readonly hash: string } | undefined;
}

export function toRow(d: DecodedEvent): EventRow {
  const { fields, event } = canonicalParts(d.event);
  return { timeNs: d.timeNs, type: d.event.type, cpu: subjectCpu(d.event), fields, event, line: d.line, raw: d.raw };
}
