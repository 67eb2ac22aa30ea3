/**
 * Readers of the journal and syslog: traditional syslog files (`Nov 25 11:58:46 host kernel: [  12.345678] msg`),
 * `journalctl -o short`, `short-precise`, `short-iso`, `short-iso-precise`, `short-monotonic`, and
 * `journalctl -o json` / `json-pretty`. Only the kernel's own messages are read; the rest is counted.
 */
import { parse as parseDate } from 'date-fns/parse';
import { decimalToNs } from '../../model/time.js';
import type { Line } from '../lines.js';
import { LineByLine, OTHER_REC, type Rec } from './format.js';
import { withoutCaller } from './kernel-log.js';
import { looksLifecycle } from './signals.js';

const HOST_IDENT = String.raw`(\S{1,255})\s+([^\s:\[]{1,64})(?:\[\d{1,10}\])?:\s?(.*)$`;
const MONOTONIC = new RegExp(String.raw`^\[\s{0,12}(\d{1,12}\.\d{1,9})\]\s+` + HOST_IDENT);
const ISO = new RegExp(String.raw`^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})\s+` + HOST_IDENT);
const BSD = new RegExp(String.raw`^([A-Z][a-z]{2}\s{1,2}\d{1,2} \d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?\s+` + HOST_IDENT);
/** The patterns built at run time, for the check that every pattern runs in linear time. */
export const BUILT_PATTERNS: readonly RegExp[] = [MONOTONIC, ISO, BSD];
const KERNEL_STAMP = /^\[\s{0,12}(\d{1,12}\.\d{1,9})\]\s?(.*)$/;
const BOOT_SEPARATOR = /^-- Boot ([0-9a-f]{32}) --$/;

export class SyslogReader extends LineByLine {
  constructor(private readonly now: Date = new Date()) {
    super();
  }

  read(line: Line): readonly Rec[] {
    const text = line.text;
    const boot = BOOT_SEPARATOR.exec(text);
    if (boot) return [{ kind: 'boot', bootId: boot[1]! }];
    if (text === '-- Reboot --') return [{ kind: 'boot', bootId: null }];
    if (text.startsWith('-- ') || text.trim() === '') return [OTHER_REC];

    const h = this.header(text);
    if (h === null) return [looksLifecycle(text) ? { kind: 'unreadable', message: 'not a syslog or journal line' } : OTHER_REC];
    const { timeNs, wallNs, host, ident, message } = h;
    if (ident !== 'kernel') return [OTHER_REC];
    // rsyslog keeps the kernel's own stamp in the text; journald moves it out of the message.
    const k = KERNEL_STAMP.exec(message);
    if (k) return [{ kind: 'printk', timeNs: decimalToNs(k[1]!), wallNs, host, ...withoutCaller(k[2]!) }];
    return [{ kind: 'printk', timeNs, wallNs, host, ...withoutCaller(message) }];
  }


  /** The stamp, host and program of a line, in whichever of the three layouts it has. */
  private header(text: string): { timeNs: bigint | null; wallNs: bigint | null; host: string; ident: string; message: string } | null {
    const h = this.layout(text);
    // `Nov 25 12:33:34 kernel: msg` lacks the host: `kernel:` would be read as the host.
    return h === null || h.host.endsWith(':') ? null : h;
  }

  private layout(text: string): { timeNs: bigint | null; wallNs: bigint | null; host: string; ident: string; message: string } | null {
    const mono = MONOTONIC.exec(text);
    if (mono) return { timeNs: decimalToNs(mono[1]!), wallNs: null, host: mono[2]!, ident: mono[3]!, message: mono[4]! };
    const iso = ISO.exec(text);
    if (iso) return { timeNs: null, wallNs: isoWall(iso[1]!, iso[2], iso[3]!), host: iso[4]!, ident: iso[5]!, message: iso[6]! };
    const bsd = BSD.exec(text);
    if (bsd) return { timeNs: null, wallNs: this.bsdWall(bsd[1]!, bsd[2]), host: bsd[3]!, ident: bsd[4]!, message: bsd[5]! };
    return null;
  }

