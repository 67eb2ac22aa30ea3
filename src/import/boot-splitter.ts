/**
 * Splits one input into boots and hands each boot's events to a sink, in input order. A boot is placed —
 * matched to a boot the store already holds, or created — once enough of its lines have been seen to tell (its
 * anchors); until then its events are held, so memory stays bounded by that window.
 */
import { subjectCpu } from '../model/event.js';
import { CAPTURE_CLOCK, KERNEL_CLOCK } from '../model/sightings.js';
import { impossibleCpuMessage, possibleCpu } from '../ingest/cpus.js';
import type { Outcome } from '../ingest/decode/decoder.js';
import type { DecodedEvent } from '../ingest/decode/outcome.js';
import type { HotplugStep, Rec, RecordSink } from '../ingest/formats/format.js';
import type { Format } from '../ingest/formats/registry.js';
import type { Line } from '../ingest/lines.js';
import { anchorKey } from './anchor.js';
import { OpenBlock } from './clock-block.js';
import { BANNER, Segment, endsKernel, releaseFrom } from './segment.js';
import type { ClockBlock, ImportSink, InputSummary, NewBoot, ReadOptions, Warning } from './sink.js';
import { kernelTime } from './wall-clock.js';

/** When to ask the store whether a boot is already known: after this many anchors, then never again. */
const PLACE_AT = new Set([16, 64, 256, 1024]);
/** A boot not found stored by its 4,096th anchor is a new one; it takes no more anchors. */
const MAX_HELD_ANCHORS = 4096;
/** A placed boot's anchors go to the sink in runs of this many. */
const ANCHORS_PER_CALL = 1024;
/** A log whose stamps fall back near zero after a panic or kexec shows a new kernel, banner or not. */
const RESTART_NS = 1_000_000_000n;

export class BootSplitter implements RecordSink {
  private seg: Segment;
  private prior: Segment | null = null;
  /** A block of the input on another clock, while it is read. */
  private block: OpenBlock | null = null;
  private readonly clocks: ClockBlock[] = [];
  private segments = 0;
  private readonly placed: string[] = [];
  private lines = 0;
  private context = 0;
  private otherLines = 0;
  private readonly warnings: Warning[] = [];

  constructor(
    private readonly format: Format,
    private readonly sink: ImportSink,
    private readonly opts: ReadOptions,
  ) {
    this.seg = this.open(null);
  }

  unread(no: number, message: string): void {
    this.lines++;
    this.warnings.push({ line: no, message });
  }

  other(): void {
    this.lines++;
    this.otherLines++;
  }

  /** A hotplug step may come without its line once the boot takes no more anchors, which need the text. */
  get takesSteps(): boolean {
    return this.seg.anchorCount >= MAX_HELD_ANCHORS;
  }

  step(s: HotplugStep): boolean {
    if (!this.seg.decoder.hotplugStep(s)) return false;
    this.lines++;
    if (s.timeNs > this.seg.maxTimeNs) this.seg.maxTimeNs = s.timeNs;
    this.seg.lines++;
    this.otherLines++;
    return true;
  }

  line(l: Line, recs: readonly Rec[]): void {
    this.lines++;
    for (const r of recs) this.rec(l, r);
  }

  /** What the reader still held at the end of the input. */
  tail(recs: readonly Rec[]): void {
    for (const r of recs) this.rec({ no: this.lines, text: '' }, r);
  }

  finish(): InputSummary {
    this.close();
    return { format: this.format, lines: this.lines, boots: [...new Set(this.placed)], context: this.context, other: this.otherLines, warnings: this.warnings, clocks: this.clocks };
  }

