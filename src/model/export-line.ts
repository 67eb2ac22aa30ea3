/**
 * kvmlog's own NDJSON line — the one codec for what `events --json`, `export --format ndjson` and `reproduce`
 * write and the NDJSON reader and `verify FILE` read: a boot header (`{"type":"kvmlog.boot",…}`), then each event
 * as the catalogue event with its envelope around it (seq, boot, timeNs, wallClock, source, raw, chain).
 */
import type { Boot } from './boot.js';
import { ERAS, type Era } from './era.js';
import { type BootKind, type EventRecord, type LifecycleEvent, parseEvent } from './event.js';
import { KERNEL_CLOCK } from './sightings.js';
import { formatWall } from './wall.js';

export const BOOT_HEADER_TYPE = 'kvmlog.boot';

/** What an event line carries around the event itself. */
const ENVELOPE = new Set(['seq', 'boot', 'timeNs', 'clock', 'uncertaintyNs', 'wallClock', 'source', 'raw', 'chain']);

/** What kvmlog knows of a boot, ahead of its events: enough for an import to place them. */
export interface BootHeader {
  readonly boot: string;
  readonly kernel: string | null;
  readonly era: Era | null;
  readonly host: string | null;
  readonly kind: BootKind | null;
}

export function encodeBootHeader(b: Boot): string {
  return JSON.stringify({ type: BOOT_HEADER_TYPE, boot: b.id, kernel: b.kernel, era: b.era, host: b.host, kind: b.kind });
}

/**
 * An event as one NDJSON object: the catalogue event plus sequence, boot, exact kernel time, the wall clock where
 * the boot has an anchor, provenance (with the input file's SHA-256), and — where read — the event's place in the
 * store's hash chain, so that the line can be verified without the store.
 */
export function encodeEvent(r: EventRecord, bootWallNs: bigint | null): object {
  return {
    seq: r.seq,
    boot: r.boot,
    timeNs: r.timeNs.toString(),
    // On another clock an instant is no kernel time, and has no wall-clock time either.
    ...(r.clock === KERNEL_CLOCK ? (bootWallNs === null ? {} : { wallClock: formatWall(bootWallNs + r.timeNs) }) : { clock: r.clock }),
    ...(r.uncertaintyNs === 0n ? {} : { uncertaintyNs: r.uncertaintyNs.toString() }),
    ...r.event,
    source: { path: r.provenance.path, line: r.provenance.line, sha256: r.provenance.sourceSha256 },
    raw: r.provenance.raw,
    ...(r.chain === undefined ? {} : { chain: r.chain }),
  };
}

/** The catalogue event inside an event line, unchecked: every key but the envelope's (what `verify` hashes). */
export function eventPart(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !ENVELOPE.has(k)));
}

const MAX_NS = 2n ** 63n - 1n;

/** Boot ids are printable ASCII: a journal's boot id, kvmlog's own hex digests. */
const BOOT_ID = /^[\x21-\x7e]{1,128}$/;
const BOOT_ID_FORM = '(1 to 128 printable ASCII characters)';
const isBootId = (v: unknown): v is string => typeof v === 'string' && BOOT_ID.test(v);

export type DecodedLine =
  | { readonly kind: 'boot-header'; readonly header: BootHeader }
  | { readonly kind: 'event'; readonly boot: string; readonly timeNs: bigint; readonly clock: string; readonly uncertaintyNs: bigint; readonly event: LifecycleEvent }
  /** A kvmlog line that cannot be taken as it is: why. */
  | { readonly kind: 'invalid'; readonly message: string }
  /** JSON, but no kvmlog line (bpftrace's records, say). */
  | { readonly kind: 'other' };

/** A parsed JSON object as a kvmlog line, every value checked. */
export function decodeLine(o: Readonly<Record<string, unknown>>): DecodedLine {
  if (o['type'] === BOOT_HEADER_TYPE) {
    if (!isBootId(o['boot'])) return { kind: 'invalid', message: `kvmlog boot header without a boot id ${BOOT_ID_FORM}` };
    const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : null);
    const era = str('era');
    const kind = str('kind');
    return {
      kind: 'boot-header',
      header: {
        boot: o['boot'],
        kernel: str('kernel'),
        era: era !== null && (ERAS as readonly string[]).includes(era) ? (era as Era) : null,
        host: str('host'),
        kind: kind === 'kdump' || kind === 'normal' ? kind : null,
      },
    };
  }
  if (typeof o['type'] !== 'string' || !('timeNs' in o)) return { kind: 'other' };
  const { boot, timeNs } = o;
  if (!isBootId(boot)) return { kind: 'invalid', message: `kvmlog event without a boot id ${BOOT_ID_FORM}` };
  if (typeof timeNs !== 'string' || !/^\d{1,19}$/.test(timeNs) || BigInt(timeNs) > MAX_NS) {
    return { kind: 'invalid', message: 'kvmlog event whose timeNs is not a decimal count of nanoseconds below 2^63' };
  }
  const clock = o['clock'] ?? KERNEL_CLOCK;
  if (typeof clock !== 'string' || !BOOT_ID.test(clock)) return { kind: 'invalid', message: 'kvmlog event whose clock is not a name of printable ASCII' };
  const u = o['uncertaintyNs'] ?? '0';
  if (typeof u !== 'string' || !/^\d{1,19}$/.test(u) || BigInt(u) > MAX_NS) return { kind: 'invalid', message: 'kvmlog event whose uncertaintyNs is not a decimal count of nanoseconds below 2^63' };
  const parsed = parseEvent(eventPart(o));
  if (!parsed.ok) return { kind: 'invalid', message: `kvmlog event: ${parsed.message}` };
  return { kind: 'event', boot, timeNs: BigInt(timeNs), clock, uncertaintyNs: BigInt(u), event: parsed.event };
}

/** The line an event re-imported from kvmlog NDJSON was first read from, if its raw text is such a line. */
export function firstSighting(raw: string): { readonly path: string; readonly line: number | null; readonly raw: string } | null {
  if (!raw.startsWith('{')) return null;
  try {
    const o = JSON.parse(raw) as { raw?: unknown; source?: { path?: unknown; line?: unknown } };
    if (typeof o.raw !== 'string' || typeof o.source?.path !== 'string') return null;
    return { path: o.source.path, line: typeof o.source.line === 'number' ? o.source.line : null, raw: o.raw };
  } catch {
    return null;
  }
}
