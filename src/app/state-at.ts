/** `kvmlog state --at`: the projection of one boot's events up to an instant. */
import { type Era } from '../model/era.js';
import { fold } from '../model/reduce.js';
import type { HostState } from '../model/state.js';
import type { Store } from '../store/db.js';
import { type BootRow, bootCpus, readEvents } from '../store/read.js';

export interface StateAt {
  readonly boot: BootRow;
  readonly atNs: bigint;
  readonly state: HostState;
  /** Every CPU the boot ever mentions, observed by `atNs` or not. */
  readonly cpus: readonly number[];
  /** How many events were folded. */
  readonly events: number;
}

export function stateAt(store: Store, boot: BootRow, atNs: bigint): StateAt {
  let events = 0;
  const folded = fold(boot.era as Era | null, mapCount(readEvents(store, { boot: boot.id, toNs: atNs }), () => events++));
  return { boot, atNs, state: folded, cpus: bootCpus(store, boot.id), events };
}

function* mapCount<T>(it: Iterable<{ event: T }>, tick: () => void): Generator<T> {
  for (const r of it) {
    tick();
    yield r.event;
  }
}
