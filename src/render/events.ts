import type { EventRecord, LifecycleEvent } from '../model/event.js';
import { formatNs } from '../model/time.js';
import { formatWall } from '../model/wall.js';

/**
 * One NDJSON line of `events --json`: the catalogue event plus sequence, boot, exact kernel time, the wall
 * clock where the boot has an anchor, provenance (with the input file's SHA-256), and — where read — the event's
 * place in the store's hash chain, so that the line can be verified without the store (`kvmlog verify FILE`).
 */
export function eventJson(r: EventRecord, bootWallNs: bigint | null): object {
  return {
    seq: r.seq,
    boot: r.boot,
    timeNs: r.timeNs.toString(),
    ...(bootWallNs === null ? {} : { wallClock: formatWall(bootWallNs + r.timeNs) }),
    ...r.event,
    source: { path: r.provenance.path, line: r.provenance.line, sha256: r.provenance.sourceSha256 },
    raw: r.provenance.raw,
    ...(r.chain === undefined ? {} : { chain: r.chain }),
  };
}

/** `cpuhp.callback cpu=2 callback=kvm_online_cpu phase=exit ret=0` */
export function describeEvent(e: LifecycleEvent): string {
  const { type, ...fields } = e;
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== null && !(typeof v === 'object' && Object.keys(v as object).length === 0))
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return [type, ...parts].join(' ');
}

export function eventLine(r: EventRecord, bootWallNs: bigint | null): string {
  const wall = bootWallNs === null ? '' : `${formatWall(bootWallNs + r.timeNs).slice(0, 26)}Z  `;
  return `${formatNs(r.timeNs).padStart(16)}  ${wall}#${String(r.seq).padEnd(6)} ${describeEvent(r.event)}`;
}
