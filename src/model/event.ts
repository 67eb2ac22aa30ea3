/**
 * The event catalogue (DESIGN.md): one discriminated union of every lifecycle fact kvmlog records.
 * Names are a contract: users filter on them and exported NDJSON carries them, so keep them stable.
 * `virt` means VMX operation on Intel and EFER.SVME on AMD.
 */

export type Vendor = 'vmx' | 'svm' | 'unknown';
export type BootKind = 'normal' | 'kdump';
export type SystemStateName = 'restart' | 'halt' | 'power_off' | 'suspend' | 'resume';
export type KexecKind = 'normal' | 'crash';

export type LifecycleEvent =
  | { type: 'boot'; kernel: string | null; cmdline: string | null; kind: BootKind }
  | { type: 'cpu.online'; cpu: number }
  | { type: 'cpu.offline'; cpu: number }
  /** A KVM or TDX hotplug callback ran on `cpu` (cpuhp_enter/cpuhp_exit, or a probe on the callback). */
  | {
      type: 'cpuhp.callback';
      cpu: number;
      callback: string;
      phase: 'enter' | 'exit';
      target: number | null;
      step: number | null;
      ret: number | null;
    }
  | { type: 'kvm.module'; module: string; action: 'load' | 'unload'; params: Record<string, string> }
  /** kvm_usage_count changed; `from` is null when the value before was not recorded. */
  | { type: 'kvm.usage'; from: number | null; to: number }
  | { type: 'kvm.cpuhp'; action: 'register' | 'remove'; state: string }
  /** VMXON / EFER.SVME set on `cpu`; `ret` is null when the probe recorded no return value. */
  | { type: 'virt.enable'; cpu: number; vendor: Vendor; ret: number | null }
  | { type: 'virt.disable'; cpu: number; vendor: Vendor }
  | { type: 'virt.enable_failed'; cpu: number; ret: number | null }
  | { type: 'virt.emergency_disable'; cpu: number }
  | { type: 'kvm.shutdown' }
  | { type: 'tdx.cpu_enable'; cpu: number; ret: number | null }
  | { type: 'tdx.module_init'; result: 'initialized' | 'failed'; errno: number | null; version: string | null }
  | { type: 'vm.create'; pid: number | null }
  | { type: 'vm.destroy'; pid: number | null }
  | { type: 'system.state'; state: SystemStateName }
  | { type: 'kexec.load'; kind: KexecKind }
  | { type: 'kexec.start'; kind: KexecKind }
  /** `cpu`: the panicking CPU, where the input shows it (absent from logs made before it was recorded: unknown). */
  | { type: 'panic'; message: string; cpu: number | null }
  /** This CPU took the crash shootdown NMI (crash_nmi_callback / kdump_nmi_callback) on the way to kdump. */
  | { type: 'crash.nmi'; cpu: number }
  /** The trace lost records (`[LOST n EVENTS]`): anything may have changed unseen. `cpu` is the buffer that lost them. */
  | { type: 'trace.lost'; cpu: number | null; count: number | null }
  /** A trace_marker line: what the person or script driving the host said it was doing. */
  | { type: 'marker'; text: string };

export type EventType = LifecycleEvent['type'];

export const EVENT_TYPES: readonly EventType[] = [
  'boot',
  'cpu.online',
  'cpu.offline',
  'cpuhp.callback',
  'kvm.module',
  'kvm.usage',
  'kvm.cpuhp',
  'virt.enable',
  'virt.disable',
  'virt.enable_failed',
  'virt.emergency_disable',
  'kvm.shutdown',
  'tdx.cpu_enable',
  'tdx.module_init',
  'vm.create',
  'vm.destroy',
  'system.state',
  'kexec.load',
  'kexec.start',
  'panic',
  'crash.nmi',
  'trace.lost',
  'marker',
];

export function isEventType(s: string): s is EventType {
  return (EVENT_TYPES as readonly string[]).includes(s);
}

/** A field's check: true when the value is of the catalogue's type for that field. */
type Check = (v: unknown) => boolean;

const int: Check = (v) => Number.isSafeInteger(v);
const count: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const str: Check = (v) => typeof v === 'string';
const orNull =
  (c: Check): Check =>
  (v) =>
    v === null || c(v);
const oneOf =
  (...values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v);
