/**
 * What an import leaves a boot's projections to do, decided once the boot's era is settled: the era decides what
 * events mean, so a projection made under another era holds nothing.
 */
import type { Era } from '../../model/era.js';
import type { Store } from '../db.js';
import type { LiveProjection } from './live.js';
import { type Appended, rebuildProjections, updateProjections } from './rebuild.js';

/** How a boot's projections follow what an import appends to it. */
export type Projecting =
  /** A boot this import created, folded as its events are appended, while they come in time order. */
  | { readonly kind: 'live'; readonly live: LiveProjection }
  /** A boot this import created whose events came out of time order: what it wrote is void. */
  | { readonly kind: 'void' }
  /** A boot stored before this import, with the era it had then. */
  | { readonly kind: 'stored'; readonly eraBefore: Era | null };

export type ProjectionPlan = { readonly kind: 'finish-live'; readonly live: LiveProjection } | { readonly kind: 'rebuild' } | { readonly kind: 'resume' };

export function planProjection(p: Projecting, eraNow: Era | null): ProjectionPlan {
  switch (p.kind) {
    case 'live':
      return p.live.era === eraNow ? { kind: 'finish-live', live: p.live } : { kind: 'rebuild' };
    case 'void':
      return { kind: 'rebuild' };
    case 'stored':
      return p.eraBefore === eraNow ? { kind: 'resume' } : { kind: 'rebuild' };
  }
}

/** Carries out a boot's plan inside the import's transaction. */
export function carryOut(store: Store, boot: string, era: Era | null, plan: ProjectionPlan, added: Appended): void {
  switch (plan.kind) {
    case 'finish-live':
      plan.live.finish();
      return;
    case 'rebuild':
      rebuildProjections(store, boot, era);
      return;
    case 'resume':
      updateProjections(store, boot, era, added);
      return;
  }
}
