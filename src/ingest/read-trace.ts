/** Readers of trace text: ftrace (`trace`, `trace_pipe`, `trace-cmd report`) and `perf script`. */
import { decimalToNs } from '../model/time.js';
import { possibleCpu } from './cpus.js';
import { ByteNames } from './byte-names.js';
import { After, type FtraceHead, type HotplugEnterBytes, exactHead, exactRecord, headNs, hotplugEnterBytes, newHead, scanFtraceHead } from './ftrace-bytes.js';
import type { Line } from './lines.js';
import { CONTEXT_REC, type HotplugStep, type LineReader, OTHER_REC, type Rec } from './record.js';
import { SYMBOLS } from './symbols.js';
import { parseFtraceLine } from './ftrace-line.js';
import { looksLifecycle } from './signals.js';

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

/** Tracepoints kvmlog reads; any other tracepoint is another subsystem's. */
const READ_TRACEPOINTS = new Set(['cpuhp_enter', 'cpuhp_multi_enter', 'cpuhp_exit', 'module_load', 'module_free', 'suspend_resume', 'tracing_mark_write', 'print']);
/** The tracepoints of a hotplug step: read from their bytes where that is all they are (`hotplugStep`). */
const HOTPLUG_ENTER = new Set(['cpuhp_enter', 'cpuhp_multi_enter']);

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
  return { reads: READ_TRACEPOINTS.has(name), step: HOTPLUG_ENTER.has(name) };
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
  /**
   * Each CPU's last record stamp, for a later loss marker: kept as numbers, converted only when one comes. By
   * CPU id (below MAX_CPUS): every line of a trace writes it.
   */
  private readonly lastStamp: (Stamp | undefined)[] = [];
  private readonly head: FtraceHead = newHead();
  /** Decisions by event name, no string made of them (`After` is the tag: a name may be a probe's and a tracepoint's). */
  private readonly decided = new ByteNames<Decision>((name, after) => decide(name, after));
  private readonly callbacks = new ByteNames<string>((name) => name);
  /** The line `skips` last found to be a hotplug step's, for `hotplugStep`: its buffer and start. */
  private stepBytes: Buffer | null = null;
  private stepStart = -1;
  private readonly enter: HotplugEnterBytes = { cpu: 0, target: 0, step: 0, callbackStart: 0, callbackEnd: 0 };
  private readonly step: HotplugStep = { recordCpu: 0, timeNs: 0n, cpu: 0, target: 0, step: 0, callback: '' };

  /**
   * Most lines of a trace are other subsystems' events: such a line is counted by its bytes and never decoded.
   * Anything that does not read as a record head goes the full way, so that a mangled lifecycle line still
   * becomes a warning.
   */
  skips(bytes: Buffer, start: number, end: number): boolean {
    const h = this.head;
    this.stepStart = -1;
    if (!scanFtraceHead(bytes, start, end, h)) return false;
    if (h.after === After.Probe) return false;
    const d = this.decided.getHashed(bytes, h.nameStart, h.nameEnd, h.after, h.nameHash);
    if (d.reads) {
      if (d.step) {
        this.stepBytes = bytes;
        this.stepStart = start;
      }
      return false;
    }
    if (!possibleCpu(h.cpu)) return true;
    const seen = this.lastStamp[h.cpu];
    if (seen === undefined) this.lastStamp[h.cpu] = { secs: h.secs, frac: h.frac, fracDigits: h.fracDigits, ns: null };
    else {
      seen.secs = h.secs;
      seen.frac = h.frac;
      seen.fracDigits = h.fracDigits;
      seen.ns = null;
    }
    return true;
  }

  /** Most records kvmlog reads are made from their bytes, without the record regex: exactly what `read` makes. */
  readBytes(bytes: Buffer, start: number, end: number, line: Line): readonly Rec[] | null {
    const r = exactRecord(bytes, start, end);
    if (r === null) return null;
    if (possibleCpu(r.cpu)) this.stampNs(r.cpu, r.timeNs);
    // The head is ASCII (exactRecord checks): byte offsets into the line are its text's offsets.
    return [{ kind: 'trace', cpu: r.cpu, pid: r.pid, timeNs: r.timeNs, payload: line.text.slice(r.payloadStart - start) }];
  }

  hotplugStep(bytes: Buffer, start: number, end: number): HotplugStep | null {
    if (start !== this.stepStart || bytes !== this.stepBytes) return null;
    this.stepStart = -1;
    // Its payload's every byte is read below: no need to look for line ends in it first.
    const r = exactHead(bytes, start, end);
    // The record's own reading must find the name where the head scan did.
    if (r === null || r.payloadStart !== this.head.nameStart) return null;
    const e = this.enter;
    // An impossible CPU is a mangled line: the full reader warns.
    if (!hotplugEnterBytes(bytes, this.head.nameEnd, end, e) || !possibleCpu(e.cpu)) return null;
    if (possibleCpu(r.cpu)) this.stampNs(r.cpu, r.timeNs);
    const s = this.step;
    s.recordCpu = r.cpu;
    s.timeNs = r.timeNs;
    s.cpu = e.cpu;
    s.target = e.target;
    s.step = e.step;
    s.callback = this.callbacks.get(bytes, e.callbackStart, e.callbackEnd);
    return s;
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

  private stampNs(cpu: number, ns: bigint): void {
    const seen = this.lastStamp[cpu];
    if (seen === undefined) this.lastStamp[cpu] = { secs: 0, frac: 0, fracDigits: 0, ns };
    else seen.ns = ns;
  }
}

/**
 * `perf script`: `<comm> <tid>[/<pid>] [<cpu>] <secs>.<frac>: [<period>] <group>:<event>: <fields>`.
 * Probes print bare addresses (`(ffffffffc0a1b2c0)`) and return probes are named `<func>__return`.
 */
const PERF = /^\s{0,64}(\S.{0,63}?)\s{1,32}(\d{1,10})(?:\/(\d{1,10}))?\s{1,32}\[(\d{1,6})\]\s{1,32}(\d{1,12}\.\d{1,9}):\s{1,32}(?:\d{1,20}\s{1,32})?([\w.-]{1,64}):([\w.-]{1,128}):\s?(.*)$/;

export class PerfScriptReader implements LineReader {
  read(line: Line): readonly Rec[] {
    const m = PERF.exec(line.text);
    if (m) {
      const timeNs = decimalToNs(m[5]!);
      if (timeNs !== null) return [{ kind: 'trace', cpu: Number(m[4]), pid: Number(m[2]), timeNs, payload: `${m[7]}: ${m[8]!.trimStart()}` }];
    }
    if (/^\s*$/.test(line.text) || /^\s*(?:[0-9a-f]{6,16}\s+\S|#)/.test(line.text)) return [OTHER_REC]; // callchain frames, comments
    return [looksLifecycle(line.text) ? { kind: 'unreadable', message: 'not a perf script record' } : OTHER_REC];
  }

  end(): readonly Rec[] {
    return [];
  }
}

export const looksLikePerf = (text: string): boolean => PERF.test(text);
