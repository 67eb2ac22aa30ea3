/** check, explain, replay and reproduce over the store: each is the one walk of model/walk.ts. */
import type { Boot } from '../model/boot.js';
import { KvmlogError } from '../errors.js';
import type { EventRecord } from '../model/event.js';
import { fold } from '../model/reduce.js';
import { RULES, ruleById } from '../model/rules/catalogue.js';
import type { Finding, Rule } from '../model/rules/rule.js';
import type { HostState } from '../model/state.js';
import { check } from '../model/walk.js';
import type { Store } from '../store/db.js';
import { bootOfEvent, listBoots, readEvents, resolveBoot } from '../store/read.js';

export function rulesNamed(id: string | undefined): readonly Rule[] {
  if (id === undefined) return RULES;
  const rule = ruleById(id);
  if (!rule) throw new KvmlogError('usage', `--rule ${id}: no such rule; one of ${RULES.map((r) => r.id).join(', ')}`);
  return [rule];
}

export interface BootFindings {
  readonly boot: Boot;
  readonly findings: readonly Finding[];
}

/** Findings of one boot (`--boot`), or of every boot. */
export function checkStore(store: Store, bootRef: string | undefined, rules: readonly Rule[]): BootFindings[] {
  const boots = bootRef === undefined ? listBoots(store) : [resolveBoot(store, bootRef).boot];
  return boots.map((boot) => ({ boot, findings: check(boot.id, boot.era, readEvents(store, { boot: boot.id }), rules) }));
}

export interface Located {
  readonly boot: Boot;
  readonly finding: Finding;
  readonly events: readonly EventRecord[];
}

/** A finding by its id (`rule@seq` or `rule@seq/cpuN`), with its boot's events. */
export function locate(store: Store, id: string): Located {
  const m = /^([a-z0-9-]+)@(\d+)(?:\/cpu(\d+))?$/.exec(id);
  if (!m) throw new KvmlogError('usage', `${id}: not a finding id (rule@seq, as kvmlog check prints it)`);
  const rule = ruleById(m[1]!);
  if (!rule) throw new KvmlogError('not-found', `${id}: no rule ${m[1]}`);
  const bootId = bootOfEvent(store, Number(m[2]));
  if (bootId === null) throw new KvmlogError('not-found', `${id}: no event ${m[2]} in ${store.path}`);
  const boot = listBoots(store).find((b) => b.id === bootId)!;
  const events = [...readEvents(store, { boot: boot.id })];
  const finding = check(boot.id, boot.era, events, [rule]).find((f) => f.id === id);
  if (!finding) throw new KvmlogError('not-found', `${id}: no such finding in boot ${boot.id} (kvmlog check lists them)`);
  return { boot, finding, events };
}

export interface Explained extends Located {
  /** The state just before and just after the finding's triggering event. */
  readonly before: HostState;
  readonly after: HostState;
}

/** `kvmlog explain`: a finding, its evidence, and the state around the event that raised it. */
export function explain(store: Store, id: string): Explained {
  const l = locate(store, id);
  return { ...l, ...statesAround(l) };
}

/** The state just before and just after the finding's triggering event, for its evidence. */
function statesAround(l: Located): { before: HostState; after: HostState } {
  const trigger = l.finding.events[l.finding.events.length - 1]!;
  const idx = l.events.findIndex((e) => e.seq === trigger);
  const before = fold(l.boot.era, l.events.slice(0, idx).map((e) => e.event));
  const after = fold(l.boot.era, [l.events[idx]!.event], before);
  return { before, after };
}

/**
 * The smallest history that still raises the finding (delta debugging, ddmin, over the boot's events):
 * every event it keeps is needed for the rule to fire on that CPU.
 */
export function reproduce(l: Located): { events: EventRecord[]; from: number } {
  const rule = ruleById(l.finding.rule)!;
  const fires = (subset: readonly EventRecord[]) =>
    check(l.boot.id, l.boot.era, subset, [rule]).some((f) => f.rule === l.finding.rule && f.cpu === l.finding.cpu);
  let current = [...l.events];
  let n = 2;
  while (current.length >= 2) {
    const size = Math.ceil(current.length / n);
    let reduced = false;
    for (let i = 0; i < n && !reduced; i++) {
      const complement = [...current.slice(0, i * size), ...current.slice((i + 1) * size)];
      if (complement.length > 0 && fires(complement)) {
        current = complement;
        n = Math.max(n - 1, 2);
        reduced = true;
      }
    }
    if (!reduced) {
      if (n >= current.length) break;
      n = Math.min(current.length, n * 2);
    }
  }
  return { events: current, from: l.events.length };
}

/** `kvmlog reproduce`: the finding's boot, and the smallest history of it that still raises the finding. */
export function reproduceFinding(store: Store, id: string): { boot: Boot; events: EventRecord[]; from: number } {
  const l = locate(store, id);
  return { boot: l.boot, ...reproduce(l) };
}
