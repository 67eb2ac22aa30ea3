/**
 * When two sightings are one fact: the same event of the same boot, their instants within each other's
 * uncertainty, and no transition between them that ends what the first one says (an online ended by an offline,
 * a callback's enter by its exit). Never a time window alone: genuine repeats come within milliseconds.
 */
import type { EventType, LifecycleEvent } from './event.js';

/** The clock of a boot's own kernel time; events on any other clock are not placed on it until aligned. */
export const KERNEL_CLOCK = 'kernel';
/** The clock of the records `ftrace_dump_on_oops` prints: the ring buffer's trace clock, not printk's. */
export const DUMP_CLOCK = 'ftrace-dump';
/** The clock of a trace printed into a console: an instance may run on its own (`trace_clock`). */
export const CAPTURE_CLOCK = 'trace-capture';

/** Facts a boot has once: a second sighting of one is the same fact, however far from the first. */
export const ONCE: ReadonlySet<EventType> = new Set<EventType>(['boot', 'panic', 'kexec.start', 'kvm.shutdown']);

/** A value a sighting could not know (a probe without its return, a message without the vendor): it matches any. */
const unknown = (v: unknown): boolean => v === null || v === 'unknown';

/**
 * Whether two sightings can say the same fact: every field equal where both know it. How many fields one knows is
 * how informative it is; the more informative sighting is the fact.
 */
export function compatible(a: LifecycleEvent, b: LifecycleEvent): boolean {
  if (a.type !== b.type) return false;
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
    const [u, v] = [x[k], y[k]];
    if (unknown(u) || unknown(v)) continue;
    if (JSON.stringify(u) !== JSON.stringify(v)) return false;
  }
  return true;
}

export function informative(e: LifecycleEvent): number {
  return Object.values(e).filter((v) => !unknown(v)).length;
}

/** Any stamp is exact to this at best (six decimals of seconds). */
export const STAMP_PRECISION_NS = 1_000n;

/** The events of other types that may end what `e` says, for the store to look among (empty: only its own type). */
export function endingTypes(e: LifecycleEvent): readonly EventType[] {
  switch (e.type) {
    case 'cpu.online':
      return ['cpu.offline'];
    case 'cpu.offline':
      return ['cpu.online'];
    case 'virt.enable':
      return ['virt.disable', 'virt.emergency_disable', 'kvm.shutdown'];
    case 'virt.disable':
    case 'virt.emergency_disable':
      return ['virt.enable'];
    case 'crash.nmi':
      return ['cpu.online'];
    case 'vm.create':
      return ['vm.destroy'];
    case 'vm.destroy':
      return ['vm.create'];
    default:
      return [];
  }
}

/** Whether `other`, between two sightings of `e`, ends what the first one said: then the second is a new fact. */
export function ends(e: LifecycleEvent, other: LifecycleEvent): boolean {
  const sameCpu = 'cpu' in e && 'cpu' in other && (other.cpu === e.cpu || other.cpu === null);
  switch (e.type) {
    case 'cpu.online':
    case 'cpu.offline':
    case 'virt.disable':
    case 'virt.emergency_disable':
    case 'crash.nmi':
      return endingTypes(e).includes(other.type) && sameCpu;
    case 'virt.enable':
      return other.type === 'kvm.shutdown' || (endingTypes(e).includes(other.type) && sameCpu);
    case 'cpuhp.callback':
      return other.type === 'cpuhp.callback' && other.cpu === e.cpu && (other.callback !== e.callback || other.phase !== e.phase);
    case 'kvm.usage':
      return other.type === 'kvm.usage' && (other.from !== e.from || other.to !== e.to);
    case 'system.state':
      return other.type === 'system.state' && other.state !== e.state;
    case 'kvm.module':
      return other.type === 'kvm.module' && other.module === e.module && other.action !== e.action;
    case 'kvm.cpuhp':
      return other.type === 'kvm.cpuhp' && other.state === e.state && other.action !== e.action;
    case 'vm.create':
    case 'vm.destroy':
      return endingTypes(e).includes(other.type) && (other as { pid: number | null }).pid === e.pid;
    default:
      return false;
  }
}

/**
 * Where two sightings' instants can be one fact's: each lies within its uncertainty (and the stamp's precision) of
 * the truth, so their intervals must meet — else null. Between the stamps, a transition inside the wider sighting's
 * interval may lie on either side of its true instant, and proves nothing; only the stretch between the narrower
 * stamp and that interval can hold one that makes the two sightings two facts. `overlap`: there is no such stretch.
 */
export function between(aNs: bigint, aUncertaintyNs: bigint, bNs: bigint, bUncertaintyNs: bigint): 'overlap' | readonly [bigint, bigint] | null {
  const [w, wU, n, nU] = aUncertaintyNs >= bUncertaintyNs ? [aNs, aUncertaintyNs, bNs, bUncertaintyNs] : [bNs, bUncertaintyNs, aNs, aUncertaintyNs];
  const d = w > n ? w - n : n - w;
  if (d > wU + nU + STAMP_PRECISION_NS) return null;
  const reach = wU + STAMP_PRECISION_NS;
  if (d <= reach) return 'overlap';
  return n < w ? [n, w - reach] : [w + reach, n];
}