  private rec(l: Line, r: Rec): void {
    switch (r.kind) {
      case 'other':
        this.otherLines++;
        return;
      case 'context':
        this.context++;
        return;
      case 'unreadable':
        this.warnings.push({ line: l.no, message: r.message });
        return;
      case 'boot':
        this.restart(r.bootId, undefined, true);
        return;
      case 'capture':
        this.otherLines++;
        // A trace printed into a console, after the console's own lines: the same boot, perhaps on its own clock. A
        // trace file's own header starts no block.
        if (this.seg.lines > 0) this.enterBlock(CAPTURE_CLOCK, l.no);
        return;
      case 'block':
        this.otherLines++;
        this.enterBlock(r.clock, l.no);
        return;
      case 'block-end':
        this.context++;
        this.leaveBlock();
        return;
      case 'boot-info':
        if (r.bootId !== this.seg.id) this.restart(r.bootId, r.host ?? undefined);
        this.seg.kernel ??= r.kernel;
        this.seg.eraHint ??= r.era;
        this.seg.kindHint ??= r.bootKind;
        return;
      case 'event':
        if (r.bootId !== this.seg.id) this.restart(r.bootId);
        this.outcome(l, { kind: 'events', events: [{ timeNs: r.timeNs, event: r.event, line: l.no, raw: l.text, clock: r.clock === KERNEL_CLOCK ? undefined : r.clock, uncertaintyNs: r.uncertaintyNs }] });
        return;
      case 'lost':
        if (this.block !== null) this.blockOutcome(l, this.block.decoder.lost(r.cpu, r.count, l, r.afterNs));
        else this.outcome(l, this.seg.decoder.lost(r.cpu, r.count, l, r.afterNs));
        return;
      case 'trace':
        if (r.clock !== undefined && (this.block === null || this.block.clock !== r.clock)) this.enterBlock(r.clock, l.no);
        if (this.block !== null) {
          this.blockRecord(l, r);
          return;
        }
        // Only the log's own stamps can restart: an ftrace dump at panic prints the old records' times.
        if (r.timeNs > this.seg.maxTimeNs) this.seg.maxTimeNs = r.timeNs;
        this.anchor(r.timeNs, r.payload);
        this.outcome(l, this.seg.decoder.trace(r, l));
        return;
      case 'printk': {
        // The console's own kernel lines resume: a trace printed into it has ended.
        if (this.block?.clock === CAPTURE_CLOCK) this.leaveBlock();
        if (r.bootId !== undefined && r.bootId !== this.seg.id) this.restart(r.bootId, r.host, this.seg.lines > 0);
        const banner = BANNER.exec(r.message);
        // A banner after the kernel's own first lines (arm64, ppc64 print some at stamp 0) is still that kernel.
        if (banner !== null && this.seg.lines > 0 && !this.seg.inPrologue) this.restart(null);
        if (r.host !== undefined) this.seg.host ??= r.host;
        const timeNs = kernelTime(this.seg, r.timeNs, r.wallNs, banner !== null);
        if (timeNs !== null) {
          this.stamp(timeNs);
          this.anchor(timeNs, r.message);
        }
        this.learn(r.message, banner);
        this.outcome(l, this.seg.decoder.printk(timeNs, r.message, l, r.cpu));
        return;
      }
    }
  }

  /** What a message tells of the boot itself: its release, command line, kind. */
  private learn(message: string, banner: RegExpExecArray | null): void {
    const seg = this.seg;
    if (banner !== null) seg.kernel = banner[1]!;
    const cmdline = /^(?:Kernel )?[Cc]ommand line: (.*)$/.exec(message);
    if (cmdline !== null) seg.cmdline ??= cmdline[1]!.trim();
    if (seg.kernel === null) seg.kernel = releaseFrom(message);
    if (/^(?:OF: fdt: )?Reserving \d+ ?K(?:i)?B of memory at 0x[0-9a-f]+ for elfcorehdr/.test(message)) seg.reservedElfcorehdr = true;
  }

