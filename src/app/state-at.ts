/** `kvmlog state --at`: the projection of one boot's events up to an instant. */
import type { Boot } from '../model/boot.js';
import { fold } from '../model/reduce.js';
import type { HostState } from '../model/state.js';
import type { Store } from '../store/db.js';
import { nearestCheckpoint } from '../store/projections/queries.js';
import { bootCpus, foldEvents, resolveBoot } from '../store/read.js';
import { type When, inBoot } from './when.js';

export interface StateAt {
  readonly boot: Boot;
  readonly atNs: bigint;
  readonly state: HostState;
  /** Every CPU the boot ever mentions, observed by `atNs` or not. */
  readonly cpus: readonly number[];
  /** How many events were folded after the checkpoint. */
  readonly events: number;
  /** The boot's checkpoints were made by another version of the reducer: run `kvmlog rebuild`. */
  readonly stale: boolean;
}

/** The nearest stored checkpoint, then the events after it: as fast at the end of a long boot as at its start. */
export function stateAt(store: Store, boot: Boot, atNs: bigint): StateAt {
  const cp = nearestCheckpoint(store, boot.id, atNs);
  const from = cp.kind === 'found' ? cp.checkpoint : null;
  let events = 0;
  const upTo = function* () {
    for (const r of foldEvents(store, boot.id, { toNs: atNs, after: from === null ? undefined : { timeNs: from.timeNs, seq: from.seq } })) {
      events++;
      yield r.event;
    }
  };
  const state = fold(boot.era, upTo(), from?.state);
  return { boot, atNs, state, cpus: bootCpus(store, boot.id), events, stale: cp.kind === 'stale' };
}

/** `kvmlog state --at`: the boot asked for (or chosen, said in `note`), at the instant asked for. */
export function stateOf(store: Store, q: { readonly boot?: string | undefined; readonly at: When }): StateAt & { readonly note: string | null } {
  const { boot, note } = resolveBoot(store, q.boot);
  return { ...stateAt(store, boot, inBoot('--at', q.at, boot)!), note };
}
