/**
 * A diagnostic rule: one failure path of the kernel reference (domain/kernel-lifecycle.md §5), as a small unit
 * that sees the state before an event, the event, and the state after, in the kernel eras it applies to.
 * Rules never fire on unknown state: "unknown" is not "off".
 */
import type { Era } from '../era.js';
import type { EventRecord } from '../event.js';
import type { HostState } from '../state.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** Stable within a store: `rule@seq` of the event that triggered it. */
  readonly id: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly boot: string;
  readonly atNs: bigint;
  readonly cpu: number | null;
  readonly message: string;
  /** Why the kernel cares, with the invariant. */
  readonly reason: string;
  /** Sequence numbers of the events that prove it, the triggering one last. */
  readonly events: readonly number[];
}

/** What a rule emits; the engine fills in id, rule, severity and boot. */
export interface Hit {
  readonly at: EventRecord;
  readonly cpu: number | null;
  readonly message: string;
  readonly evidence: readonly EventRecord[];
}

export interface Step {
  readonly before: HostState;
  readonly event: EventRecord;
  readonly after: HostState;
}

/** A rule's memory across one boot's events (what it has seen so far), created fresh per boot. */
export interface RuleRun {
  step(s: Step): readonly Hit[];
  /** After the boot's last event: for facts that only the end of the boot settles. */
  end?(last: HostState): readonly Hit[];
}

export interface Rule {
  readonly id: string;
  readonly severity: Severity;
  /** Eras the rule applies to; a boot of unknown era is checked by rules that hold in every era. */
  readonly eras: readonly Era[];
  readonly summary: string;
  readonly reason: string;
  start(): RuleRun;
}