  /** `Nov 25 11:58:46[.123456]` has no year: the latest such date not in the future, in local time. */
  private bsdWall(text: string, frac: string | undefined): bigint | null {
    let d = parseDate(`${text.replace(/\s+/g, ' ')} ${this.now.getFullYear()}`, 'MMM d HH:mm:ss yyyy', new Date(0));
    if (Number.isNaN(d.getTime())) return null;
    if (d.getTime() > this.now.getTime() + 86_400_000) d = new Date(d.setFullYear(d.getFullYear() - 1));
    return BigInt(d.getTime()) * 1_000_000n + fracNs(frac);
  }
}

function isoWall(date: string, frac: string | undefined, zone: string): bigint | null {
  const z = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${date}${z}`);
  return Number.isNaN(ms) ? null : BigInt(ms) * 1_000_000n + fracNs(frac);
}

const fracNs = (frac: string | undefined): bigint => (frac ? BigInt(frac.slice(0, 9).padEnd(9, '0')) : 0n);

export const looksLikeSyslog = (text: string): boolean =>
  BOOT_SEPARATOR.test(text) || ISO.test(text) || BSD.test(text) || (MONOTONIC.exec(text)?.[3] === 'kernel');

/**
 * `journalctl -o json` (one object a line) and `-o json-pretty` (objects spread over lines, `{` and `}`
 * alone on theirs). Times are microseconds: the kernel's own stamp is `_SOURCE_MONOTONIC_TIMESTAMP`.
 */
export class JournalJsonReader extends LineByLine {
  private held: string[] | null = null;
  private heldFrom = 0;
  private static readonly MAX_LINES = 100_000;

  read(line: Line): readonly Rec[] {
    const text = line.text.trim();
    if (this.held !== null) {
      this.held.push(text);
      if (text === '}') {
        const joined = this.held.join('\n');
        this.held = null;
        return [this.record(joined)];
      }
      if (this.held.length > JournalJsonReader.MAX_LINES) {
        this.held = null;
        return [{ kind: 'unreadable', message: `journal JSON object from line ${this.heldFrom} never closes` }];
      }
      return [];
    }
    if (text === '{') {
      this.held = [text];
      this.heldFrom = line.no;
      return [];
    }
    if (text.startsWith('{')) return [this.record(text)];
    return [text === '' ? OTHER_REC : { kind: 'unreadable', message: 'not a journal JSON record' }];
  }

  override end(): readonly Rec[] {
    if (this.held === null) return [];
    this.held = null;
    return [{ kind: 'unreadable', message: `journal JSON object from line ${this.heldFrom} is cut off at the end of the input` }];
  }

  private record(text: string): Rec {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return { kind: 'unreadable', message: 'journal JSON record that does not parse' };
    }
    if (o['_TRANSPORT'] !== 'kernel' && o['SYSLOG_IDENTIFIER'] !== 'kernel') return OTHER_REC;
    const message = messageOf(o['MESSAGE']);
    if (message === null) return { kind: 'unreadable', message: 'kernel journal record without MESSAGE' };
    const us = (k: string): bigint | null => (typeof o[k] === 'string' && /^\d{1,20}$/.test(o[k] as string) ? BigInt(o[k] as string) * 1000n : null);
    return {
      kind: 'printk',
      timeNs: us('_SOURCE_MONOTONIC_TIMESTAMP') ?? us('__MONOTONIC_TIMESTAMP'),
      wallNs: us('__REALTIME_TIMESTAMP'),
      message,
      bootId: typeof o['_BOOT_ID'] === 'string' ? (o['_BOOT_ID'] as string) : undefined,
      host: typeof o['_HOSTNAME'] === 'string' ? (o['_HOSTNAME'] as string) : undefined,
    };
  }
}

/** MESSAGE is a string, or an array of bytes when it is not valid UTF-8. */
function messageOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((b) => typeof b === 'number')) return new TextDecoder().decode(Uint8Array.from(v as number[]));
  return null;
}

export const looksLikeJournalJson = (text: string): boolean => /^\{\s*$|"__(?:CURSOR|REALTIME_TIMESTAMP)"/.test(text.trim());
