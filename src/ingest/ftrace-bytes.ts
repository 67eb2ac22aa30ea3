/**
 * The head of an ftrace record read from its bytes, before any decoding: `<task>-<pid> [cpu] flags secs.frac:
 * name…`. It serves the cheap rejection path, so it must never claim more than the full reader would: it reads
 * only the plain ASCII shape and gives up (returns false) on anything else, leaving the line to the full reader.
 */

export const enum After {
  /** `name: (` — a kprobe or kretprobe hit, or what is left of one. */
  Probe = 0,
  /** `name <-parent` — the function tracer. */
  Function = 1,
  /** `name: …` — a tracepoint. */
  Tracepoint = 2,
}

/** Filled in place by `scanFtraceHead`, so that the hot path allocates nothing. */
export interface FtraceHead {
  cpu: number;
  secs: number;
  frac: number;
  fracDigits: number;
  nameStart: number;
  nameEnd: number;
  /** The name's bytes hashed as byte-names.ts's `hashBytes` does, while they were read. */
  nameHash: number;
  after: After;
}

export const newHead = (): FtraceHead => ({ cpu: 0, secs: 0, frac: 0, fracDigits: 0, nameStart: 0, nameEnd: 0, nameHash: 0, after: After.Tracepoint });

const SP = 32;
const TAB = 9;
const isBlank = (c: number) => c === SP || c === TAB;
const isDigit = (c: number) => c >= 48 && c <= 57;
/** `[\w.$-]`, by byte: an event name is read a byte at a time for every record of a trace. */
const NAME_BYTE = Uint8Array.from({ length: 256 }, (_, c) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 46 || c === 36 || c === 45 ? 1 : 0,
);
const isPrintable = (c: number) => c > SP && c < 127;

/** How far past the task's first character the `[cpu]` column may start (the task and pid columns). */
const TASK_WINDOW = 80;

export function scanFtraceHead(b: Buffer, start: number, end: number, h: FtraceHead): boolean {
  let p = start;
  while (p < end && isBlank(b[p]!)) p++;
  if (p >= end || !isPrintable(b[p]!)) return false;
  // The first `[`: a task name holding a `[` of its own is left to the full reader.
  const last = Math.min(end, p + 2 + TASK_WINDOW);
  let open = p + 1;
  for (; open < last && b[open] !== 91; open++) if (b[open]! < SP && b[open] !== TAB) return false;
  if (open >= last) return false;
  p = readCpu(b, open + 1, end, h);
  if (p === -1) return false;
  const blanks = p;
  while (p < end && isBlank(b[p]!)) p++;
  if (p === blanks) return false;
  // Flags (`d..2.`, `....`), when the kernel prints them, then the stamp.
  let q = p;
  while (q < end && isPrintable(b[q]!)) q++;
  if (q - p >= 4 && q - p <= 6 && q < end && isBlank(b[q]!)) {
    let r = q;
    while (r < end && isBlank(b[r]!)) r++;
    if (stampAndName(b, r, end, h)) return true;
  }
  return stampAndName(b, p, end, h);
}

/** `\d{1,6}\]` at `p` (just past the `[`), read into `c.cpu`: the position after the `]`, or -1. */
function readCpu(b: Buffer, p: number, end: number, c: { cpu: number }): number {
  let cpu = 0;
  const c0 = p;
  while (p < end && isDigit(b[p]!) && p - c0 < 6) cpu = cpu * 10 + (b[p++]! - 48);
  if (p === c0 || p >= end || b[p] !== 93) return -1;
  c.cpu = cpu;
  return p + 1;
}

type Stamp = Pick<FtraceHead, 'secs' | 'frac' | 'fracDigits'>;

/** `\d{1,12}\.\d{1,9}` at `p`, read into `s`: the position after it, or -1. */
function readStamp(b: Buffer, p: number, end: number, s: Stamp): number {
  let secs = 0;
  const s0 = p;
  while (p < end && isDigit(b[p]!) && p - s0 < 12) secs = secs * 10 + (b[p++]! - 48);
  if (p === s0 || p >= end || b[p] !== 46) return -1;
  p++;
  let frac = 0;
  const f0 = p;
  while (p < end && isDigit(b[p]!) && p - f0 < 9) frac = frac * 10 + (b[p++]! - 48);
  if (p === f0) return -1;
  s.secs = secs;
  s.frac = frac;
  s.fracDigits = p - f0;
  return p;
}

