/**
 * Reads one input as a stream, splits it into boots, and hands each boot's events to a sink, in input order.
 * Knows formats and kernels; knows nothing of SQL (the store implements the sink).
 *
 * A boot is placed — matched to a boot the store already holds, or created — once enough of its lines have
 * been seen to tell (its anchors); until then its events are held, so memory stays bounded by that window. A
 * sink that names new boots later (a parse thread's store, once it has hashed the input) is asked, and the
 * reader reads on, holding the boot's events, up to a bound.
 */
import { KvmlogError } from '../errors.js';
import { type Era, eraOfKernel } from '../model/era.js';
import { type BootKind, type LifecycleEvent, subjectCpu } from '../model/event.js';
import { type Anchor, anchorKey } from './anchor.js';
import { impossibleCpuMessage, possibleCpu } from './cpus.js';
import { type DecodedEvent, Decoder, type Outcome } from './decode/decoder.js';
import { type Format, detectFormat, readerFor } from './formats/registry.js';
import type { Line, LineBatch } from './lines.js';
import type { HotplugStep, Rec, RecordSink } from './formats/format.js';
import { type EventRow, toRow } from './row.js';

/** What is known of a boot's identity when it is placed: a different kernel or command line is a different boot. */
export interface BootIdentity {
  readonly kernel: string | null;
  readonly cmdline: string | null;
  /** How far apart this input's stamps may be from another capture's for the same line (beyond printk delay). */
  readonly toleranceNs: bigint;
}

export interface NewBoot extends BootIdentity {
  /** The boot's own id where the input names it (journal `_BOOT_ID`, kvmlog NDJSON), else null. */
  readonly id: string | null;
  /** Position of the boot in this input, 0-based. */
  readonly index: number;
  readonly kind: BootKind;
  readonly host: string | null;
  /** The era the lines read so far tell, as `endBoot` would say it now: what the boot's end will most likely say. */
  readonly era: Era | null;
}

export interface BootFacts extends BootIdentity {
  readonly era: Era | null;
  readonly kind: BootKind;
  /** The boot this one followed, in this input. */
  readonly previous: string | null;
  /** Wall-clock time of kernel time 0, nanoseconds since the Unix epoch, where the input shows it. */
  readonly bootWallNs: bigint | null;
  readonly host: string | null;
}

/** Where an import's boots and events go. */
export interface ImportSink {
  /** The stored boot whose lines these anchors are, or null. */
  findBoot(anchors: readonly Anchor[], identity: BootIdentity): string | null;
  hasBoot(id: string): boolean;
  createBoot(boot: NewBoot): string;
  /**
   * `createBoot` for a sink that may name the boot later — a parse thread's store can only once the input is
   * hashed — while the reader reads on, holding the boot's events. Without it, boots are created at once.
   */
  requestBoot?(boot: NewBoot): BootRequest;
  anchors(boot: string, anchors: readonly Anchor[]): void;
  /**
   * Appends an event, unless the boot already holds this very event (another capture of the same run), at the
   * same nanosecond or, for an input stamped less precisely, within `toleranceNs` of it. The sink counts both.
   */
  event(boot: string, row: EventRow, toleranceNs: bigint): void;
  endBoot(boot: string, facts: BootFacts): void;
}

/** A boot asked for (`ImportSink.requestBoot`): its id once the sink has named it. */
export interface BootRequest {
  /** The id, if it has come. */
  poll(): string | null;
  /** The id, waiting for it. */
  wait(): string;
}

export interface Warning {
  readonly line: number;
  readonly message: string;
}

/** What reading one input found. */
export interface InputSummary {
  readonly format: Format;
  readonly lines: number;
  /** The boots this input's events went to, in input order. */
  readonly boots: readonly string[];
  /** Lifecycle lines whose fact another line records (entry probes, stack traces, setup steps). */
  readonly context: number;
  /** Lines of other subsystems and programs, headers and blanks: counted, not stored. */
  readonly other: number;
  readonly warnings: readonly Warning[];
}

