import { KvmlogError } from '../errors.js';
import { parseTime } from '../model/time.js';
import { formatWall, parseWall } from '../model/wall.js';

export const TIME_HELP =
  'seconds since boot as the trace prints it (95.54, 129108.2290), a number with a unit (95540ms, 95540000us, ' +
  '95540000000ns), or a wall-clock date-time (2026-11-18T11:58:16.45Z; UTC unless a zone is given) for a boot with a wall-clock anchor';

/** A TIME as the user gave it: kernel time, or wall-clock time still to be placed in a boot. */
export type When = { readonly kind: 'boot'; readonly ns: bigint } | { readonly kind: 'wall'; readonly epochNs: bigint; readonly text: string };

export function whenFlag(flag: string, value: string | undefined): When | undefined {
  if (value === undefined) return undefined;
  const ns = parseTime(value);
  if (ns !== null) return { kind: 'boot', ns };
  const wall = parseWall(value);
  if (wall !== null) return { kind: 'wall', epochNs: wall, text: value };
  throw new KvmlogError('usage', `${flag} ${value}: not a time; give ${TIME_HELP}`);
}

/** Kernel time of a TIME in a boot; a wall-clock TIME needs the boot's wall-clock anchor. */
export function inBoot(flag: string, when: When | undefined, boot: { id: string; bootWallNs: bigint | null }): bigint | undefined {
  if (when === undefined) return undefined;
  if (when.kind === 'boot') return when.ns;
  if (boot.bootWallNs === null) {
    throw new KvmlogError(
      'usage',
      `${flag} ${when.text}: boot ${boot.id} has no wall-clock anchor (its input showed none); give seconds since boot, or re-import with --boot-time`,
    );
  }
  const ns = when.epochNs - boot.bootWallNs;
  if (ns < 0n) throw new KvmlogError('usage', `${flag} ${when.text}: before boot ${boot.id} started (${formatWall(boot.bootWallNs)})`);
  return ns;
}

/** `--boot-time`: the wall-clock time of kernel time 0. */
export function bootTimeFlag(value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  const wall = parseWall(value);
  if (wall === null) throw new KvmlogError('usage', `--boot-time ${value}: not a date-time; give e.g. 2026-11-18T11:58:02Z`);
  return wall;
}