const stringMap: Check = (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

/** A CPU id: an integer from 0 (a cap on how large is the importer's business: impossibleCpu). */
const cpu = count;
const vendor = oneOf('vmx', 'svm', 'unknown');

/** Every field of every event type, with its type: the catalogue as a validator. */
const FIELDS: { readonly [T in EventType]: Readonly<Record<Exclude<keyof Extract<LifecycleEvent, { type: T }>, 'type'>, Check>> } = {
  boot: { kernel: orNull(str), cmdline: orNull(str), kind: oneOf('normal', 'kdump') },
  'cpu.online': { cpu },
  'cpu.offline': { cpu },
  'cpuhp.callback': { cpu, callback: str, phase: oneOf('enter', 'exit'), target: orNull(int), step: orNull(int), ret: orNull(int) },
  'kvm.module': { module: str, action: oneOf('load', 'unload'), params: stringMap },
  'kvm.usage': { from: orNull(int), to: int },
  'kvm.cpuhp': { action: oneOf('register', 'remove'), state: str },
  'virt.enable': { cpu, vendor, ret: orNull(int) },
  'virt.disable': { cpu, vendor },
  'virt.enable_failed': { cpu, ret: orNull(int) },
  'virt.emergency_disable': { cpu },
  'kvm.shutdown': {},
  'tdx.cpu_enable': { cpu, ret: orNull(int) },
  'tdx.module_init': { result: oneOf('initialized', 'failed'), errno: orNull(int), version: orNull(str) },
  'vm.create': { pid: orNull(count) },
  'vm.destroy': { pid: orNull(count) },
  'system.state': { state: oneOf('restart', 'halt', 'power_off', 'suspend', 'resume') },
  'kexec.load': { kind: oneOf('normal', 'crash') },
  'kexec.start': { kind: oneOf('normal', 'crash') },
  panic: { message: str, cpu: orNull(cpu) },
  'crash.nmi': { cpu },
  'trace.lost': { cpu: orNull(cpu), count: orNull(count) },
  marker: { text: str },
};

/** Fields a type gained after logs were first written without them: absent there, they are unknown. */
const ADDED_LATER: { readonly [T in EventType]?: Readonly<Record<string, null>> } = { panic: { cpu: null } };

/** A value as a warning shows it: its JSON, cut short. */
function shown(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = typeof v;
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

export type ParsedEvent = { readonly ok: true; readonly event: LifecycleEvent } | { readonly ok: false; readonly message: string };

/**
 * Outside input made an event: checked against the catalogue, every field present and of its type, no field
 * the catalogue does not know. A cast is not a check: a line without `cpu` would be filed under CPU undefined.
 */
export function parseEvent(o: Readonly<Record<string, unknown>>): ParsedEvent {
  const type = o['type'];
  if (typeof type !== 'string' || !isEventType(type)) return { ok: false, message: `not an event type of the catalogue: ${JSON.stringify(type) ?? 'none'}` };
  const fields: Readonly<Record<string, Check>> = FIELDS[type];
  const added = ADDED_LATER[type];
  for (const [k, check] of Object.entries(fields)) {
    if (!(k in o) && added !== undefined && k in added) continue;
    if (!(k in o)) return { ok: false, message: `${type} without its ${k}` };
    if (!check(o[k])) return { ok: false, message: `${type} with ${k} ${shown(o[k])}, not of its type` };
  }
  const unknown = Object.keys(o).find((k) => k !== 'type' && !(k in fields));
  if (unknown !== undefined) return { ok: false, message: `${type} with a field the catalogue does not know: ${shown(unknown)}` };
  const event: Record<string, unknown> = { type };
  for (const k of Object.keys(fields)) event[k] = k in o ? o[k] : added![k];
  return { ok: true, event: event as LifecycleEvent };
}

/** The CPU an event is about, if it is a per-CPU event. */
export function subjectCpu(e: LifecycleEvent): number | null {
  return 'cpu' in e ? e.cpu : null;
}


/** Where an event came from: enough to show the user the exact input line. */
export interface Provenance {
  readonly sourceId: number;
  /** SHA-256 (hex) of the input file's content. */
  readonly sourceSha256: string;
  readonly path: string;
  readonly line: number;
  readonly raw: string;
}

/** An event as stored: immutable, globally sequenced, at an exact kernel time. */
export interface EventRecord {
  readonly seq: number;
  readonly boot: string;
  /** Nanoseconds since this boot, exact, on `clock`. */
  readonly timeNs: bigint;
  /** `kernel` (the boot's own clock), or the name of another clock the event could not be aligned from. */
  readonly clock: string;
  /** How far the fact's instant may be from `timeNs`: 0 but for a bound (a bring-up message) or a routed copy. */
  readonly uncertaintyNs: bigint;
  readonly event: LifecycleEvent;
  readonly provenance: Provenance;
  /** Where asked for: this event's hash and the one before it in the store's hash chain. */
  readonly chain?: { readonly prev: string; readonly hash: string | null } | undefined;
}
