/**
 * Appending one import: every event of an input, or none. The hot path uses one prepared INSERT,
 * compiled once; kysely builds every other query.
 */
import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { DecodedEvent } from '../ingest/decoder.js';
import type { BootFacts, BootStart, ImportSink, ImportSummary } from '../ingest/importer.js';
import { subjectCpu } from '../model/event.js';
import type { Store } from './db.js';

export interface ImportTarget {
  readonly sha256: string;
  readonly path: string;
  readonly format: string;
  readonly host: string;
  /** Attach the input's first boot to this existing boot instead of creating one. */
  readonly attachTo?: string | undefined;
}

/** The boots an import created or extended, by input boot index. */
export type BootIds = ReadonlyMap<number, string>;

export class ImportTransaction implements ImportSink {
  private readonly insertEvent: Statement;
  private readonly insertBoot: Statement;
  private readonly updateBoot: Statement;
  private readonly sourceId: number;
  private readonly boots = new Map<number, string>();
  private open = true;

  private constructor(
    private readonly store: Store,
    private readonly target: ImportTarget,
  ) {
    const raw = store.raw;
    raw.exec('BEGIN IMMEDIATE');
    this.insertEvent = raw.prepare(
      'INSERT INTO events (boot_id, time_ns, cpu, type, fields, source_id, line, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertBoot = raw.prepare(
      'INSERT INTO boots (id, host, kind, kernel, era, cmdline, previous, source_id) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?)',
    );
    this.updateBoot = raw.prepare(
      'UPDATE boots SET kernel = coalesce(kernel, ?), cmdline = coalesce(cmdline, ?), era = coalesce(era, ?) WHERE id = ?',
    );
    const info = raw
      .prepare('INSERT INTO sources (sha256, path, format, imported_at, lines, events) VALUES (?, ?, ?, ?, 0, 0)')
      .run(target.sha256, target.path, target.format, new Date().toISOString());
    this.sourceId = Number(info.lastInsertRowid);
  }

  static begin(store: Store, target: ImportTarget): ImportTransaction {
    return new ImportTransaction(store, target);
  }

  startBoot(boot: BootStart): void {
    if (boot.index === 0 && this.target.attachTo !== undefined) {
      this.boots.set(0, this.target.attachTo);
      return;
    }
    const id = bootId(this.target.sha256, boot.index);
    const previous = this.boots.get(boot.index - 1) ?? null;
    this.insertBoot.run(id, this.target.host, boot.kind, boot.kernel, previous, this.sourceId);
    this.boots.set(boot.index, id);
  }

  event(bootIndex: number, e: DecodedEvent): void {
    const boot = this.boots.get(bootIndex);
    if (boot === undefined) throw new Error(`event for boot ${bootIndex} before the boot started`);
    const { type, ...fields } = e.event;
    this.insertEvent.run(boot, e.timeNs, subjectCpu(e.event), type, JSON.stringify(fields), this.sourceId, e.line, e.raw);
  }

  endBoot(bootIndex: number, facts: BootFacts): void {
    const boot = this.boots.get(bootIndex);
    if (boot !== undefined) this.updateBoot.run(facts.kernel, facts.cmdline, facts.era, boot);
  }

  commit(summary: ImportSummary): BootIds {
    this.store.raw
      .prepare('UPDATE sources SET lines = ?, events = ? WHERE id = ?')
      .run(summary.lines, summary.events, this.sourceId);
    this.store.raw.exec('COMMIT');
    this.open = false;
    return this.boots;
  }

  rollback(): void {
    if (!this.open) return;
    this.open = false;
    if (this.store.raw.inTransaction) this.store.raw.exec('ROLLBACK');
  }
}

/** A boot's id, derived from the input's content so that the same input names the same boots. */
export function bootId(sha256: string, index: number): string {
  return createHash('sha256').update(`${sha256}:${index}`).digest('hex').slice(0, 12);
}
