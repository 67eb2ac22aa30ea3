/**
 * NDJSON inputs: kvmlog's own events (what `events --json` prints), so that exported histories re-import,
 * and `bpftrace -f json` output, whose printf records carry the ftrace-format lines that
 * `kvmlog probes --bpftrace` prints. Lines that are not JSON (bpftrace's own chatter, a text capture) are
 * read as ftrace text.
 */
import { ERAS, type Era } from '../model/era.js';
import { isEventType, type LifecycleEvent } from '../model/event.js';
import type { Line } from './lines.js';
import { type LineReader, OTHER_REC, type Rec } from './record.js';
import { FtraceReader } from './read-trace.js';

export class NdjsonReader implements LineReader {
  private readonly text = new FtraceReader();

  read(line: Line): readonly Rec[] {
    const t = line.text.trim();
    if (!t.startsWith('{')) return this.text.read(line);
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(t) as Record<string, unknown>;
    } catch {
      return [{ kind: 'unreadable', message: 'JSON that does not parse' }];
    }
    if (o['type'] === 'kvmlog.boot' && typeof o['boot'] === 'string') {
      const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : null);
      const era = str('era');
      const bootKind = str('kind');
      return [
        {
          kind: 'boot-info',
          bootId: o['boot'] as string,
          kernel: str('kernel'),
          era: era !== null && (ERAS as readonly string[]).includes(era) ? (era as Era) : null,
          host: str('host'),
          bootKind: bootKind === 'kdump' || bootKind === 'normal' ? bootKind : null,
        },
      ];
    }
    if (typeof o['type'] === 'string' && typeof o['timeNs'] === 'string') return [kvmlogEvent(o)];
    if (o['type'] === 'printf' && typeof o['data'] === 'string') {
      return (o['data'] as string)
        .split('\n')
        .filter((l) => l.trim() !== '')
        .flatMap((text) => this.text.read({ no: line.no, text }));
    }
    return [OTHER_REC];
  }

  end(): readonly Rec[] {
    return [];
  }
}

/** What an `events --json` line carries around the event itself (render/events.ts writes it). */
const ENVELOPE = new Set(['seq', 'boot', 'timeNs', 'wallClock', 'source', 'raw', 'chain']);

/** The catalogue event inside an exported line: every key but the envelope's. */
export function exportedEvent(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !ENVELOPE.has(k)));
}

function kvmlogEvent(o: Record<string, unknown>): Rec {
  const { boot, timeNs, type } = o;
  if (!isEventType(type as string)) return { kind: 'unreadable', message: `kvmlog event of unknown type ${JSON.stringify(type)}` };
  if (typeof boot !== 'string' || !/^\d{1,20}$/.test(timeNs as string)) return { kind: 'unreadable', message: 'kvmlog event without boot or timeNs' };
  return { kind: 'event', bootId: boot, timeNs: BigInt(timeNs as string), event: exportedEvent(o) as LifecycleEvent };
}

export const looksLikeNdjson = (text: string): boolean => /^\{.*"(?:timeNs|type)"/.test(text.trim()) && !/"__CURSOR"/.test(text);
