/** The events as the hash chain covers them, in the order they were appended: what `verify` recomputes. */
import type { Store } from './db.js';

export interface ChainRow {
  readonly seq: number;
  readonly boot: string;
  readonly timeNs: bigint;
  readonly clock: string;
  readonly uncertaintyNs: bigint;
  readonly type: string;
  /** The stored fields as text: `verify` parses them itself, for a changed row may not be JSON. */
  readonly fields: string;
  /** SHA-256 of the input the event came from. */
  readonly source: string;
  readonly path: string;
  readonly line: number;
  readonly raw: string;
  /** Null where something wrote the row around kvmlog. */
  readonly hash: string | null;
}

export function* chainRows(store: Store): Generator<ChainRow> {
  const rows = store.raw
    .prepare(
      `SELECT e.seq, e.boot_id, e.time_ns, e.clock, e.uncertainty_ns, e.type, e.fields, s.sha256, s.path, e.line, e.raw, e.hash
       FROM events e JOIN sources s ON s.id = e.source_id ORDER BY e.seq`,
    )
    .raw(true)
    .safeIntegers(true)
    .iterate() as IterableIterator<[bigint, string, bigint, string, bigint, string, string, string, string, bigint, string, string | null]>;
  for (const [seq, boot, timeNs, clock, uncertaintyNs, type, fields, source, path, line, raw, hash] of rows) {
    yield { seq: Number(seq), boot, timeNs, clock, uncertaintyNs, type, fields, source, path, line: Number(line), raw, hash };
  }
}
