/**
 * The ftrace record head read from its bytes: the byte fast path of grammar.ts's RECORD pattern — `<task>-<pid>
 * [cpu] flags secs.frac: payload` — which it is tested against (test/ingest/formats/ftrace/bytes.test.ts). It gives
 * exactly what the pattern gives, or gives up (false) wherever the bytes leave the slightest doubt — a tgid column,
 * a non-ASCII head, whitespace other than blanks — and the line goes to the pattern. It also reads, from the
 * payload, the event's name and what follows it (a probe's `(`, the function tracer's `<-`), and a `cpuhp_enter`'s
 * fields: enough to skip another subsystem's record, or take a hotplug step, without decoding the line.
 */

export const enum After {
  /** `name: (` — a kprobe or kretprobe hit, or what is left of one. */
  Probe = 0,
  /** `name <-parent` — the function tracer. */
  Function = 1,
  /** `name: …` — a tracepoint. */
  Tracepoint = 2,
}

const SP = 32;
const TAB = 9;
const isBlank = (c: number) => c === SP || c === TAB;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isPrintable = (c: number) => c > SP && c < 127;
/** `[\w.$-]`, by byte: an event name is read a byte at a time for every record of a trace. */
const NAME_BYTE = Uint8Array.from({ length: 256 }, (_, c) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 46 || c === 36 || c === 45 ? 1 : 0,
);
/** `[.a-zA-Z0-9!+#*@$~^|]`: the flag column's characters in the pattern. */
const isFlagByte = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 46 || c === 33 || c === 43 || c === 35 || c === 42 || c === 64 || c === 36 || c === 126 || c === 94 || c === 124;
/** `[\w-]`. */
const isModuleByte = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 45;

/** Counts blanks from `p`, up to `max + 1`. */
function blanks(b: Buffer, p: number, end: number, max: number): number {
  let n = 0;
  while (p + n < end && isBlank(b[p + n]!) && n <= max) n++;
  return n;
}

const skipBlanks = (b: Buffer, p: number, end: number): number => {
  while (p < end && isBlank(b[p]!)) p++;
  return p;
};

/** The ASCII `word` at `p`: the position after it, or -1. */
function literal(b: Buffer, p: number, end: number, word: string): number {
  if (p + word.length > end) return -1;
  for (let i = 0; i < word.length; i++) if (b[p + i] !== word.charCodeAt(i)) return -1;
  return p + word.length;
}

/** Whether a payload holds nothing that ends a line for a regex (`\r`, U+2028, U+2029): `(.*)$` takes it whole. */
export function oneRegexLine(b: Buffer, p: number, end: number): boolean {
  for (let i = p; i < end; i++) {
    const c = b[i]!;
    if (c === 13 || (c === 0xe2 && b[i + 1] === 0x80 && (b[i + 2] === 0xa8 || b[i + 2] === 0xa9))) return false;
  }
  return true;
}

const SCALE = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1];
/** Below this many seconds (104 days of uptime) a stamp in nanoseconds is an exact double: one BigInt is made. */
const EXACT_SECS = 9_000_000;

/** A stamp in nanoseconds, from its seconds and fraction as read. */
export function headNs(h: { readonly secs: number; readonly frac: number; readonly fracDigits: number }): bigint {
  if (h.secs < EXACT_SECS) return BigInt(h.secs * 1e9 + h.frac * SCALE[h.fracDigits]!);
  return BigInt(h.secs) * 1_000_000_000n + BigInt(h.frac) * BigInt(SCALE[h.fracDigits]!);
}

/** A `cpuhp_enter` record's fields, the callback as a byte range of the line. */
export interface HotplugEnterFields {
  cpu: number;
  target: number;
  step: number;
  callbackStart: number;
  callbackEnd: number;
}

/**
 * Reads record heads, one line at a time, into its own fields: nothing is allocated per line (the hot path of a
 * trace, most of whose lines are read no further than this). Valid until the next `head` call.
 */