/** What importing one input did: what reading it found, and what the store took of its events. */
export interface ImportSummary extends InputSummary {
  /** Events appended. */
  readonly events: number;
  /** Events the store already held: the same facts from another capture of the same boot. */
  readonly duplicates: number;
}

export interface ImportOptions {
  readonly format?: Format | undefined;
  readonly name: string;
  /** Attach the input's first boot to this stored boot. */
  readonly attachTo?: string | undefined;
  readonly host?: string | undefined;
  /** Wall-clock time of kernel time 0 (ns since the epoch), for inputs stamped only with the wall clock. */
  readonly bootWallNs?: bigint | undefined;
}

const HEAD_LINES = 64;

export async function importLines(batches: AsyncIterable<LineBatch> | Iterable<LineBatch>, sink: ImportSink, opts: ImportOptions): Promise<InputSummary> {
  const it: AsyncIterator<LineBatch> | Iterator<LineBatch> = Symbol.asyncIterator in batches ? batches[Symbol.asyncIterator]() : batches[Symbol.iterator]();
  const first: LineBatch[] = [];
  const head: string[] = [];
  for (;;) {
    const r = await it.next();
    if (r.done) break;
    first.push(r.value);
    for (let i = 0; i < r.value.length && head.length < HEAD_LINES; i++) head.push(r.value.text(i));
    if (head.length === HEAD_LINES) break;
    // Held while a later batch is read, and a reader may reuse the buffer under it (readLineBatchesSync): copied
    // then, and only then — a fresh MiB costs this machine 3–10 ms of page faults at the start of every import.
    first[first.length - 1] = r.value.detached();
  }
  if (head.every((l) => l.trim() === '')) throw new KvmlogError('input', `${opts.name}: empty; nothing to import`);
  const format = opts.format ?? detectFormat(head);
  if (format === null) {
    if (head.some((l) => l.startsWith('Linux version '))) {
      throw new KvmlogError('format', `${opts.name}: a kernel log without timestamps (dmesg -t, printk.time=0); kvmlog needs each line's time`);
    }
    throw new KvmlogError('format', `${opts.name}: not a format kvmlog reads (kvmlog import --help lists them); force one with --format`);
  }
  const reader = readerFor(format);
  const splitter = new BootSplitter(format, sink, opts);
  for (const b of first) reader.readBatch(b, splitter);
  for (let r = await it.next(); !r.done; r = await it.next()) {
    reader.readBatch(r.value, splitter);
    splitter.poll();
  }
  splitter.tail(reader.end());
  return splitter.finish();
}

/** When to ask the store whether a boot is already known: after this many anchors, then never again. */
const PLACE_AT = new Set([16, 64, 256, 1024]);
const MAX_HELD_ANCHORS = 4096;
/**
 * Events a boot asked for (`requestBoot`) may hold while the sink has not named it: a parse thread's store names
 * it once the input is hashed (1.2 s for 2 GB), and the reader reads on meanwhile, in bounded memory.
 */
export const MAX_HELD_ASKED = 131_072;
/** A log whose stamps fall back near zero after a panic or kexec shows a new kernel, banner or not. */
const RESTART_NS = 1_000_000_000n;
/** Kernel times derived from wall-clock stamps to the second (dmesg -T, journalctl -o short) are this uncertain. */
const WHOLE_SECOND_NS = 1_000_000_000n;

class Segment {
  readonly decoder = new Decoder();
  boot: string | null = null;
  readonly held: DecodedEvent[] = [];
  readonly anchors: Anchor[] = [];
  storedAnchors = 0;
  kernel: string | null = null;
  /** The era a kvmlog export says the boot had, for a history that shows neither release nor telling functions. */
  eraHint: Era | null = null;
  /** The kind a kvmlog export says the boot had (its input may lack the command line that tells). */
  kindHint: BootKind | null = null;
  cmdline: string | null = null;
  host: string | null;
  bootWallNs: bigint | null;
  /** How far this input's kernel times may be off: wall-clock-only stamps to the second are off by up to 1 s. */
  toleranceNs = 0n;
  /** A capture printed into the input: it follows no boot. */
  capture = false;
  /** The kernel went away in this boot (panic or kexec): a restart of the stamps is the next kernel. */
  ended = false;
  maxTimeNs = 0n;
  lines = 0;

