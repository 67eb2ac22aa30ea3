/**
 * The payload of a trace record, as ftrace prints it after the timestamp, or as tp_printk prints it
 * into the kernel log: a tracepoint, a kprobe or kretprobe hit, a function-tracer entry, or a stack trace.
 */

export type Payload =
  | { readonly kind: 'tracepoint'; readonly name: string; readonly text: string }
  /** `name: (sym+off/size [mod]) a=1 b=2`; `symbol` is null when only an address was printed. */
  | { readonly kind: 'kprobe'; readonly name: string; readonly symbol: string | null; readonly args: Args }
  /** `name: (caller+off/size [mod] <- func) ret=0`. */
  | { readonly kind: 'kretprobe'; readonly name: string; readonly symbol: string | null; readonly args: Args }
  /** Function tracer: `func <-parent`. */
  | { readonly kind: 'function'; readonly name: string; readonly parent: string }
  | { readonly kind: 'stack-trace' };

export type Args = Readonly<Record<string, string>>;

const FUNCTION = /^([\w.$]{1,200}) <-([\w.$]{1,200})$/;
const NAMED = /^([\w.$-]{1,200}):\s(.*)$/s;
const PROBE = /^\(([^()]{0,400})\)\s?(.*)$/s;

export function parsePayload(payload: string): Payload | null {
  if (payload === '<stack trace>') return { kind: 'stack-trace' };
  // Most payloads are tracepoints and probes: the function tracer's pattern is only tried where its arrow is.
  const fn = payload.includes(' <-') ? FUNCTION.exec(payload) : null;
  if (fn) return { kind: 'function', name: fn[1]!, parent: fn[2]! };
  const named = NAMED.exec(payload);
  if (!named) return null;
  const name = named[1]!;
  const rest = named[2]!;
  // trace-cmd and perf pad the event name into a column before a probe's `(`.
  const probe = PROBE.exec(rest.trimStart());
  if (!probe) return { kind: 'tracepoint', name, text: rest };
  const where = probe[1]!;
  const args = parseArgs(probe[2]!);
  const arrow = where.indexOf(' <- ');
  if (arrow !== -1) return { kind: 'kretprobe', name, symbol: symbolOf(where.slice(arrow + 4)), args };
  return { kind: 'kprobe', name, symbol: symbolOf(where), args };
}

/** Payload texts remembered: a trace's tens of distinct probe hits, in bounded memory whatever the input. */
const MAX_KNOWN = 1024;
const known = new Map<string, Payload | null>();

/**
 * `parsePayload`, each distinct text parsed once: a trace repeats a few probe hits thousands of times (the same
 * call site, the same `ret=0`). A payload is immutable, so one object is shared by every record of its text. Past
 * MAX_KNOWN texts (arguments that vary, or another input's), what was remembered is dropped and learned again.
 */
export function readPayload(text: string): Payload | null {
  const seen = known.get(text);
  if (seen !== undefined) return seen;
  const p = parsePayload(text);
  if (known.size === MAX_KNOWN) known.clear();
  known.set(text, p);
  return p;
}

/** `kvm_online_cpu+0x4/0x50 [kvm]` → `kvm_online_cpu`; a bare address → null. */
function symbolOf(text: string): string | null {
  const m = /^([A-Za-z_][\w.$]*)/.exec(text.trim());
  // perf prints bare addresses without 0x (`ffffffffc0a1b2c0`): not a symbol.
  return m && !/^[0-9a-f]{8,16}$/i.test(m[1]!) ? m[1]! : null;
}

/**
 * Fetch-args as ftrace prints them: `name=value`, where a value may be a quoted string or a symbol with
 * a module suffix (`callback=svm_emergency_disable_virtualization_cpu+0x0/0x80 [kvm_amd]`).
 */
export function parseArgs(text: string): Args {
  const out: Record<string, string> = {};
  // A key starts the text or follows a blank: a run of letters with no `=` is tried once, not from each letter.
  const re = /(?:^|\s)([A-Za-z_]\w{0,63})=("(?:[^"\\]|\\.){0,4096}"?|[^\s]{0,4096}(?: \[[\w-]{1,64}\])?)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let v = m[2]!;
    if (v.startsWith('"')) v = v.slice(1, v.endsWith('"') && v.length > 1 ? -1 : undefined);
    out[m[1]!] = v;
  }
  return out;
}

/** A kprobe argument as an integer: decimal (`-5`, `2`) or hex (`0x0`, `0xfffffffffffffffb` as s64). */
export function intArg(args: Args, name: string): number | null {
  const v = args[name];
  if (v === undefined) return null;
  if (/^-?\d{1,15}$/.test(v)) return Number(v);
  const hex = /^0x([0-9a-fA-F]{1,16})$/.exec(v);
  if (!hex) return null;
  const big = BigInt.asIntN(64, BigInt(`0x${hex[1]}`));
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : null;
}