export class FtraceHeadScanner {
  cpu = 0;
  pid = 0;
  secs = 0;
  frac = 0;
  fracDigits = 0;
  /** Where the payload starts (after `:` and one blank). */
  payloadStart = 0;
  /** The event name at the payload's start, as `name` read it, hashed as ByteNames hashes (h * 31 + byte). */
  nameStart = 0;
  nameEnd = 0;
  nameHash = 0;
  after: After = After.Tracepoint;
  /** The number `digits` read last. */
  private small = 0;

  /**
   * The record head, field for field what RECORD gives:
   * `^\s{0,64}(\S.{0,63}?)-(\d{1,10})\s{1,32}\[(\d{1,6})\]\s{1,32}(?:[flags]{4,6}\s{1,32})?(\d{1,12}\.\d{1,9}):\s?(.*)$`
   * but for the payload's line ends (`oneRegexLine`), which a caller that reads the payload checks itself.
   */
  head(b: Buffer, start: number, end: number): boolean {
    const lead = blanks(b, start, end, 64);
    if (lead > 64) return false;
    const first = start + lead;
    if (first >= end || !isPrintable(b[first]!) || b[first] === 35 || (b[first] === 61 && b[first + 1] === 62)) return false;
    let open = first + 1;
    for (; open < end && b[open] !== 91; open++) if (b[open]! >= 127 || (b[open]! < SP && b[open] !== TAB)) return false;
    if (open >= end) return false;
    // Back from `[`: blanks, the pid, its dash; what is before the dash is the task.
    let p = open - 1;
    let n = 0;
    while (p > first && isBlank(b[p]!)) p--, n++;
    if (n < 1 || n > 32) return false;
    let pid = 0;
    let scale = 1;
    const pidEnd = p;
    while (p > first && isDigit(b[p]!) && pidEnd - p < 10) pid += (b[p--]! - 48) * scale, (scale *= 10);
    if (p === pidEnd || b[p] !== 45) return false;
    const task = p - first;
    if (task < 1 || task > 64) return false;
    this.pid = pid;
    // The cpu column: `\d{1,6}\]`.
    p = open + 1;
    let cpu = 0;
    const c0 = p;
    while (p < end && isDigit(b[p]!) && p - c0 < 6) cpu = cpu * 10 + (b[p++]! - 48);
    if (p === c0 || p >= end || b[p] !== 93) return false;
    this.cpu = cpu;
    p++;
    n = blanks(b, p, end, 32);
    if (n < 1 || n > 32) return false;
    p += n;
    // The flags, when the kernel prints them.
    let q = p;
    while (q < end && isFlagByte(b[q]!) && q - p <= 6) q++;
    if (q - p >= 4 && q - p <= 6 && q < end && isBlank(b[q]!)) {
      n = blanks(b, q, end, 32);
      if (n > 32) return false;
      p = q + n;
    }
    p = this.stamp(b, p, end);
    if (p === -1 || p >= end || b[p] !== 58) return false;
    p++;
    // `\s?`: one blank is skipped; any other whitespace (\v, \f, \r, NBSP…) is left to the pattern.
    if (p < end) {
      const c = b[p]!;
      if (isBlank(c)) p++;
      else if (c >= 127 || (c >= 11 && c <= 13)) return false;
    }
    this.payloadStart = p;
    return true;
  }

  /** The stamp in nanoseconds, once `head` read it. */
  timeNs(): bigint {
    return headNs(this);
  }

  /**
   * The event name at the payload's start and what follows it, after `head`: `name: (` a probe, `name <-` the
   * function tracer, `name: ` or `name:` at the end a tracepoint. False for anything else.
   */
  name(b: Buffer, end: number): boolean {
    let p = this.payloadStart;
    const n0 = p;
    let hash = 0;
    for (; p < end && p - n0 < 200; p++) {
      const c = b[p]!;
      if (NAME_BYTE[c] === 0) break;
      hash = (Math.imul(hash, 31) + c) | 0;
    }
    if (p === n0 || p >= end) return false;
    const c = b[p]!;
    if (c === 58) {
      // `name: args`, or `name:` alone; anything else after the colon is not a record a caller could skip.
      if (p + 1 < end && b[p + 1] !== SP) return false;
      // A probe hit prints `(sym+off/size …)` first; a garbled one may have more blanks before it.
      let a = p + 1;
      while (a < end && isBlank(b[a]!)) a++;
      this.after = a < end && b[a] === 40 ? After.Probe : After.Tracepoint;
    } else if (c === SP && p + 2 < end && b[p + 1] === 60 && b[p + 2] === 45) this.after = After.Function;
    else return false;
    this.nameStart = n0;
    this.nameEnd = p;
    this.nameHash = hash;
    return true;
  }

