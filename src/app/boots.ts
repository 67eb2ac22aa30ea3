/** `kvmlog boots`: the boots in the store. */
import type { Boot } from '../model/boot.js';
import type { Store } from '../store/db.js';
import { listBoots } from '../store/read.js';

export function bootsOf(store: Store): Boot[] {
  return listBoots(store);
}