function stampAndName(b: Buffer, p: number, end: number, h: FtraceHead): boolean {
  p = readStamp(b, p, end, h);
  if (p === -1 || p + 1 >= end || b[p] !== 58 || b[p + 1] !== SP) return false;
  p += 2;
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
    // `name: args`, or `name:` alone; anything else after the colon is not a record kvmlog could skip.
    if (p + 1 < end && b[p + 1] !== SP) return false;
    // A probe hit prints `(sym+off/size …)` first; a garbled one may have more blanks before it.
    let a = p + 1;
    while (a < end && isBlank(b[a]!)) a++;
    h.after = a < end && b[a] === 40 ? After.Probe : After.Tracepoint;
  } else if (c === SP && p + 2 < end && b[p + 1] === 60 && b[p + 2] === 45) h.after = After.Function;
  else return false;
  h.nameStart = n0;
  h.nameEnd = p;
  h.nameHash = hash;
  return true;
}

const SCALE = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1];
/** Below this many seconds (104 days of uptime) a stamp in nanoseconds is an exact double: one BigInt is made. */
const EXACT_SECS = 9_000_000;

/** The record's stamp in nanoseconds. */
export function headNs(h: Pick<FtraceHead, 'secs' | 'frac' | 'fracDigits'>): bigint {
  if (h.secs < EXACT_SECS) return BigInt(h.secs * 1e9 + h.frac * SCALE[h.fracDigits]!);
  return BigInt(h.secs) * 1_000_000_000n + BigInt(h.frac) * BigInt(SCALE[h.fracDigits]!);
}

/** What `exactRecord` reads of a line: the fields the full reader's record pattern gives, and where the payload starts. */
export interface ExactRecord {
  readonly cpu: number;
  readonly pid: number;
  readonly timeNs: bigint;
  readonly payloadStart: number;
}

/** `[.a-zA-Z0-9!+#*@$~^|]`: the flag column's characters in the full reader's pattern. */
const isFlagByte = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 46 || c === 33 || c === 43 || c === 35 || c === 42 || c === 64 || c === 36 || c === 126 || c === 94 || c === 124;

/** Counts blanks from `p`, up to `max + 1`. */
function blanks(b: Buffer, p: number, end: number, max: number): number {
  let n = 0;
  while (p + n < end && isBlank(b[p + n]!) && n <= max) n++;
  return n;
}

/** exactRecord's columns as it reads them: one object for every call (it runs for a fifth of a trace's lines). */
const scratch = { cpu: 0, secs: 0, frac: 0, fracDigits: 0 };

/**
 * A default-layout ftrace record read from its bytes, field for field what ftrace-line.ts's RECORD pattern
 * gives, for the lines kvmlog reads in full (a fifth of a busy trace): no decoding and no regex for the head.
 * Null wherever the bytes leave the slightest doubt — a tgid column, a non-ASCII head, whitespace other than
 * blanks, a frame or comment line — and the full reader takes the line (test/ingest/line-batches.test.ts
 * checks both agree on real and mutated lines).
 */
export function exactRecord(b: Buffer, start: number, end: number): ExactRecord | null {
  const r = exactHead(b, start, end);
  return r !== null && oneRegexLine(b, r.payloadStart, end) ? r : null;
}

/** `exactRecord` but for its payload, for a caller that reads every byte of the payload itself. */
export function exactHead(b: Buffer, start: number, end: number): ExactRecord | null {
  // ^\s{0,64}(\S.{0,63}?)-(\d{1,10})\s{1,32}\[(\d{1,6})\]\s{1,32}(?:[flags]{4,6}\s{1,32})?(\d{1,12}\.\d{1,9}):\s?(.*)$
  const lead = blanks(b, start, end, 64);
  if (lead > 64) return null;
  const first = start + lead;
  if (first >= end || !isPrintable(b[first]!) || b[first] === 35 || (b[first] === 61 && b[first + 1] === 62)) return null;
  let open = first + 1;
  for (; open < end && b[open] !== 91; open++) if (b[open]! >= 127 || (b[open]! < SP && b[open] !== TAB)) return null;
  if (open >= end) return null;
  // Back from `[`: blanks, the pid, its dash; what is before the dash is the task.
  let p = open - 1;
  let n = 0;
  while (p > first && isBlank(b[p]!)) p--, n++;
  if (n < 1 || n > 32) return null;
  let pid = 0;
  let scale = 1;
  const pidEnd = p;
  while (p > first && isDigit(b[p]!) && pidEnd - p < 10) pid += (b[p--]! - 48) * scale, (scale *= 10);
  if (p === pidEnd || b[p] !== 45) return null;
  const task = p - first;
  if (task < 1 || task > 64) return null;
  // The cpu column.
  p = readCpu(b, open + 1, end, scratch);
  if (p === -1) return null;
  const cpu = scratch.cpu;
  n = blanks(b, p, end, 32);
  if (n < 1 || n > 32) return null;
  p += n;
  // The flags, when the kernel prints them.
  let q = p;
  while (q < end && isFlagByte(b[q]!) && q - p <= 6) q++;
  if (q - p >= 4 && q - p <= 6 && q < end && isBlank(b[q]!)) {
    n = blanks(b, q, end, 32);
    if (n > 32) return null;
    p = q + n;
  }
  p = readStamp(b, p, end, scratch);
  if (p === -1 || p >= end || b[p] !== 58) return null;
  p++;
  // `\s?`: one blank is skipped; any other whitespace (\v, \f, \r, NBSP…) is left to the full reader.
  if (p < end) {
    const c = b[p]!;
    if (isBlank(c)) p++;
    else if (c >= 127 || (c >= 11 && c <= 13)) return null;
  }
  return { cpu, pid, timeNs: headNs(scratch), payloadStart: p };
}

