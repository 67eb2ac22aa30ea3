/**
 * The store's hash chain: every event's hash covers its content and the hash of the event appended before it
 * (in `seq` order, across boots), so that changing, removing or reordering a stored event breaks every hash
 * after it. The recipe is public (README, "Guarantees") so that a recipient of an export can check it alone:
 *
 *   hash = hex(sha256(prev + "\n" + canonical({ boot, clock?, timeNs, event, source, line, raw })))
 *
 * and `uncertaintyNs` (a decimal string) where the sighting's instant is less certain than its stamp: each only
 * where it is not the default — the kernel clock, no uncertainty — so that every hash made before they were
 * recorded stays as it was
 * with `prev` the previous event's hash (64 zeros for the first event), `timeNs` a decimal string, `event` the
 * catalogue event (`type` and its fields), `source` the SHA-256 of the input file the event came from, and
 * canonical JSON = JSON with every object's keys sorted, no whitespace (canonical.ts). The parse thread may compute
 * the links of the rows it hands over; the store takes one only where its own head is the link's `prev`.
 */
import { hash } from 'node:crypto';
import { canonicalJson } from './canonical.js';
import type { LifecycleEvent } from './event.js';
import { KERNEL_CLOCK } from './sightings.js';

export const GENESIS = '0'.repeat(64);

export interface Chained {
  readonly boot: string;
  /** The clock `timeNs` is on, where not the kernel's. */
  readonly clock?: string | undefined;
  /** How far the fact's instant may be from `timeNs`, where more than 0. */
  readonly uncertaintyNs?: bigint | undefined;
  readonly timeNs: bigint;
  readonly event: LifecycleEvent;
  /** SHA-256 (hex) of the input file. */
  readonly source: string;
  readonly line: number;
  readonly raw: string;
}

export function chainHash(prev: string, e: Chained): string {
  return hashLink(prev, chainContent(e.boot, e.timeNs, canonicalJson(e.event), e.source, e.line, e.raw, e.clock, e.uncertaintyNs));
}

const clockMember = (clock: string | undefined): string => (clock === undefined || clock === KERNEL_CLOCK ? '' : `"clock":${JSON.stringify(clock)},`);
const uncertaintyMember = (u: bigint | undefined): string => (u === undefined || u === 0n ? '' : `,"uncertaintyNs":"${u}"`);

/**
 * The content an event's hash covers, from the event's canonical JSON (which the append path already has): the
 * content object written out with its keys in canonical order (boot, event, line, raw, source, timeNs).
 */
export function chainContent(boot: string, timeNs: bigint, eventJson: string, source: string, line: number, raw: string, clock?: string, uncertaintyNs?: bigint): string {
  return `{"boot":${JSON.stringify(boot)},${clockMember(clock)}"event":${eventJson},"line":${JSON.stringify(line)},"raw":${JSON.stringify(raw)},"source":${JSON.stringify(source)},"timeNs":"${timeNs}"${uncertaintyMember(uncertaintyNs)}}`;
}

/**
 * `chainContent` for the events of one boot from one input: the members that do not change from event to event
 * written out once (the append path links every event it stores, and these were two JSON calls of each).
 */
export function chainContentOf(
  boot: string,
  source: string,
): (timeNs: bigint, eventJson: string, line: number, raw: string, clock?: string, uncertaintyNs?: bigint) => string {
  const head = `{"boot":${JSON.stringify(boot)},`;
  const tail = `,"source":${JSON.stringify(source)},"timeNs":"`;
  return (timeNs, eventJson, line, raw, clock, uncertaintyNs) =>
    `${head}${clockMember(clock)}"event":${eventJson},"line":${JSON.stringify(line)},"raw":${JSON.stringify(raw)}${tail}${timeNs}"${uncertaintyMember(uncertaintyNs)}}`;
}

/** An event's hash: its content, after the hash of the event appended before it. */
export function hashLink(prev: string, content: string): string {
  // The one-shot hash: a third of createHash's cost per event on the import's hot path.
  return hash('sha256', `${prev}\n${content}`, 'hex');
}