  /**
   * The fields of a `cpuhp_enter` after `name` read its name, field for field what the tracepoint table's
   * pattern gives — `cpu:\s*(\d+)\s+target:\s*(\d+)\s+step:\s*(\d+)\s+\(([^)\s]+)(?:\s+\[[\w-]+\])?\)` on the
   * trimmed text (decode/tracepoints.ts). False wherever the bytes leave the slightest doubt (any byte outside
   * printable ASCII and tab, where `\s` and `trim` might mean more than a blank; a number of 10 digits or more).
   */
  hotplugEnter(b: Buffer, end: number, out: HotplugEnterFields): boolean {
    const colon = this.nameEnd;
    // `name:\s(.*)`: one blank after the colon; then, on printable ASCII alone, trim and `\s` mean blanks.
    if (b[colon] !== 58 || colon + 1 >= end || b[colon + 1] !== SP) return false;
    let p = literal(b, skipBlanks(b, colon + 2, end), end, 'cpu:');
    if (p === -1) return false;
    p = this.digits(b, skipBlanks(b, p, end), end);
    if (p === -1 || !isBlank(b[p]!)) return false;
    out.cpu = this.small;
    p = literal(b, skipBlanks(b, p, end), end, 'target:');
    if (p === -1) return false;
    p = this.digits(b, skipBlanks(b, p, end), end);
    if (p === -1 || !isBlank(b[p]!)) return false;
    out.target = this.small;
    p = literal(b, skipBlanks(b, p, end), end, 'step:');
    if (p === -1) return false;
    p = this.digits(b, skipBlanks(b, p, end), end);
    if (p === -1 || !isBlank(b[p]!)) return false;
    out.step = this.small;
    p = skipBlanks(b, p, end);
    if (b[p] !== 40) return false;
    // `([^)\s]+)`: up to the `)`, or the blanks before a module's `[name]`.
    const c0 = ++p;
    for (; p < end && b[p] !== 41 && !isBlank(b[p]!); p++) if (!isPrintable(b[p]!)) return false;
    if (p === c0 || p >= end) return false;
    out.callbackStart = c0;
    out.callbackEnd = p;
    if (b[p] !== 41) {
      p = skipBlanks(b, p, end);
      if (b[p] !== 91) return false;
      const m0 = ++p;
      while (p < end && isModuleByte(b[p]!)) p++;
      if (p === m0 || b[p] !== 93 || b[p + 1] !== 41) return false;
      p++;
    }
    // The `)`, and nothing after it but what trim removes.
    return skipBlanks(b, p + 1, end) === end;
  }

  /** `\d{1,12}\.\d{1,9}` at `p`, into secs, frac and fracDigits: the position after it, or -1. */
  private stamp(b: Buffer, p: number, end: number): number {
    let secs = 0;
    const s0 = p;
    while (p < end && isDigit(b[p]!) && p - s0 < 12) secs = secs * 10 + (b[p++]! - 48);
    if (p === s0 || p >= end || b[p] !== 46) return -1;
    p++;
    let frac = 0;
    const f0 = p;
    while (p < end && isDigit(b[p]!) && p - f0 < 9) frac = frac * 10 + (b[p++]! - 48);
    if (p === f0) return -1;
    this.secs = secs;
    this.frac = frac;
    this.fracDigits = p - f0;
    return p;
  }

  /** Up to 9 digits at `p` (a longer number is left to the pattern), into `small`: the position after them, or -1. */
  private digits(b: Buffer, p: number, end: number): number {
    let n = 0;
    const d0 = p;
    while (p < end && isDigit(b[p]!)) {
      if (p - d0 === 9) return -1;
      n = n * 10 + (b[p++]! - 48);
    }
    if (p === d0) return -1;
    this.small = n;
    return p;
  }
}
