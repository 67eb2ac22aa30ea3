/**
 * One pass over a boot's events: the state before and after each, what changed, and the findings the rules
 * raise — the single fold that check, replay, explain and reproduce share (apply() is the only reducer).
 */
import { type Change, diff } from './diff.js';
import { ERAS, type Era } from './era.js';
import type { EventRecord } from './event.js';
import { apply } from './reduce.js';
import type { Finding, Rule, RuleRun, Hit } from './rules/rule.js';
import { type HostState, initialState } from './state.js';

export interface WalkStep {
  readonly record: EventRecord;
  readonly before: HostState;
  readonly after: HostState;
  readonly changes: readonly Change[];
  readonly findings: readonly Finding[];
}

/** The rules that apply to a boot's era; with the era unknown, those that hold in every era. */
export function rulesFor(era: Era | null, rules: readonly Rule[]): Rule[] {
  return rules.filter((r) => (era === null ? ERAS.every((e) => r.eras.includes(e)) : r.eras.includes(era)));
}

export interface Walk {
  readonly steps: Iterable<WalkStep>;
  /** Findings that only the end of the boot settles; valid once `steps` is exhausted. */
  end(): readonly Finding[];
  /** The state after the last step taken. */
  state(): HostState;
}

export function walk(boot: string, era: Era | null, events: Iterable<EventRecord>, rules: readonly Rule[]): Walk {
  const active = rulesFor(era, rules).map((rule) => ({ rule, run: rule.start() }));
  let s = initialState(era);
  const finding = (rule: Rule, h: Hit): Finding => ({
    id: `${rule.id}@${h.at.seq}${h.cpu === null ? '' : `/cpu${h.cpu}`}`,
    rule: rule.id,
    severity: rule.severity,
    boot,
    atNs: h.at.timeNs,
    cpu: h.cpu,
    message: h.message,
    reason: rule.reason,
    events: [...new Set(h.evidence.map((e) => e.seq))],
  });
  function* steps(): Generator<WalkStep> {
    for (const record of events) {
      const before = s;
      const after = apply(before, record.event);
      s = after;
      const step = { before, event: record, after };
      const findings = active.flatMap(({ rule, run }: { rule: Rule; run: RuleRun }) => run.step(step).map((h) => finding(rule, h)));
      yield { record, before, after, changes: diff(before, after), findings };
    }
  }
  return {
    steps: steps(),
    end: () => active.flatMap(({ rule, run }) => (run.end ? run.end(s).map((h) => finding(rule, h)) : [])),
    state: () => s,
  };
}

/** Every finding of a boot. */
export function check(boot: string, era: Era | null, events: Iterable<EventRecord>, rules: readonly Rule[]): Finding[] {
  const w = walk(boot, era, events, rules);
  const out: Finding[] = [];
  for (const step of w.steps) out.push(...step.findings);
  out.push(...w.end());
  return out;
}
