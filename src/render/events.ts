import type { EventRecord, LifecycleEvent } from '../model/event.js';
import { encodeEvent } from '../model/export-line.js';
import { KERNEL_CLOCK } from '../model/sightings.js';
import { formatNs } from '../model/time.js';
import { formatWall } from '../model/wall.js';

/** `cpuhp.callback cpu=2 callback=kvm_online_cpu phase=exit ret=0` */
export function describeEvent(e: LifecycleEvent): string {
  const { type, ...fields } = e;
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== null && !(typeof v === 'object' && Object.keys(v as object).length === 0))
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return [type, ...parts].join(' ');
}

/** `events --json`: one line of kvmlog's NDJSON. */
export const eventJsonLine = (r: EventRecord, bootWallNs: bigint | null): string => JSON.stringify(encodeEvent(r, bootWallNs));

export function eventLine(r: EventRecord, bootWallNs: bigint | null): string {
  // Another clock's instant is not the boot's kernel time: no wall-clock time follows from it.
  const wall = bootWallNs === null || r.clock !== KERNEL_CLOCK ? '' : `${formatWall(bootWallNs + r.timeNs).slice(0, 26)}Z  `;
  const clock = r.clock === KERNEL_CLOCK ? '' : `  (on clock ${r.clock}, not the boot's kernel time)`;
  return `${formatNs(r.timeNs).padStart(16)}  ${wall}#${String(r.seq).padEnd(6)} ${describeEvent(r.event)}${clock}`;
}
