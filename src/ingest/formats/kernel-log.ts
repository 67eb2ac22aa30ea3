/**
 * Readers of kernel logs: `dmesg` in its forms (`-r`, `-T`, `-t`), a serial console (CRLF, other programs'
 * lines, ftrace text and `ftrace_dump_on_oops` blocks mixed in), kdump's `vmcore-dmesg.txt` and
 * `makedumpfile --dump-dmesg`, and `/dev/kmsg` records.
 */
import { parse as parseDate } from 'date-fns/parse';
import { decimalToNs } from '../../model/time.js';
import { DUMP_CLOCK } from '../../model/sightings.js';
import type { Line } from '../lines.js';
import { parseLatencyLine } from './ftrace/grammar.js';
import { CONTEXT_REC, LineByLine, OTHER_REC, type Rec } from './format.js';
import { ftraceRec } from './ftrace/reader.js';
import { looksLifecycle } from './signals.js';

// `<6>` level prefix (dmesg -r), then `[ secs.frac]` or dmesg -T's `[Wed Nov 25 11:58:46 2026]`, then the text.
const STAMPED = /^(?:<(\d{1,3})>)?\[\s{0,12}(\d{1,12}\.\d{1,9})\]\s?(.*)$/;
const WALL = /^(?:<(\d{1,3})>)?\[([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})\]\s?(.*)$/;
// dmesg --time-format iso: `2026-11-25T11:58:16,450162+00:00 msg` (a comma before the microseconds).
const ISO = /^(?:<(\d{1,3})>)?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}),(\d{1,9})([+-]\d{2}:\d{2}|Z) (.*)$/;
const LEVEL_ONLY = /^<(\d{1,3})>(.*)$/;
/**
 * CONFIG_PRINTK_CALLER's caller after the stamp: the console prints `[   50.377002][ T4382] msg`, util-linux
 * dmesg `[   50.377002] [ T4382] msg`; `C3` is CPU 3 (NMI or IRQ context), `T4382` a task.
 */
const CALLER = /^\s?\[\s{0,10}([TC])(\d{1,10})\]\s?(.*)$/;
const DUMP_START = 'Dumping ftrace buffer:';
const DUMP_RULE = /^-{20,}$/;

export class DmesgReader extends LineByLine {
  /** Inside `Dumping ftrace buffer:` … `-----`: the kernel printed its ring buffer in the latency layout. */
  private dump: 'no' | 'header' | 'body' = 'no';

  read(line: Line): readonly Rec[] {
    const text = line.text;
    const m = STAMPED.exec(text);
    if (m) return [this.message(decimalToNs(m[2]!), null, m[3]!)];
    const w = WALL.exec(text);
    if (w) return [this.message(null, wallOf(w[2]!), w[3]!)];
    const iso = ISO.exec(text);
    if (iso) return [this.message(null, isoWallOf(iso[2]!, iso[3]!, iso[4]!), iso[5]!)];
    // A console also carries ftrace text that a program printed (`cat trace`).
    if (text.startsWith('# tracer:')) return [{ kind: 'capture' }];
    const trace = ftraceRec(text);
    if (trace !== null && trace.kind !== 'other') return [trace];
    const bare = LEVEL_ONLY.exec(text);
    if (bare) return [{ kind: 'printk', timeNs: null, wallNs: null, message: bare[2]! }];
    if (text.trim() === '') return [OTHER_REC];
    // A kernel line without a stamp here is a continuation (a wrapped line, a `"` closing a probe string,
    // makedumpfile's indented stack frames) or another program's output.
    return [looksLifecycle(text) ? { kind: 'unreadable', message: 'kernel log line without a timestamp' } : OTHER_REC];
  }


  private message(timeNs: bigint | null, wallNs: bigint | null, text: string): Rec {
    const { message, cpu } = withoutCaller(text);
    if (message === DUMP_START) {
      this.dump = 'header';
      return { kind: 'block', clock: DUMP_CLOCK };
    }
    if (this.dump !== 'no' && DUMP_RULE.test(message.trim())) {
      const ends = this.dump === 'body';
      this.dump = ends ? 'no' : 'body';
      return ends ? { kind: 'block-end' } : CONTEXT_REC;
    }
    if (this.dump === 'body') {
      // The dump's stamps count from the ring buffer's last reset, not from boot: another clock, until aligned.
      const printed = timeNs === null ? undefined : { timeNs, text: message };
      const t = parseLatencyLine(message);
      if (t !== null) return { kind: 'trace', cpu: t.cpu, pid: t.pid, timeNs: t.timeNs, payload: t.payload, clock: DUMP_CLOCK, printed };
      const f = ftraceRec(message);
      if (f !== null && f.kind === 'trace') return { ...f, clock: DUMP_CLOCK, printed };
      if (f !== null && f.kind !== 'other') return f;
    }
    return cpu === undefined ? { kind: 'printk', timeNs, wallNs, message } : { kind: 'printk', timeNs, wallNs, message, cpu };
  }
}

/** The message after a printk caller, and the CPU a `[Cn]` caller names. */
export function withoutCaller(text: string): { readonly message: string; readonly cpu?: number } {
  const c = CALLER.exec(text);
  if (c === null) return { message: text };
  return c[1] === 'C' ? { message: c[3]!, cpu: Number(c[2]) } : { message: c[3]! };
}


/** dmesg -T prints local time to the second; it is read in this process's time zone (TZ). */
function wallOf(text: string): bigint | null {
  const d = parseDate(text.replace(/\s+/g, ' '), 'EEE MMM d HH:mm:ss yyyy', new Date(0));
  const ms = d.getTime();
  return Number.isNaN(ms) ? null : BigInt(ms) * 1_000_000n;
}

function isoWallOf(date: string, frac: string, zone: string): bigint | null {
  const ms = Date.parse(`${date}${zone}`);
  return Number.isNaN(ms) ? null : BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0'));
}

const KMSG = /^(\d{1,3}),(\d{1,20}),(\d{1,20}),([^;]{0,64});(.*)$/;
/** The caller among a record's header fields (`6,339,5140900,-,caller=T1;…`; `C2`: CPU 2). */
const KMSG_CALLER = /(?:^|,)caller=C(\d{1,10})(?:,|$)/;

/** /dev/kmsg: `<facility*8+level>,<seq>,<usecs>,<flags>[,…];<text>`, dictionary lines start with a space. */
export class KmsgReader extends LineByLine {
  read(line: Line): readonly Rec[] {
    const m = KMSG.exec(line.text);
    if (m) {
      const c = KMSG_CALLER.exec(m[4]!);
      const rec = { kind: 'printk', timeNs: BigInt(m[3]!) * 1000n, wallNs: null, message: m[5]! } as const;
      return [c === null ? rec : { ...rec, cpu: Number(c[1]) }];
    }
    if (line.text.startsWith(' ') || line.text.trim() === '') return [OTHER_REC];
    // A record whose header is broken may hold anything: report it.
    const broken = /^\d{1,3},\d{1,20},/.test(line.text) || looksLifecycle(line.text);
    return [broken ? { kind: 'unreadable', message: 'not a /dev/kmsg record' } : OTHER_REC];
  }

}

export const looksLikeKmsg = (text: string): boolean => KMSG.test(text);
export const looksLikeDmesg = (text: string): boolean => STAMPED.test(text) || WALL.test(text) || ISO.test(text);
