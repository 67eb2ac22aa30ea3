import { formatNs } from '../model/time.js';
import { formatWall } from '../model/wall.js';
import type { Boot } from '../model/boot.js';
import { table } from './table.js';

/** The `boots --json` contract (DESIGN.md). */
export function bootsJson(boots: readonly Boot[]): object[] {
  return boots.map((b) => ({
    id: b.id,
    host: b.host,
    kind: b.kind,
    kernel: b.kernel,
    previous: b.previous,
    firstNs: b.firstNs?.toString() ?? null,
    lastNs: b.lastNs?.toString() ?? null,
    events: b.events,
    bootWallNs: b.bootWallNs?.toString() ?? null,
  }));
}

export function bootsText(boots: readonly Boot[]): string {
  if (boots.length === 0) return 'no boots yet (kvmlog import FILE)';
  return table(
    ['BOOT', 'HOST', 'KIND', 'KERNEL', 'ERA', 'BOOTED AT (UTC)', 'FIRST (s)', 'LAST (s)', 'EVENTS', 'PREVIOUS'],
    boots.map((b) => [
      b.id,
      b.host,
      b.kind,
      b.kernel ?? 'unknown',
      b.era ?? 'unknown',
      b.bootWallNs === null ? 'unknown' : formatWall(b.bootWallNs).replace(/\.\d+Z$/, 'Z'),
      b.firstNs === null ? '-' : formatNs(b.firstNs),
      b.lastNs === null ? '-' : formatNs(b.lastNs),
      b.events,
      b.previous ?? '-',
    ]),
  );
}