  constructor(
    readonly index: number,
    readonly id: string | null,
    host: string | null,
    bootWallNs: bigint | null,
  ) {
    this.host = host;
    this.bootWallNs = bootWallNs;
  }
}

class BootSplitter implements RecordSink {
  private seg: Segment;
  private prior: Segment | null = null;
  /** While a capture printed into the input is read, the segment it interrupted. */
  private main: Segment | null = null;
  private segments = 0;
  private readonly placed: string[] = [];
  private lines = 0;
  private context = 0;
  private otherLines = 0;
  private readonly warnings: Warning[] = [];
  /** A boot asked for and not yet named (ImportSink.requestBoot): its segment's events are held meanwhile. */
  private asked: { readonly seg: Segment; readonly request: BootRequest } | null = null;

  constructor(
    private readonly format: Format,
    private readonly sink: ImportSink,
    private readonly opts: ImportOptions,
  ) {
    this.seg = this.open(null);
  }

  /** A line that could not be read at all. */
  unread(no: number, message: string): void {
    this.lines++;
    this.warnings.push({ line: no, message });
  }

  /** A line its reader rejected by its bytes: another subsystem's record. */
  other(): void {
    this.lines++;
    this.otherLines++;
  }

  /** Between batches: the boot asked for is placed once the sink has named it. */
  poll(): void {
    const asked = this.asked;
    const id = asked?.request.poll() ?? null;
    if (asked === null || id === null) return;
    this.asked = null;
    this.place(id, asked.seg);
  }

  /** The boot asked for is named before anything else goes to the sink, which sees every call in the order made. */
  private settle(): void {
    const asked = this.asked;
    if (asked === null) return;
    this.asked = null;
    this.place(asked.request.wait(), asked.seg);
  }

  /** Whether a hotplug step may come without its line: the boot takes no more anchors, which need the text. */
  get takesSteps(): boolean {
    return this.seg.storedAnchors + this.seg.anchors.length >= MAX_HELD_ANCHORS;
  }

  /**
   * A hotplug step read from its bytes: what `line` does with the record, if the decoder takes it so (a callback
   * kvmlog does not track); false, and nothing done, to have the line read in full.
   */
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

  tail(recs: readonly Rec[]): void {
    for (const r of recs) this.rec({ no: this.lines, text: '' }, r);
  }