  /** Stamps falling back to ~0 after a panic or kexec: the next kernel is talking. */
  private stamp(timeNs: bigint): void {
    if (this.seg.ended && timeNs < RESTART_NS && this.seg.maxTimeNs > timeNs + RESTART_NS) this.restart(null);
    if (timeNs > this.seg.maxTimeNs) this.seg.maxTimeNs = timeNs;
  }

  private anchor(timeNs: bigint, text: string): void {
    const seg = this.seg;
    if (seg.anchorCount >= MAX_HELD_ANCHORS) return;
    seg.anchors.push({ timeNs, key: anchorKey(text) });
    if (seg.boot !== null) {
      if (seg.anchors.length >= ANCHORS_PER_CALL) this.storeAnchors(seg);
      return;
    }
    if (PLACE_AT.has(seg.anchors.length)) {
      const found = this.sink.findBoot(seg.anchors, seg);
      if (found !== null) this.place(seg, found);
    } else if (seg.anchors.length >= MAX_HELD_ANCHORS) this.place(seg, this.create());
  }

  private outcome(l: Line, o: Outcome): void {
    const seg = this.seg;
    seg.lines++;
    switch (o.kind) {
      case 'events':
        for (const e of o.events) {
          if (this.impossibleCpu(e)) continue;
          if (endsKernel(e.event)) seg.ended = true;
          if (e.event.type === 'kexec.start' && e.event.kind === 'crash') seg.crashKexec = true;
          if (seg.placement.kind === 'placed') this.sink.event(seg.placement.boot, e, uncertaintyOf(seg, e));
          else seg.placement.held.push(e);
        }
        return;
      case 'context':
        this.context++;
        return;
      case 'other':
        this.otherLines++;
        return;
      case 'warning':
        this.warnings.push({ line: l.no, message: o.message });
        return;
    }
  }

  /** An event about a CPU no x86 kernel can have is a mangled line: a warning, not a fact. */
  private impossibleCpu(e: DecodedEvent): boolean {
    const cpu = subjectCpu(e.event);
    if (cpu === null || possibleCpu(cpu)) return false;
    this.warnings.push({ line: e.line, message: impossibleCpuMessage(cpu) });
    return true;
  }

  private enterBlock(clock: string, line: number): void {
    this.leaveBlock();
    this.block = new OpenBlock(clock, line);
  }

  /** A record of the open block: decoded on its own, held, and kept as evidence of where its clock lies. */
  private blockRecord(l: Line, r: Extract<Rec, { kind: 'trace' }>): void {
    const block = this.block!;
    // Where a dump was printed into the kernel log, the line's own stamp is the boot's kernel time: it places the
    // input in its boot, as any printed line does.
    if (r.printed !== undefined) {
      this.stamp(r.printed.timeNs);
      this.anchor(r.printed.timeNs, r.printed.text);
    }
    block.record(l.no, anchorKey(r.payload), r.timeNs);
    this.blockOutcome(l, block.decoder.trace(r, l));
  }

  private blockOutcome(l: Line, o: Outcome): void {
    this.seg.lines++;
    if (o.kind === 'events') {
      for (const e of o.events) if (!this.impossibleCpu(e)) this.block!.held.push(e);
    } else if (o.kind === 'context') this.context++;
    else if (o.kind === 'other') this.otherLines++;
    else this.warnings.push({ line: l.no, message: o.message });
  }

  /** The block ends: placed on its boot's kernel time where the boot's captures say where, else on its own clock. */
  private leaveBlock(): void {
    const block = this.block;
    if (block === null) return;
    this.block = null;
    const flushed = block.decoder.flush();
    for (const w of flushed.warnings) this.warnings.push(w);
    this.context += flushed.context;
    for (const e of flushed.events) if (!this.impossibleCpu(e)) block.held.push(e);
    if (block.held.length === 0) return;
    const seg = this.seg;
    if (seg.placement.kind === 'unplaced') this.place(seg, this.sink.findBoot(seg.anchors, seg) ?? this.create());
    // The segment's own kernel-clock lines are evidence too: in the store before it is asked.
    this.storeAnchors(seg);
    const boot = seg.boot!;
    const a = block.align(this.sink, boot);
    const events = block.placed(a, seg.cmdline);
    for (const e of events) this.sink.event(boot, e, uncertaintyOf(seg, e));
    const summary = block.summary(boot, a, events);
    this.clocks.push(summary);
    this.sink.clockBlock(summary);
  }

