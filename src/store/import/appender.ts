/**
 * The append hot path: one prepared INSERT per event, each linked into the hash chain (model/chain.ts), a fact
 * the boot already holds — another capture of the same run — counted and not stored twice.
 */
import type { Statement } from 'better-sqlite3';
import type { DecodedEvent } from '../../ingest/decode/outcome.js';
import { canonicalParts } from '../../model/canonical.js';
import { GENESIS, chainContentOf, hashLink } from '../../model/chain.js';
import { subjectCpu } from '../../model/event.js';
import type { Store } from '../db.js';

/** An event's place in the chain as its producer computed it, assuming `prev` was the head before it. */
export interface ChainLink {
  readonly prev: string;
  readonly hash: string;
}

export class Appender {
  private readonly insert: Statement;
  private readonly findNear: Statement;
  /** The hash of the last event appended: what the next one's hash covers. */
  private chainHead: string;
  /** The chain content of the boot appended to last: an input's events come a boot at a time. */
  private contentBoot: string | null = null;
  private content: ReturnType<typeof chainContentOf> | null = null;
  events = 0;
  duplicates = 0;

  /** Under the write lock: no other import can append between reading the head and the commit. */
  constructor(
    store: Store,
    private readonly sourceId: number,
    /** The input's SHA-256, which every event's hash covers. */
    readonly source: string,
  ) {
    const raw = store.raw;
    this.insert = raw.prepare('INSERT OR IGNORE INTO events (boot_id, time_ns, cpu, type, fields, source_id, line, raw, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.findNear = raw.prepare('SELECT 1 FROM events WHERE boot_id = ? AND time_ns BETWEEN ? AND ? AND type = ? AND fields = ? LIMIT 1');
    this.chainHead = (raw.prepare('SELECT hash FROM events ORDER BY seq DESC LIMIT 1').pluck().get() as string | null | undefined) ?? GENESIS;
  }

  head(): string {
    return this.chainHead;
  }

  /** Appends the event: its sequence number, or null where the boot already holds it (within `toleranceNs`). */
  append(boot: string, e: DecodedEvent, toleranceNs: bigint, link?: ChainLink): number | null {
    const type = e.event.type;
    const { fields, event } = canonicalParts(e.event);
    if (toleranceNs > 0n && this.findNear.get(boot, e.timeNs - toleranceNs, e.timeNs + toleranceNs, type, fields) !== undefined) {
      this.duplicates++;
      return null;
    }
    // A link made elsewhere is this very hash when it follows this head (model/chain.ts).
    const hash = link !== undefined && link.prev === this.chainHead ? link.hash : hashLink(this.chainHead, this.contentOf(boot)(e.timeNs, event, e.line, e.raw));
    const info = this.insert.run(boot, e.timeNs, subjectCpu(e.event), type, fields, this.sourceId, e.line, e.raw, hash);
    if (info.changes !== 1) {
      this.duplicates++;
      return null;
    }
    this.events++;
    this.chainHead = hash;
    return Number(info.lastInsertRowid);
  }

  private contentOf(boot: string): ReturnType<typeof chainContentOf> {
    if (this.content === null || boot !== this.contentBoot) [this.contentBoot, this.content] = [boot, chainContentOf(boot, this.source)];
    return this.content;
  }
}
