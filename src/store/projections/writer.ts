/** Writes a boot's projections — checkpoints, span rows, its summary — as a fold makes them. */
import type { Statement } from 'better-sqlite3';
import { type BootSummary, PROJECTION_VERSION, type Projected, serializeState } from '../../model/projection.js';
import type { Store } from '../db.js';
import { prepared } from '../statements.js';

/**
 * Span rows per INSERT statement: on an import of only lifecycle events the spans are half as many rows as the
 * events, and a statement per row costs more than the rows (docs/performance.md).
 */
const SPANS_PER_INSERT = 32;
const SPAN_COLUMNS = '(boot_id, cpu, kind, from_ns, to_ns, from_seq, to_seq, version)';

/** Writes a boot's projections as they come: checkpoints at once, span rows SPANS_PER_INSERT at a time. */
export class ProjectionWriter {
  private readonly cp: Statement;
  private readonly many: Statement;
  private readonly one: Statement;
  private readonly pending: unknown[] = [];
  private checkpoints = 0;
  private spans = 0;
  private summary: BootSummary | null = null;

  constructor(
    store: Store,
    private readonly boot: string,
  ) {
    const values = (n: number) => Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    this.cp = prepared(store, 'INSERT INTO checkpoints (boot_id, time_ns, seq, version, state) VALUES (?, ?, ?, ?, ?)');
    this.many = prepared(store, `INSERT INTO spans ${SPAN_COLUMNS} VALUES ${values(SPANS_PER_INSERT)}`);
    this.one = prepared(store, `INSERT INTO spans ${SPAN_COLUMNS} VALUES ${values(1)}`);
  }

  write(p: Projected): void {
    if (p.kind === 'boot') this.summary = p.summary;
    else if (p.kind === 'checkpoint') {
      this.cp.run(this.boot, p.timeNs, p.seq, PROJECTION_VERSION, serializeState(p.state));
      this.checkpoints++;
    } else {
      const s = p.span;
      this.pending.push(this.boot, s.cpu, s.kind, s.fromNs, s.toNs, s.fromSeq, s.toSeq, PROJECTION_VERSION);
      if (++this.spans % SPANS_PER_INSERT === 0) {
        this.many.run(this.pending);
        this.pending.length = 0;
      }
    }
  }

  finish(): { checkpoints: number; spans: number; summary: BootSummary } {
    for (let i = 0; i < this.pending.length; i += 8) this.one.run(this.pending.slice(i, i + 8));
    this.pending.length = 0;
    if (this.summary === null) throw new Error('project() ended without its boot summary');
    return { checkpoints: this.checkpoints, spans: this.spans, summary: this.summary };
  }
}

export function writeProjected(store: Store, boot: string, projected: Iterable<Projected>): { checkpoints: number; spans: number; summary: BootSummary } {
  const w = new ProjectionWriter(store, boot);
  for (const p of projected) w.write(p);
  return w.finish();
}


/** The boot's summary as the fold left it: its CPUs, first and last times, size. */
export function recordProjected(store: Store, boot: string, summary: BootSummary): void {
  store.raw
    .prepare('INSERT INTO projected_boots (boot_id, version, cpus, first_ns, last_ns, events, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(boot, PROJECTION_VERSION, JSON.stringify(summary.cpus), summary.firstNs, summary.lastNs, summary.events, summary.lastSeq);
}
