import { KvmlogError } from '../errors.js';
import { parseTime } from '../model/time.js';

export const TIME_HELP =
  'seconds since boot as the trace prints it (95.54, 129108.2290) or with a unit (95540ms, 95540000us, 95540000000ns)';

export function timeFlag(flag: string, value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  const ns = parseTime(value);
  if (ns === null) throw new KvmlogError('usage', `${flag} ${value}: not a time; give ${TIME_HELP}`);
  return ns;
}
