/**
 * Canonical JSON: one text for one value, whoever serializes it — JSON with every object's keys sorted, no
 * whitespace. The store keeps events in it and the hash chain covers it (model/chain.ts, README "Guarantees").
 */
import type { LifecycleEvent } from './event.js';

/** JSON with every object's keys in order: one text for one value, whoever serializes it. Same as JSON.stringify otherwise. */
export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v: unknown) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const o = value as Record<string, unknown>;
  let out = '';
  for (const k of Object.keys(o).sort()) {
    const v = o[k];
    if (v === undefined) continue;
    out += `${out === '' ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `{${out}}`;
}

/** An event type's keys as its objects hold them, sorted, and each as `"key":`. */
interface Shape {
  readonly own: readonly string[];
  readonly sorted: readonly string[];
  readonly prefixes: readonly string[];
}

/** By event type: the decoder makes each type's events with one literal, so one shape per type is the rule. */
const shapes = new Map<unknown, Shape>();
const MAX_SHAPES = 256;

function shapeOf(o: Record<string, unknown>): Shape {
  const own = Object.keys(o);
  const known = shapes.get(o['type']);
  if (known !== undefined && known.own.length === own.length && known.own.every((k, i) => k === own[i])) return known;
  const sorted = [...own].sort();
  const shape: Shape = { own, sorted, prefixes: sorted.map((k) => `${JSON.stringify(k)}:`) };
  if (known !== undefined || shapes.size < MAX_SHAPES) shapes.set(o['type'], shape);
  return shape;
}

/** canonicalJson of a member's value, without a call into JSON for numbers and booleans. */
function valueJson(v: unknown): string {
  switch (typeof v) {
    case 'number':
      // What JSON.stringify gives: the number's own text, `null` for NaN and the infinities.
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return JSON.stringify(v);
    default:
      return canonicalJson(v);
  }
}

export interface CanonicalParts {
  readonly fields: string;
  readonly event: string;
}

/** Events whose canonical text came with them: parsed from it, they are not written again. */
const remembered = new WeakMap<LifecycleEvent, CanonicalParts>();

/** `event` was parsed from `parts.event`, canonical JSON as canonicalParts writes it (a parse thread's row). */
export function rememberCanonical(event: LifecycleEvent, parts: CanonicalParts): void {
  remembered.set(event, parts);
}

/**
 * An event's canonical JSON and that of its fields alone (without `type`, as the events table stores them),
 * in one pass: the append path needs both for every event, so the sorted keys are kept per event type and numbers
 * are written without a call into JSON (docs/performance.md).
 */
export function canonicalParts(e: LifecycleEvent): CanonicalParts {
  const known = remembered.get(e);
  if (known !== undefined) return known;
  const o = e as unknown as Record<string, unknown>;
  const { sorted, prefixes } = shapeOf(o);
  let fields = '';
  let event = '';
  for (let i = 0; i < sorted.length; i++) {
    const k = sorted[i]!;
    const v = o[k];
    if (v === undefined) continue;
    const part = prefixes[i]! + valueJson(v);
    event = event === '' ? part : `${event},${part}`;
    if (k !== 'type') fields = fields === '' ? part : `${fields},${part}`;
  }
  return { fields: `{${fields}}`, event: `{${event}}` };
}
