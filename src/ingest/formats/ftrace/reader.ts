/**
 * ftrace text: `trace`, `trace_pipe`, `trace-cmd report`. Most lines of a busy trace are other subsystems'
 * records: each line's head is read from its bytes first (bytes.ts), and a record of a tracepoint kvmlog does not
 * read is counted and never decoded; a record it reads is made from its bytes where they leave no doubt, else by
 * the grammar (grammar.ts) that the byte path is tested against.
 */
import { SYMBOLS } from '../../decode/symbols.js';
import { TRACEPOINTS } from '../../decode/tracepoints.js';
import { possibleCpu } from '../../cpus.js';
import type { Line, LineBatch } from '../../lines.js';
import { CONTEXT_REC, type HotplugStep, type LineReader, OTHER_REC, type Rec, type RecordSink, tooLongMessage } from '../format.js';
import { looksLifecycle } from '../signals.js';
import { ByteNames } from './byte-names.js';
import { After, FtraceHeadScanner, type HotplugEnterFields, headNs, oneRegexLine } from './bytes.js';
import { parseFtraceLine } from './grammar.js';

/** One ftrace-text line → its record. Shared by every reader that meets ftrace lines inside other text. */
export function ftraceRec(text: string): Rec | null {
  const f = parseFtraceLine(text);
  switch (f.kind) {
    case 'record':
      return { kind: 'trace', cpu: f.record.cpu, pid: f.record.pid, timeNs: f.record.timeNs, payload: f.record.payload };
    case 'stack-frame':
      return CONTEXT_REC;
    case 'lost':
      return { kind: 'lost', cpu: f.cpu, count: f.count };
    case 'comment':
    case 'blank':
      return OTHER_REC;
    case 'unparsed':
      return null;
  }
}

/** trace-cmd report's header lines: `version = 6`, `cpus=4`, `CPU 0 is empty`, `CPU0 data recorded at offset=…`. */
const TRACE_CMD_HEADER = /^(?:version = \d+|cpus=\d+|CPU ?\d+ is empty|CPU ?\d+ data recorded at .*|\s+\d+ bytes in size.*|trace-cmd: .*)$/;

/** What the bytes of a line's head said: skip it, take it as a hotplug step, read it (its head read, or not). */
const SKIP = 0;
const STEP = 1;
const READ_HEAD = 2;
const READ = 3;
type Skim = typeof SKIP | typeof STEP | typeof READ_HEAD | typeof READ;

interface Decision {
  /** The record is read in full, or as a hotplug step; else it is another subsystem's, skipped. */
  readonly reads: boolean;
  readonly step: boolean;
}

/** Whether a record of this event is read, decided once per event name. */
function decide(name: string, after: After): Decision {
  if (after === After.Probe) return { reads: true, step: false };
  if (after === After.Function) return { reads: SYMBOLS.has(name), step: false };
  // A tracepoint that shares a lifecycle function's name (`kvm_exit`, the VM-exit event) is still a tracepoint.
  const tp = TRACEPOINTS.get(name);
  return { reads: tp !== undefined, step: tp?.hotplugStep === true };
}

/**
 * A CPU's last record stamp, rewritten in place by every record of that CPU: as the head scan read it (numbers,
 * converted only when a loss marker needs them), or as a record's time (`ns`), whichever came last.
 */
interface Stamp {
  secs: number;
  frac: number;
  fracDigits: number;
  ns: bigint | null;
}

export class FtraceReader implements LineReader {
  /** False: every `cpuhp_enter` is read in full, as the step path is tested against (test/ingest). */
  static stepsFromBytes = true;

  /** Each CPU's last record stamp, for a later loss marker, by CPU id (below MAX_CPUS): every line writes it. */
  private readonly lastStamp: (Stamp | undefined)[] = [];
  private readonly head = new FtraceHeadScanner();
  /** Decisions by event name, no string made of them (`After` is the tag: a name may be a probe's and a tracepoint's). */
  private readonly decided = new ByteNames<Decision>((name, after) => decide(name, after));
  private readonly callbacks = new ByteNames<string>((name) => name);
  private readonly enter: HotplugEnterFields = { cpu: 0, target: 0, step: 0, callbackStart: 0, callbackEnd: 0 };
  private readonly step: HotplugStep = { recordCpu: 0, timeNs: 0n, cpu: 0, target: 0, step: 0, callback: '' };

  readBatch(b: LineBatch, out: RecordSink): void {
    if (b.tooLong !== undefined) return out.unread(b.firstNo, tooLongMessage(b.tooLong));
    const bytes = b.bytes;
    for (let i = 0; i < b.length; i++) {
      const start = b.starts[i]!;
      const end = b.ends[i]!;
      const d = this.skimmed(bytes, start, end);
      if (d === SKIP) out.other();
      else if (d === STEP && out.takesSteps && FtraceReader.stepsFromBytes && this.stepOf(bytes, end, out)) continue;
      else {
        const l = b.line(i);
        // A head the scanner read is the record's, unless its payload holds a line end for the pattern.
        const made = d !== READ && oneRegexLine(bytes, this.head.payloadStart, end) ? this.fromHead(start, l) : null;
        out.line(l, made ?? this.read(l));
      }
    }
  }

