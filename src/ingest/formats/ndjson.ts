/**
 * NDJSON inputs: kvmlog's own events (what `events --json` prints), so that exported histories re-import,
 * and `bpftrace -f json` output, whose printf records carry the ftrace-format lines that
 * `kvmlog probes --bpftrace` prints. Lines that are not JSON (bpftrace's own chatter, a text capture) are
 * read as ftrace text.
 */
import { decodeLine } from '../../model/export-line.js';
import type { Line } from '../lines.js';
import { LineByLine, OTHER_REC, type Rec } from './format.js';
import { FtraceReader } from './ftrace/reader.js';

export class NdjsonReader extends LineByLine {
  private readonly text = new FtraceReader();

  read(line: Line): readonly Rec[] {
    const t = line.text.trim();
    if (!t.startsWith('{')) return this.text.read(line);
    let o: unknown;
    try {
      o = JSON.parse(t);
    } catch {
      return [{ kind: 'unreadable', message: 'JSON that does not parse' }];
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return [OTHER_REC];
    const d = decodeLine(o as Record<string, unknown>);
    switch (d.kind) {
      case 'boot-header': {
        const h = d.header;
        return [{ kind: 'boot-info', bootId: h.boot, kernel: h.kernel, era: h.era, host: h.host, bootKind: h.kind }];
      }
      case 'event':
        return [{ kind: 'event', bootId: d.boot, timeNs: d.timeNs, clock: d.clock, uncertaintyNs: d.uncertaintyNs, event: d.event }];
      case 'invalid':
        return [{ kind: 'unreadable', message: d.message }];
      case 'other':
        break;
    }
    const rec = o as Record<string, unknown>;
    if (rec['type'] === 'printf' && typeof rec['data'] === 'string') {
      return rec['data']
        .split('\n')
        .filter((l) => l.trim() !== '')
        .flatMap((text) => this.text.read({ no: line.no, text }));
    }
    return [OTHER_REC];
  }

}

export const looksLikeNdjson = (text: string): boolean => /^\{.*"(?:timeNs|type)"/.test(text.trim()) && !/"__CURSOR"/.test(text);
