/** `kvmlog export --format ndjson|csv`: every boot (or one), its events with their place in the hash chain. */
import type { Boot } from '../model/boot.js';
import type { EventRecord } from '../model/event.js';
import type { Store } from '../store/db.js';
import { listBoots, readEvents, resolveBoot } from '../store/read.js';

export interface ExportedBoot {
  readonly boot: Boot;
  /** Read lazily, inside the caller's snapshot. */
  readonly events: Iterable<EventRecord>;
}

export function exportOf(store: Store, bootRef: string | undefined, scope: 'log' | 'facts'): ExportedBoot[] {
  const boots = bootRef === undefined ? listBoots(store) : [resolveBoot(store, bootRef).boot];
  // `log`: every sighting, superseded or on another clock, so that the export verifies as a whole chain and
  // re-imports to the same facts; `facts`: what `events` lists.
  return boots.map((boot) => ({ boot, events: readEvents(store, { boot: boot.id, withChain: true, scope: scope === 'log' ? 'sightings' : 'every clock' }) }));
}
