/** `kvmlog replay`: a boot walked event by event — the one fold, with the rules — as far as asked. */
import type { Boot } from '../model/boot.js';
import { subjectCpu } from '../model/event.js';
import type { Finding } from '../model/rules/rule.js';
import { RULES } from '../model/rules/catalogue.js';
import { type WalkStep, walk } from '../model/walk.js';
import type { Store } from '../store/db.js';
import { readEvents, resolveBoot } from '../store/read.js';
import { rulesNamed } from './diagnose.js';
import { type When, inBoot } from './when.js';

export interface ReplayQuery {
  readonly boot?: string | undefined;
  readonly from?: When | undefined;
  readonly to?: When | undefined;
  /** Only the steps about this CPU: its events, and events that changed its state. */
  readonly cpu?: number | undefined;
  /** Stop after the step that raised this rule's first finding. */
  readonly until?: string | undefined;
}

export interface ReplayStep extends WalkStep {
  /** The step raised the `until` rule: the replay stops after it. */
  readonly stops: boolean;
}

export interface ReplayView {
  readonly boot: Boot;
  readonly note: string | null;
  readonly steps: Iterable<ReplayStep>;
  /**
   * Findings only the boot's end settles, once `steps` is exhausted: none when the replay stopped early (at
   * `--to` or at the `until` rule); only the `until` rule's when one is asked for.
   */
  end(): readonly Finding[];
}

export function replayOf(store: Store, q: ReplayQuery): ReplayView {
  if (q.until !== undefined) rulesNamed(q.until);
  const { boot, note } = resolveBoot(store, q.boot);
  const fromNs = inBoot('--from', q.from, boot);
  const toNs = inBoot('--to', q.to, boot);
  const w = walk(boot.id, boot.era, readEvents(store, { boot: boot.id }), RULES);
  let cut = toNs !== undefined;
  const about = (s: WalkStep, cpu: number) => subjectCpu(s.record.event) === cpu || s.changes.some((c) => c.cpu === cpu);
  function* steps(): Generator<ReplayStep> {
    for (const s of w.steps) {
      if (toNs !== undefined && s.record.timeNs > toNs) return;
      if (fromNs !== undefined && s.record.timeNs < fromNs) continue;
      if (q.cpu !== undefined && !about(s, q.cpu)) continue;
      const stops = q.until !== undefined && s.findings.some((f) => f.rule === q.until);
      yield { ...s, stops };
      if (stops) {
        cut = true;
        return;
      }
    }
  }
  return {
    boot,
    note,
    steps: steps(),
    end: () => (cut ? [] : w.end().filter((f) => q.until === undefined || f.rule === q.until)),
  };
}
