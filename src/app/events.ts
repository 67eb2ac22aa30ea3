/** `kvmlog events`: one boot's events, filtered, in the order the kernel made them. */
import type { Boot } from '../model/boot.js';
import type { EventRecord, EventType } from '../model/event.js';
import type { Store } from '../store/db.js';
import { readEvents, resolveBoot } from '../store/read.js';
import { type When, inBoot } from './when.js';

export interface EventsQuery {
  readonly boot?: string | undefined;
  readonly from?: When | undefined;
  readonly to?: When | undefined;
  readonly cpu?: number | undefined;
  readonly types?: readonly EventType[] | undefined;
  readonly limit?: number | undefined;
  /** Each event's place in the hash chain too (for `--json`). */
  readonly withChain?: boolean | undefined;
  /** Also the events on another clock than the boot's kernel clock: blocks no evidence placed. */
  readonly everyClock?: boolean | undefined;
}

export interface EventsView {
  readonly boot: Boot;
  /** Said on stderr when kvmlog chose the boot. */
  readonly note: string | null;
  /** Read lazily, inside the caller's snapshot. */
  readonly events: Iterable<EventRecord>;
}

export function eventsOf(store: Store, q: EventsQuery): EventsView {
  const { boot, note } = resolveBoot(store, q.boot);
  const fromNs = inBoot('--from', q.from, boot);
  const toNs = inBoot('--to', q.to, boot);
  return { boot, note, events: readEvents(store, { boot: boot.id, fromNs, toNs, cpu: q.cpu, types: q.types, limit: q.limit, withChain: q.withChain, scope: q.everyClock ? 'every clock' : 'facts' }) };
}
