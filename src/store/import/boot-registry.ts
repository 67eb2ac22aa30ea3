/** The boots an import creates and what it learns of them: their rows in the boots table. */
import { createHash } from 'node:crypto';
import type { BootFacts, NewBoot } from '../../import/sink.js';
import { type Era, eraOfKernel } from '../../model/era.js';
import type { Store } from '../db.js';
import { prepared } from '../statements.js';

/** A boot's id, derived from the input's content so that the same input names the same boots. */
export function bootId(sha256: string, index: number): string {
  return createHash('sha256').update(`${sha256}:${index}`).digest('hex').slice(0, 12);
}

/** Inserts the boot; its id is its own where the input named it. */
export function createBoot(store: Store, b: NewBoot, sha256: string, host: string, sourceId: number): string {
  const id = b.id ?? bootId(sha256, b.index);
  // Nothing names it yet (no boot id, banner or command line): another capture may show which boot it is.
  const provisional = b.id === null && b.kernel === null && b.cmdline === null ? 1 : 0;
  store.raw
    .prepare('INSERT INTO boots (id, host, kind, kernel, era, cmdline, previous, source_id, provisional) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)')
    .run(id, b.host ?? host, b.kind, b.kernel, b.kernel === null ? null : eraOfKernel(b.kernel), b.cmdline, sourceId, provisional);
  return id;
}

/**
 * What the input showed of the boot by its end: what the store did not know yet is filled in, never changed; the
 * era from a kernel release wins over one the functions a trace shows only narrow down.
 */
export function endBoot(store: Store, boot: string, f: BootFacts, fallbackHost: string): void {
  const eraFromKernel = f.kernel === null ? null : eraOfKernel(f.kernel);
  store.raw
    .prepare(
      `UPDATE boots SET kernel = coalesce(kernel, ?), cmdline = coalesce(cmdline, ?),
         era = coalesce(?, era, ?), kind = CASE WHEN ? = 'kdump' THEN 'kdump' ELSE kind END,
         previous = coalesce(previous, ?), boot_wall_ns = coalesce(boot_wall_ns, ?),
         provisional = CASE WHEN ? IS NOT NULL OR ? IS NOT NULL THEN 0 ELSE provisional END
       WHERE id = ?`,
    )
    .run(f.kernel, f.cmdline, eraFromKernel, f.era, f.kind, f.previous === boot ? null : f.previous, f.bootWallNs, f.kernel, f.cmdline, boot);
  // A host named by the input (journal _HOSTNAME, syslog host field) replaces the file-name fallback.
  if (f.host !== null) store.raw.prepare('UPDATE boots SET host = ? WHERE id = ? AND host = ?').run(f.host, boot, fallbackHost);
  if (f.kind === 'kdump') linkKdump(store, boot);
}

/**
 * A kdump kernel whose input did not show the crash (its own dmesg, imported alone) follows the one stored boot
 * that panicked and has no kdump boot yet, if there is exactly one.
 */
function linkKdump(store: Store, boot: string): void {
  const row = store.raw.prepare('SELECT previous FROM boots WHERE id = ?').get(boot) as { previous: string | null };
  if (row.previous !== null) return;
  const candidates = store.raw
    .prepare(
      `SELECT DISTINCT e.boot_id AS id FROM events e JOIN boots b ON b.id = e.boot_id
       WHERE e.type = 'panic' AND e.boot_id != ?
         AND NOT EXISTS (SELECT 1 FROM boots k WHERE k.previous = e.boot_id AND k.kind = 'kdump')`,
    )
    .all(boot) as { id: string }[];
  if (candidates.length === 1) store.raw.prepare('UPDATE boots SET previous = ? WHERE id = ?').run(candidates[0]!.id, boot);
}

/** A boot's era as stored now. */
export function eraOf(store: Store, boot: string): Era | null {
  return (prepared(store, 'SELECT era FROM boots WHERE id = ?').get(boot) as { era: Era | null } | undefined)?.era ?? null;
}
