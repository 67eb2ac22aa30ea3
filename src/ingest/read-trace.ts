/** Readers of trace text: ftrace (`trace`, `trace_pipe`, `trace-cmd report`) and `perf script`. */
import { decimalToNs } from '../model/time.js';
import type { Line } from './lines.js';
import { CONTEXT_REC, JUST_OTHER, type LineReader, OTHER_REC, type Rec } from './record.js';
import { SYMBOLS, probeFunction } from './symbols.js';
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

/**
 * The cheap rejection path: most lines of a trace are other subsystems' events. A line is read in full only
 * if its event is one kvmlog reads (a lifecycle tracepoint, a probe hit — its payload opens with `(` — or a
 * lifecycle function in the function tracer); anything that does not look like a record at all goes the
 * slow way, so that a mangled lifecycle line still becomes a warning.
 */
const EVENT_NAME = /^\s*\S.{0,80}?\[(\d{1,6})\]\s+(?:\S{4,6}\s+)?(\d{1,12}\.\d{1,9}): ([\w.$-]{1,200})(: \(| <-|:)/;
const READ_TRACEPOINTS = new Set(['cpuhp_enter', 'cpuhp_multi_enter', 'cpuhp_exit', 'module_load', 'module_free', 'suspend_resume', 'tracing_mark_write', 'print']);

/** Whether a line needs reading in full; a skipped line's CPU and stamp are noted for a later loss marker. */
function worthReading(text: string, lastStamp: Map<string, string>): boolean {
  const m = EVENT_NAME.exec(text);
  if (m === null) return true;
  const [, cpu, stamp, name, after] = m as unknown as [string, string, string, string, string];
  lastStamp.set(String(Number(cpu)), stamp);
  if (after === ': (') return true; // a probe hit
  if (after === ' <-') return SYMBOLS.has(name); // the function tracer
  return READ_TRACEPOINTS.has(name) || name === 'stack trace' || probeFunction(name, false, null) !== null;
}

export class FtraceReader implements LineReader {
  /** Each CPU's last record stamp, as text: converted only when a loss marker needs it. */
  private readonly lastStamp = new Map<string, string>();

  read(line: Line): readonly Rec[] {
    if (!worthReading(line.text, this.lastStamp)) return JUST_OTHER;
    const r = ftraceRec(line.text);
    if (r?.kind === 'lost' && r.cpu !== null) {
      const stamp = this.lastStamp.get(String(r.cpu));
      return [{ ...r, afterNs: stamp === undefined ? undefined : (decimalToNs(stamp) ?? undefined) }];
    }
    if (r !== null) return [r];
    if (TRACE_CMD_HEADER.test(line.text)) return [OTHER_REC];
    return [looksLifecycle(line.text) ? { kind: 'unreadable', message: 'not an ftrace record' } : OTHER_REC];
  }

  end(): readonly Rec[] {
    return [];
  }
}

/**
 * `perf script`: `<comm> <tid>[/<pid>] [<cpu>] <secs>.<frac>: [<period>] <group>:<event>: <fields>`.
 * Probes print bare addresses (`(ffffffffc0a1b2c0)`) and return probes are named `<func>__return`.
 */
const PERF = /^\s*(.{1,64}?)\s+(\d{1,10})(?:\/(\d{1,10}))?\s+\[(\d{1,6})\]\s+(\d{1,12}\.\d{1,9}):\s+(?:\d{1,20}\s+)?([\w.-]{1,64}):([\w.-]{1,128}):\s?(.*)$/;

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
