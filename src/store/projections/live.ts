/**
 * The projection of a boot an import created, folded and written as its events are appended — while they come in
 * time order, the store's order — so that nothing is held or read back for it. It assumes the era the boot had
 * when created; the import finishes it only if the boot ends with that era (plan.ts).
 */
import type { Era } from '../../model/era.js';
import type { LifecycleEvent } from '../../model/event.js';
import { Projector } from '../../model/projection.js';
import type { Store } from '../db.js';
import { CHECKPOINT_EVERY } from './rebuild.js';
import { ProjectionWriter, recordProjected } from './writer.js';

export class LiveProjection {
  private readonly projector: Projector;
  private readonly writer: ProjectionWriter;

  constructor(
    private readonly store: Store,
    private readonly boot: string,
    readonly era: Era | null,
  ) {
    this.projector = new Projector(era, CHECKPOINT_EVERY);
    this.writer = new ProjectionWriter(store, boot);
  }

  /** Folds the next appended event; false when it comes before the last one (then this projection is void). */
  push(seq: number, timeNs: bigint, event: LifecycleEvent): boolean {
    const last = this.projector.lastNs;
    if (last !== null && timeNs < last) return false;
    this.projector.push({ seq, timeNs, event });
    this.drain();
    return true;
  }

  /** The spans still open and the boot's summary: the projection is the boot's. */
  finish(): { checkpoints: number; spans: number } {
    this.projector.finish();
    this.drain();
    const { summary, ...written } = this.writer.finish();
    recordProjected(this.store, this.boot, summary);
    return written;
  }

  private drain(): void {
    const out = this.projector.out;
    for (let i = 0; i < out.length; i++) this.writer.write(out[i]!);
    out.length = 0;
  }
}