/** Whether a payload holds nothing that ends a line for a regex (`\r`, U+2028, U+2029): `(.*)$` takes it whole. */
function oneRegexLine(b: Buffer, p: number, end: number): boolean {
  for (let i = p; i < end; i++) {
    const c = b[i]!;
    if (c === 13 || (c === 0xe2 && b[i + 1] === 0x80 && (b[i + 2] === 0xa8 || b[i + 2] === 0xa9))) return false;
  }
  return true;
}

/** What `hotplugEnterBytes` reads of a `cpuhp_enter` record; the callback as a byte range of the line. */
export interface HotplugEnterBytes {
  cpu: number;
  target: number;
  step: number;
  callbackStart: number;
  callbackEnd: number;
}

/** The number `readSmall` read last: a plain variable, where a field named by an argument costs a keyed store per step. */
let small = 0;

/** Up to 9 digits at `p` (a longer number is left to the full reader), read into `small`: the position after them, or -1. */
function readSmall(b: Buffer, p: number, end: number): number {
  let n = 0;
  const d0 = p;
  while (p < end && isDigit(b[p]!)) {
    if (p - d0 === 9) return -1;
    n = n * 10 + (b[p++]! - 48);
  }
  if (p === d0) return -1;
  small = n;
  return p;
}

/** The ASCII `word` at `p`: the position after it, or -1. */
function literal(b: Buffer, p: number, end: number, word: string): number {
  if (p + word.length > end) return -1;
  for (let i = 0; i < word.length; i++) if (b[p + i] !== word.charCodeAt(i)) return -1;
  return p + word.length;
}

const skipBlanks = (b: Buffer, p: number, end: number): number => {
  while (p < end && isBlank(b[p]!)) p++;
  return p;
};

/**
 * The text of a `cpuhp_enter` record after its name's colon (at `colon`), read from its bytes, field for field
 * what the decoder's pattern gives — `cpu:\s*(\d+)\s+target:\s*(\d+)\s+step:\s*(\d+)\s+\(([^)\s]+)(?:\s+\[[\w-]+\])?\)`
 * on the trimmed text. False wherever the bytes leave the slightest doubt (any byte outside printable ASCII and
 * tab, where `\s` and `trim` might mean more than a blank; a number of 10 digits or more), so that the full reader
 * takes the line (test/ingest/hotplug-steps.test.ts checks both agree).
 */
export function hotplugEnterBytes(b: Buffer, colon: number, end: number, out: HotplugEnterBytes): boolean {
  // `name:\s(.*)`: one blank after the colon; then, on printable ASCII alone, trim and `\s` mean blanks.
  // Outside the callback, every byte is matched as a digit, a letter of a literal or a blank.
  if (b[colon] !== 58 || colon + 1 >= end || b[colon + 1] !== SP) return false;
  let p = skipBlanks(b, colon + 2, end);
  p = literal(b, p, end, 'cpu:');
  if (p === -1) return false;
  p = readSmall(b, skipBlanks(b, p, end), end);
  if (p === -1 || !isBlank(b[p]!)) return false;
  out.cpu = small;
  p = literal(b, skipBlanks(b, p, end), end, 'target:');
  if (p === -1) return false;
  p = readSmall(b, skipBlanks(b, p, end), end);
  if (p === -1 || !isBlank(b[p]!)) return false;
  out.target = small;
  p = literal(b, skipBlanks(b, p, end), end, 'step:');
  if (p === -1) return false;
  p = readSmall(b, skipBlanks(b, p, end), end);
  if (p === -1 || !isBlank(b[p]!)) return false;
  out.step = small;
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

/** `[\w-]`. */
const isModuleByte = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 45;
