/**
 * Wall-clock time, as nanoseconds since the Unix epoch. A boot with a wall-clock anchor (the wall-clock time of
 * its kernel time 0) can be queried and shown in both clocks. Digit strings throughout: no float holds today's
 * epoch in nanoseconds.
 */

/** `2026-11-18T11:58:16.450162Z`, `2026-11-18 11:58:16+01:00`, `2026-11-18T11:58:16` (UTC when no zone). */
export function parseWall(text: string): bigint | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  let offsetMin = 0;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
  }
  const frac = BigInt((m[7] ?? '').padEnd(9, '0'));
  return (BigInt(ms) - BigInt(offsetMin) * 60_000n) * 1_000_000n + frac;
}

/** Nanoseconds since the epoch → `2026-11-18T11:58:16.450162000Z` (UTC, to the nanosecond). */
export function formatWall(epochNs: bigint): string {
  const ms = epochNs / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString(); // 2026-11-18T11:58:16.450Z
  const frac = (((epochNs % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).toString().padStart(9, '0');
  return `${iso.slice(0, 19)}.${frac}Z`;
}
