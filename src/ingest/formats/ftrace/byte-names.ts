/**
 * Names met by their bytes — trace event names, hotplug callbacks — and what was decided about each. A trace
 * holds tens of names, met millions of times: each is found by a hash of its bytes, checked against them, and
 * made a string only the first time it is met.
 */

/** Names remembered per input: bounded memory whatever the input. */
const MAX_NAMES = 4096;

interface Entry<T> {
  readonly bytes: Buffer;
  readonly tag: number;
  readonly value: T;
}

function sameBytes(a: Buffer, b: Buffer, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false;
  return true;
}

/** The hash `ByteNames` files a name under: `h = h * 31 + byte`, from 0, in 32 bits. */
function hashBytes(b: Buffer, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + b[i]!) | 0;
  return h;
}

export class ByteNames<T> {
  private readonly byHash = new Map<number, Entry<T>[]>();
  private count = 0;

  /** `decide` is asked once per name (and `tag`, which tells names of different kinds apart), with the name as latin1 text. */
  constructor(private readonly decide: (name: string, tag: number) => T) {}

  get(b: Buffer, start: number, end: number, tag = 0): T {
    return this.getHashed(b, start, end, tag, hashBytes(b, start, end));
  }

  /** `get`, for a caller that hashed the name's bytes as it read them (`hashBytes`, one step per byte). */
  getHashed(b: Buffer, start: number, end: number, tag: number, bytesHash: number): T {
    const key = (Math.imul(bytesHash, 31) + tag) | 0;
    const list = this.byHash.get(key);
    if (list !== undefined) for (const e of list) if (e.tag === tag && sameBytes(e.bytes, b, start, end)) return e.value;
    const name = b.toString('latin1', start, end);
    const value = this.decide(name, tag);
    // A real trace has tens of names; an input with thousands is hostile or garbage, and is not remembered.
    if (this.count++ >= MAX_NAMES) return value;
    const e: Entry<T> = { bytes: Buffer.from(name, 'latin1'), tag, value };
    if (list === undefined) this.byHash.set(key, [e]);
    else list.push(e);
    return value;
  }
}
