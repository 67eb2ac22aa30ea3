/**
 * The one fake ImportSink of the tests (and the bench's parse-alone measure): it stores nothing, names new boots
 * after their index, and writes down every call it takes, in order.
 */
import type { Anchor } from '../../src/import/anchor.js';
import type { BootFacts, BootIdentity, ClockBlock, ImportSink, NewBoot } from '../../src/import/sink.js';
import type { DecodedEvent } from '../../src/ingest/decode/outcome.js';
import type { LifecycleEvent } from '../../src/model/event.js';

export type SinkCall =
  | readonly ['findBoot', readonly Anchor[], BootIdentity]
  | readonly ['hasBoot', string]
  | readonly ['createBoot', NewBoot]
  | readonly ['anchors', string, readonly Anchor[]]
  | readonly ['event', string, DecodedEvent, bigint]
  | readonly ['endBoot', string, BootFacts]
  | readonly ['anchorTimes', string, readonly number[]]
  | readonly ['factTimes', string, readonly LifecycleEvent[]]
  | readonly ['clockBlock', ClockBlock];

export interface FakeSinkOptions {
  /** What findBoot answers: every boot is found to be this stored boot; none by default. */
  readonly found?: string | null;
  /** Write calls down (the default), or only count them. */
  readonly record?: boolean;
  /** Hears each event as it comes. */
  readonly onEvent?: (boot: string, e: DecodedEvent, toleranceNs: bigint) => void;
}

export class FakeSink implements ImportSink {
  readonly calls: SinkCall[] = [];
  events = 0;

  constructor(private readonly opts: FakeSinkOptions = {}) {}

  findBoot(anchors: readonly Anchor[], identity: BootIdentity): string | null {
    this.note(['findBoot', [...anchors], { kernel: identity.kernel, cmdline: identity.cmdline, toleranceNs: identity.toleranceNs }]);
    return this.opts.found ?? null;
  }

  hasBoot(id: string): boolean {
    this.note(['hasBoot', id]);
    return false;
  }

  createBoot(boot: NewBoot): string {
    this.note(['createBoot', boot]);
    return `boot-${boot.index}`;
  }

  anchors(boot: string, anchors: readonly Anchor[]): void {
    this.note(['anchors', boot, [...anchors]]);
  }

  event(boot: string, e: DecodedEvent, toleranceNs: bigint): void {
    this.events++;
    this.opts.onEvent?.(boot, e, toleranceNs);
    this.note(['event', boot, e, toleranceNs]);
  }

  endBoot(boot: string, facts: BootFacts): void {
    this.note(['endBoot', boot, facts]);
  }

  /** A fake store holds no lines to align a block on another clock with. */
  anchorTimes(boot: string, keys: readonly number[]): readonly (readonly [number, bigint])[] {
    this.note(['anchorTimes', boot, [...keys]]);
    return [];
  }

  factTimes(boot: string, facts: readonly LifecycleEvent[]): readonly (readonly [number, bigint])[] {
    this.note(['factTimes', boot, [...facts]]);
    return [];
  }

  clockBlock(block: ClockBlock): void {
    this.note(['clockBlock', block]);
  }

  /** The calls as one line each — `op` and the boot it names — a run of events as one line: their order, at a glance. */
  outline(who: string): string[] {
    const out: string[] = [];
    for (const c of this.calls) {
      const line = `${who} ${c[0]}${c[0] === 'anchors' || c[0] === 'event' || c[0] === 'endBoot' || c[0] === 'anchorTimes' || c[0] === 'factTimes' ? ` ${c[1]}` : ''}`;
      if (c[0] !== 'event' || out.at(-1) !== line) out.push(line);
    }
    return out;
  }

  private note(c: SinkCall): void {
    if (this.opts.record !== false) this.calls.push(c);
  }
}
