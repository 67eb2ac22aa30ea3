/**
 * A block of one input on another clock than its boot's kernel clock — the ring buffer `ftrace_dump_on_oops`
 * printed, a trace instance printed into a console. Its records are decoded on their own (they replay a stretch
 * of the boot, on their own time) and held until the block ends, when the boot's kernel-clock captures may place
 * them: records they share, by text (anchor keys) or by fact.
 */
import { Decoder } from '../ingest/decode/decoder.js';
import type { DecodedEvent } from '../ingest/decode/outcome.js';
import { DUMP_CLOCK, STAMP_PRECISION_NS } from '../model/sightings.js';
import { type Alignment, type Pairing, align, globalTraceClock, placeRecord, sameTraceClock } from '../model/clock-alignment.js';
import type { ClockBlock, ImportSink } from './sink.js';

/** Records of a block kept as alignment evidence, and facts asked about. */
const MAX_KEYS = 4096;
const MAX_FACTS = 512;

export class OpenBlock {
  readonly decoder = new Decoder();
  readonly held: DecodedEvent[] = [];
  /** Each record's anchor key and stamp, by its line. */
  private readonly keys: { readonly line: number; readonly key: number; readonly timeNs: bigint }[] = [];
  lastLine: number;

  constructor(
    readonly clock: string,
    readonly firstLine: number,
  ) {
    this.lastLine = firstLine;
  }

  record(line: number, key: number, timeNs: bigint): void {
    this.lastLine = line;
    if (this.keys.length < MAX_KEYS) this.keys.push({ line, key, timeNs });
  }

  /** The block placed on `boot`'s kernel time from what the sink holds of it, or found not placeable. */
  align(sink: ImportSink, boot: string): Alignment | null {
    const pairings: Pairing[] = [];
    const byKey = new Map<number, bigint[]>();
    for (const [key, t] of sink.anchorTimes(boot, [...new Set(this.keys.map((k) => k.key))])) byKey.set(key, [...(byKey.get(key) ?? []), t]);
    for (const k of this.keys) for (const t of byKey.get(k.key) ?? []) pairings.push({ item: k.line, atNs: k.timeNs, offsetNs: t - k.timeNs });
    const facts = this.held.slice(0, MAX_FACTS);
    for (const [i, t] of sink.factTimes(boot, facts.map((e) => e.event))) pairings.push({ item: facts[i]!.line, atNs: facts[i]!.timeNs, offsetNs: t - facts[i]!.timeNs });
    return align(pairings);
  }

  /**
   * Its events: on kernel time where the evidence places them (clock-alignment.ts `placeRecord`), else on the
   * block's own clock, where no projection counts them. `cmdline`: the boot's, which may say the block's clock
   * keeps a fixed offset to printk's.
   */
  placed(a: Alignment | null, cmdline: string | null): DecodedEvent[] {
    const fixed = a !== null && (this.clock === DUMP_CLOCK ? globalTraceClock(cmdline) : sameTraceClock(cmdline, a));
    return this.held.map((e) => {
      const at = a === null ? null : placeRecord(a, e.line, e.timeNs, fixed);
      if (at === null) return { ...e, clock: this.clock };
      const own = e.uncertaintyNs ?? 0n;
      const doubt = at.uncertaintyNs + STAMP_PRECISION_NS;
      return { ...e, timeNs: e.timeNs + at.offsetNs, clock: undefined, uncertaintyNs: own > doubt ? own : doubt, sighted: { clock: this.clock, timeNs: e.timeNs } };
    });
  }

  summary(boot: string, a: Alignment | null, events: readonly DecodedEvent[]): ClockBlock {
    const placed = events.filter((e) => e.clock === undefined).length;
    return { boot, clock: this.clock, firstLine: this.firstLine, lastLine: this.lastLine, events: events.length, placed, offsetNs: a?.offsetNs ?? null, spreadNs: a?.spreadNs ?? null, evidence: a?.evidence ?? 0 };
  }
}