  private open(id: string | null, host?: string): Segment {
    const index = this.seg === undefined ? 0 : ++this.segments;
    const seg = new Segment(index, id, this.opts.host ?? host ?? null, index === 0 ? (this.opts.bootWallNs ?? null) : null);
    this.seg = seg;
    if (index === 0 && this.opts.attachTo !== undefined) this.place(seg, this.opts.attachTo);
    else if (id !== null) this.place(seg, this.sink.hasBoot(id) ? id : this.create());
    return seg;
  }

  /** `followed`: the input says the next boot came right after this one (a journal's boot list). */
  private restart(id: string | null, host?: string, followed = false): void {
    this.leaveBlock();
    if (followed) this.seg.ended = true;
    this.close();
    this.prior = this.seg;
    this.open(id, host);
    // The kernel a crash kexec boots is the capture kernel, whatever its own lines say (arm64 passes elfcorehdr
    // in the device tree).
    if (this.prior.crashKexec && this.prior.ended) this.seg.followsCrash = true;
  }

  private create(): string {
    return this.sink.createBoot(newBoot(this.seg));
  }

  private place(seg: Segment, boot: string): void {
    const held = seg.placement.kind === 'unplaced' ? seg.placement.held : [];
    seg.placement = { kind: 'placed', boot };
    this.placed.push(boot);
    this.storeAnchors(seg);
    for (const e of held) this.sink.event(boot, e, uncertaintyOf(seg, e));
  }

  private storeAnchors(seg: Segment): void {
    if (seg.boot === null || seg.anchors.length === 0) return;
    this.sink.anchors(seg.boot, seg.anchors);
    seg.storedAnchors += seg.anchors.length;
    seg.anchors.length = 0;
  }

  private close(): void {
    this.leaveBlock();
    const seg = this.seg;
    const flushed = seg.decoder.flush();
    for (const w of flushed.warnings) this.warnings.push(w);
    this.context += flushed.context;
    if (seg.placement.kind === 'unplaced' && seg.placement.held.length === 0 && flushed.events.length === 0) return;
    if (seg.placement.kind === 'unplaced') this.place(seg, this.sink.findBoot(seg.anchors, seg) ?? this.create());
    const boot = seg.boot!;
    for (const e of flushed.events) if (!this.impossibleCpu(e)) this.sink.event(boot, e, uncertaintyOf(seg, e));
    this.storeAnchors(seg);
    // A boot follows the one before it in this input when that kernel went away (panic, kexec, reboot); a
    // log printed again later in the same capture is not a successor.
    const prior = this.prior;
    const previous = prior !== null && prior.ended && prior.boot !== boot ? prior.boot : null;
    this.sink.endBoot(boot, { kernel: seg.kernel, cmdline: seg.cmdline, toleranceNs: seg.toleranceNs, era: seg.era(), kind: seg.kind(), previous, bootWallNs: seg.bootWallNs, host: seg.host });
  }
}

function newBoot(s: Segment): NewBoot {
  return { id: s.id, index: s.index, kernel: s.kernel, cmdline: s.cmdline, toleranceNs: s.toleranceNs, kind: s.kind(), host: s.host, era: s.era() };
}

/** How far an event's fact may be from its stamp: its own reading's doubt, or its input's (wall clock to the second). */
function uncertaintyOf(seg: Segment, e: DecodedEvent): bigint {
  const own = e.uncertaintyNs ?? 0n;
  return own > seg.toleranceNs ? own : seg.toleranceNs;
}