  finish(): InputSummary {
    this.leaveCapture();
    this.close();
    return {
      format: this.format,
      lines: this.lines,
      boots: [...new Set(this.placed)],
      context: this.context,
      other: this.otherLines,
      warnings: this.warnings,
    };
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
        this.enterCapture();
        return;
      case 'boot-info':
        if (r.bootId !== this.seg.id) this.restart(r.bootId, r.host ?? undefined);
        this.seg.kernel ??= r.kernel;
        this.seg.eraHint ??= r.era;
        this.seg.kindHint ??= r.bootKind;
        return;
      case 'event':
        if (r.bootId !== this.seg.id) this.restart(r.bootId);
        this.outcome(l, { kind: 'events', events: [{ timeNs: r.timeNs, event: r.event, line: l.no, raw: l.text }] });
        return;
      case 'lost':
        this.outcome(l, this.seg.decoder.lost(r.cpu, r.count, l, r.afterNs));
        return;
      case 'trace':
        // Only the log's own stamps can restart: an ftrace dump at panic prints the old records' times.
        if (r.timeNs > this.seg.maxTimeNs) this.seg.maxTimeNs = r.timeNs;
        this.anchor(r.timeNs, r.payload);
        this.outcome(l, this.seg.decoder.trace(r, l));
        return;
      case 'printk': {
        // The console's own kernel lines resume: a capture printed into it has ended.
        this.leaveCapture();
        if (r.bootId !== undefined && r.bootId !== this.seg.id) this.restart(r.bootId, r.host, this.seg.lines > 0);
        const banner = r.message.startsWith('Linux version ');
        if (banner && this.seg.lines > 0) this.restart(null);
        if (r.host !== undefined) this.seg.host ??= r.host;
        const timeNs = this.kernelTime(r.timeNs, r.wallNs, banner);
        if (timeNs !== null) {
          this.stamp(timeNs);
          this.anchor(timeNs, r.message);
        }
        if (banner) this.seg.kernel = /^Linux version (\S+)/.exec(r.message)![1]!;
        if (r.message.startsWith('Command line: ')) this.seg.cmdline ??= r.message.slice(14).trim();
        this.outcome(l, this.seg.decoder.printk(timeNs, r.message, l));
        return;
      }
    }
  }

  /** Kernel time of a log record; a wall-clock-only stamp is placed through the boot's wall-clock anchor. */
  private kernelTime(timeNs: bigint | null, wallNs: bigint | null, banner: boolean): bigint | null {
    if (wallNs === null) return timeNs;
    if (timeNs !== null) {
      this.seg.bootWallNs ??= wallNs - timeNs;
      return timeNs;
    }
    // The banner is printed at kernel time 0.
    if (banner) this.seg.bootWallNs ??= wallNs;
    if (wallNs % 1_000_000_000n === 0n) this.seg.toleranceNs = WHOLE_SECOND_NS;
    return this.seg.bootWallNs === null ? null : wallNs - this.seg.bootWallNs;
  }

  /** Stamps falling back to ~0 after a panic or kexec: the next kernel is talking. */
  private stamp(timeNs: bigint): void {
    if (this.seg.ended && timeNs < RESTART_NS && this.seg.maxTimeNs > timeNs + RESTART_NS) this.restart(null);
    if (timeNs > this.seg.maxTimeNs) this.seg.maxTimeNs = timeNs;
  }

  private anchor(timeNs: bigint, text: string): void {
    const seg = this.seg;
    if (seg.storedAnchors + seg.anchors.length >= MAX_HELD_ANCHORS) return;
    seg.anchors.push({ timeNs, key: anchorKey(text) });
    if (seg.boot !== null) {
      if (seg.anchors.length >= 1024) this.storeAnchors();
      return;
    }
    if (PLACE_AT.has(seg.anchors.length)) {
      const found = this.sink.findBoot(seg.anchors, seg);
      if (found !== null) this.place(found);
    } else if (seg.anchors.length >= MAX_HELD_ANCHORS) {
      const request = this.sink.requestBoot?.(this.newBoot());
      const named = request === undefined ? this.create() : request.poll();
      if (named !== null) this.place(named);
      else this.asked = { seg, request: request! };
    }
  }

  private outcome(l: Line, o: Outcome): void {
    this.seg.lines++;
    switch (o.kind) {
      case 'events':
        for (const e of o.events) {
          if (this.impossibleCpu(e)) continue;
          if (endsKernel(e.event)) this.seg.ended = true;
          if (this.seg.boot !== null) this.append(this.seg.boot, e);
          else if (this.seg.held.push(e) >= MAX_HELD_ASKED && this.asked?.seg === this.seg) this.settle();
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

  private append(boot: string, e: DecodedEvent): void {
    this.sink.event(boot, toRow(e), this.seg.toleranceNs);
  }

  /**
   * A trace printed into a console (`# tracer: …`) may run on another clock (a trace instance with its own
   * trace_clock): its lines form a segment of their own, placed like a separate input, until the console's
   * own stamped lines resume.
   */
  private enterCapture(): void {
    // The capture is matched against the stored anchors of the boot it interrupted.
    this.settle();
    this.leaveCapture();
    if (this.seg.lines === 0) return;
    this.main = this.seg;
    this.seg = new Segment(++this.segments, null, this.seg.host, null);
    this.seg.capture = true;
  }

  private leaveCapture(): void {
    if (this.main === null) return;
    this.close();
    this.seg = this.main;
    this.main = null;
  }

  private open(id: string | null, host?: string): Segment {
    const index = this.seg === undefined ? 0 : ++this.segments;
    const seg = new Segment(index, id, this.opts.host ?? host ?? null, index === 0 ? (this.opts.bootWallNs ?? null) : null);
    this.seg = seg;
    if (index === 0 && this.opts.attachTo !== undefined) this.place(this.opts.attachTo);
    else if (id !== null) this.place(this.sink.hasBoot(id) ? id : this.create());
    return seg;
  }

  /** `followed`: the input says the next boot came right after this one (a journal's boot list). */
  private restart(id: string | null, host?: string, followed = false): void {
    this.leaveCapture();
    if (followed) this.seg.ended = true;
    this.close();
    this.prior = this.seg;
    this.open(id, host);
  }

  private create(): string {
    return this.sink.createBoot(this.newBoot());
  }

  private newBoot(): NewBoot {
    const s = this.seg;
    return {
      id: s.id,
      index: s.index,
      kernel: s.kernel,
      cmdline: s.cmdline,
      toleranceNs: s.toleranceNs,
      kind: s.kindHint ?? kindOf(s.cmdline),
      host: s.host,
      era: eraSoFar(s),
    };
  }

  private place(boot: string, seg = this.seg): void {
    seg.boot = boot;
    this.placed.push(boot);
    this.storeAnchors(seg);
    for (const e of seg.held) this.sink.event(boot, toRow(e), seg.toleranceNs);
    seg.held.length = 0;
  }

  private storeAnchors(seg = this.seg): void {
    if (seg.boot === null || seg.anchors.length === 0) return;
    this.sink.anchors(seg.boot, seg.anchors);
    seg.storedAnchors += seg.anchors.length;
    seg.anchors.length = 0;
  }

  private close(): void {
    this.settle();
    const seg = this.seg;
    const flushed = seg.decoder.flush();
    for (const w of flushed.warnings) this.warnings.push(w);
    this.context += flushed.context;
    if (seg.boot === null && seg.held.length === 0 && flushed.events.length === 0) return;
    if (seg.boot === null) this.place(this.sink.findBoot(seg.anchors, seg) ?? this.create());
    for (const e of flushed.events) if (!this.impossibleCpu(e)) this.append(seg.boot!, e);
    this.storeAnchors();
    // A boot follows the one before it in this input when that kernel went away (panic, kexec, reboot); a
    // log printed again later in the same capture is not a successor.
    const prior = this.prior;
    const previous = !seg.capture && prior !== null && prior.ended && prior.boot !== seg.boot ? prior.boot : null;
    this.sink.endBoot(seg.boot!, {
      kernel: seg.kernel,
      cmdline: seg.cmdline,
      toleranceNs: seg.toleranceNs,
      era: eraSoFar(seg),
      kind: seg.kindHint ?? kindOf(seg.cmdline),
      previous,
      bootWallNs: seg.bootWallNs,
      host: seg.host,
    });
  }
}

/** A boot's era from what its lines showed: the kernel release, else an export's word, else the functions seen. */
function eraSoFar(seg: Segment): Era | null {
  if (seg.kernel !== null) {
    const fromKernel = eraOfKernel(seg.kernel);
    if (fromKernel !== null) return fromKernel;
  }
  const range = seg.decoder.eraRange();
  return seg.eraHint ?? (range !== null && range[0] === range[1] ? range[0] : null);
}

function endsKernel(e: LifecycleEvent): boolean {
  return e.type === 'panic' || e.type === 'kexec.start' || (e.type === 'system.state' && ['restart', 'halt', 'power_off'].includes(e.state));
}

/** A kdump kernel is booted by the crash path with the old kernel's core at `elfcorehdr=`. */
function kindOf(cmdline: string | null): BootKind {
  return cmdline !== null && /(?:^|\s)elfcorehdr=/.test(cmdline) ? 'kdump' : 'normal';
}
