/** `kvmlog rebuild`: every boot's projections recomputed from its events. */
import { type Store, inTransaction } from '../store/db.js';
import { rebuildProjections } from '../store/projections/rebuild.js';
import { listBoots } from '../store/read.js';

export interface Rebuilt {
  readonly boot: string;
  readonly checkpoints: number;
  readonly spans: number;
}

export function rebuildAll(store: Store): Rebuilt[] {
  return listBoots(store).map((b) => ({ boot: b.id, ...inTransaction(store, () => rebuildProjections(store, b.id, b.era)) }));
}
