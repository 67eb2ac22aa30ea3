/** `kvmlog state --at`: the projection of one boot's events up to an instant. */
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
  const upTo = function* () {
    for (const r of readEvents(store, { boot: boot.id, toNs: atNs })) {
      events++;
      yield r.event;
    }
  };
  const state = fold(boot.era, upTo());
  return { boot, atNs, state, cpus: bootCpus(store, boot.id), events };
}
