import { KvmlogError } from '../errors.js';
import { parseTime } from '../model/time.js';
import type { When } from '../app/when.js';
import { parseWall } from '../model/wall.js';

export const TIME_HELP =
  'seconds since boot as the trace prints it (95.54, 129108.2290), a number with a unit (95540ms, 95540000us, ' +
  '95540000000ns), or a wall-clock date-time (2026-11-18T11:58:16.45Z; UTC unless a zone is given) for a boot with a wall-clock anchor';

export function whenFlag(flag: string, value: string | undefined): When | undefined {
  if (value === undefined) return undefined;
  const ns = parseTime(value);
  if (ns !== null) return { kind: 'boot', ns };
  const wall = parseWall(value);
  if (wall !== null) return { kind: 'wall', epochNs: wall, text: value };
  throw new KvmlogError('usage', `${flag} ${value}: not a time; give ${TIME_HELP}`);
}

/** `--boot-time`: the wall-clock time of kernel time 0. */
export function bootTimeFlag(value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  const wall = parseWall(value);
  if (wall === null) throw new KvmlogError('usage', `--boot-time ${value}: not a date-time; give e.g. 2026-11-18T11:58:02Z`);
  return wall;
}
