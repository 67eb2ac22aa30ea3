/**
 * `perf script`: `<comm> <tid>[/<pid>] [<cpu>] <secs>.<frac>: [<period>] <group>:<event>: <fields>`.
 * Probes print bare addresses (`(ffffffffc0a1b2c0)`) and return probes are named `<func>__return`.
 */
import { decimalToNs } from '../../model/time.js';
import type { Line } from '../lines.js';
import { LineByLine, OTHER_REC, type Rec } from './format.js';
import { looksLifecycle } from './signals.js';

const PERF = /^\s{0,64}(\S.{0,63}?)\s{1,32}(\d{1,10})(?:\/(\d{1,10}))?\s{1,32}\[(\d{1,6})\]\s{1,32}(\d{1,12}\.\d{1,9}):\s{1,32}(?:\d{1,20}\s{1,32})?([\w.-]{1,64}):([\w.-]{1,128}):\s?(.*)$/;

export class PerfScriptReader extends LineByLine {
  read(line: Line): readonly Rec[] {
    const m = PERF.exec(line.text);
    if (m) {
      const timeNs = decimalToNs(m[5]!);
      if (timeNs !== null) return [{ kind: 'trace', cpu: Number(m[4]), pid: Number(m[2]), timeNs, payload: `${m[7]}: ${m[8]!.trimStart()}` }];
    }
    if (/^\s*$/.test(line.text) || /^\s*(?:[0-9a-f]{6,16}\s+\S|#)/.test(line.text)) return [OTHER_REC]; // callchain frames, comments
    return [looksLifecycle(line.text) ? { kind: 'unreadable', message: 'not a perf script record' } : OTHER_REC];
  }
}

export const looksLikePerf = (text: string): boolean => PERF.test(text);