  /**
   * Whether the line's bytes alone show it is another subsystem's record (`skips`, counted as other and never
   * decoded). Only certainties: anything that does not read as a record head goes the full way, so that a mangled
   * lifecycle line still becomes a warning.
   */
  skips(bytes: Buffer, start: number, end: number): boolean {
    return this.skimmed(bytes, start, end) === SKIP;
  }

  /** A record kvmlog reads, made from its bytes exactly as `read` would make it; null to leave it to `read`. */
  readBytes(bytes: Buffer, start: number, end: number, line: Line): readonly Rec[] | null {
    const h = this.head;
    if (!h.head(bytes, start, end) || !oneRegexLine(bytes, h.payloadStart, end)) return null;
    return this.fromHead(start, line);
  }

  /** The record of the line whose head the scanner just read. */
  private fromHead(start: number, line: Line): readonly Rec[] {
    const h = this.head;
    const timeNs = h.timeNs();
    if (possibleCpu(h.cpu)) this.stampNs(h.cpu, timeNs);
    // The head is ASCII (the scanner checks): byte offsets into the line are its text's offsets.
    return [{ kind: 'trace', cpu: h.cpu, pid: h.pid, timeNs, payload: line.text.slice(h.payloadStart - start) }];
  }

  read(line: Line): readonly Rec[] {
    const r = ftraceRec(line.text);
    if (r?.kind === 'trace' && r.cpu !== null && possibleCpu(r.cpu)) this.stampNs(r.cpu, r.timeNs);
    if (r?.kind === 'lost' && r.cpu !== null) {
      const stamp = possibleCpu(r.cpu) ? this.lastStamp[r.cpu] : undefined;
      return [{ ...r, afterNs: stamp === undefined ? undefined : (stamp.ns ?? headNs(stamp)) }];
    }
    if (r !== null) return [r];
    if (TRACE_CMD_HEADER.test(line.text)) return [OTHER_REC];
    return [looksLifecycle(line.text) ? { kind: 'unreadable', message: 'not an ftrace record' } : OTHER_REC];
  }

  end(): readonly Rec[] {
    return [];
  }

  /** The line's head and name read from its bytes: skipped, a hotplug step, or to be read. */
  private skimmed(bytes: Buffer, start: number, end: number): Skim {
    const h = this.head;
    if (!h.head(bytes, start, end)) return READ;
    if (!h.name(bytes, end) || h.after === After.Probe) return READ_HEAD;
    const d = this.decided.getHashed(bytes, h.nameStart, h.nameEnd, h.after, h.nameHash);
    if (d.reads) return d.step ? STEP : READ_HEAD;
    if (!possibleCpu(h.cpu)) return SKIP;
    const seen = this.lastStamp[h.cpu];
    if (seen === undefined) this.lastStamp[h.cpu] = { secs: h.secs, frac: h.frac, fracDigits: h.fracDigits, ns: null };
    else {
      seen.secs = h.secs;
      seen.frac = h.frac;
      seen.fracDigits = h.fracDigits;
      seen.ns = null;
    }
    return SKIP;
  }

  /**
   * The line as a hotplug step read from its bytes alone, as a reading of the batch would take it; null where it
   * would read the line in full. The object is the reader's own, valid until its next call.
   */
  hotplugStep(bytes: Buffer, start: number, end: number): HotplugStep | null {
    return this.skimmed(bytes, start, end) === STEP ? this.stepRead(bytes, end) : null;
  }

  /** The hotplug step of the line `skimmed` just read as one, handed to `out`: false to have the line read in full. */
  private stepOf(bytes: Buffer, end: number, out: RecordSink): boolean {
    const s = this.stepRead(bytes, end);
    return s !== null && out.step(s);
  }

  private stepRead(bytes: Buffer, end: number): HotplugStep | null {
    const h = this.head;
    const e = this.enter;
    // An impossible CPU is a mangled line: the full reader warns.
    if (!h.hotplugEnter(bytes, end, e) || !possibleCpu(e.cpu)) return null;
    const timeNs = h.timeNs();
    if (possibleCpu(h.cpu)) this.stampNs(h.cpu, timeNs);
    const s = this.step;
    s.recordCpu = h.cpu;
    s.timeNs = timeNs;
    s.cpu = e.cpu;
    s.target = e.target;
    s.step = e.step;
    s.callback = this.callbacks.get(bytes, e.callbackStart, e.callbackEnd);
    return s;
  }

  private stampNs(cpu: number, ns: bigint): void {
    const seen = this.lastStamp[cpu];
    if (seen === undefined) this.lastStamp[cpu] = { secs: 0, frac: 0, fracDigits: 0, ns };
    else seen.ns = ns;
  }
}

