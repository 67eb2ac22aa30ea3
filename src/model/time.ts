/**
 * Kernel time as exact integer nanoseconds since boot. Every conversion here works on digit strings:
 * a float cannot hold a nanosecond after ~104 days of uptime.
 */

const UNIT_DIGITS = { s: 9, ms: 6, us: 3, ns: 0 } as const;
type Unit = keyof typeof UNIT_DIGITS;

/**
 * Decimal `secs[.frac]` in the given unit → nanoseconds. Returns null for anything that is not a plain
 * non-negative decimal, or that has more fractional digits than a nanosecond allows.
 */
export function decimalToNs(text: string, unit: Unit = 's'): bigint | null {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) return null;
  const whole = m[1]!;
  const frac = m[2] ?? '';
  const digits = UNIT_DIGITS[unit];
  if (frac.length > digits && /[1-9]/.test(frac.slice(digits))) return null;
  // The value's digits: the whole part, then the fraction padded or cut to the unit's precision.
  const all = whole + frac.slice(0, digits).padEnd(digits, '0');
  // Up to 15 digits the value is exact in a double (< 2^53): one BigInt instead of arithmetic, on the hot path.
  return all.length <= 15 ? BigInt(Number(all)) : BigInt(all);
}

/**
 * A user's TIME: seconds since boot as a trace prints it (`95.54`, `129108.2290`), or with a unit
 * (`95540ms`, `95540000us`, `95540000000ns`, `95.54s`).
 */
export function parseTime(text: string): bigint | null {
  const m = /^(\d+(?:\.\d*)?)\s*(s|ms|us|µs|ns)?$/.exec(text.trim());
  if (!m) return null;
  const unit = (m[2] === 'µs' ? 'us' : (m[2] ?? 's')) as Unit;
  return decimalToNs(m[1]!, unit);
}

/** Nanoseconds → `seconds.nnnnnnnnn`, trailing zeros kept to microseconds as traces print them. */
export function formatNs(ns: bigint): string {
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  const secs = abs / 1_000_000_000n;
  const digits = (abs % 1_000_000_000n).toString().padStart(9, '0');
  let end = digits.length;
  while (end > 6 && digits[end - 1] === '0') end--;
  const frac = digits.slice(0, end);
  return `${neg ? '-' : ''}${secs}.${frac}`;
}
