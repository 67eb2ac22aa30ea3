/**
 * Reads one input as a stream and hands its boots and events to a sink, in input order.
 * Knows formats and kernels; knows nothing of SQL (the store implements the sink).
 */
import { KvmlogError } from '../errors.js';
import { type Era, eraOfKernel } from '../model/era.js';
import type { BootKind } from '../model/event.js';
import { type DecodedEvent, Decoder, type Outcome, relevant } from './decoder.js';
import { type Format, detectFormat } from './format.js';
import { parseFtraceLine } from './ftrace-line.js';
import { type KernelLogLine, parseDmesgLine, parseKmsgLine } from './kernel-log-line.js';
import type { Line } from './lines.js';

export interface BootStart {
  /** 0 for the first boot of this input. */
  readonly index: number;
  readonly kernel: string | null;
  readonly kind: BootKind;
}

export interface BootFacts {
  readonly kernel: string | null;
  readonly cmdline: string | null;
  readonly era: Era | null;
}

/** Where an import's results go. */
export interface ImportSink {
  startBoot(boot: BootStart): void;
  event(bootIndex: number, e: DecodedEvent): void;
  endBoot(bootIndex: number, facts: BootFacts): void;
}

export interface Warning {
  readonly line: number;
  readonly message: string;
}

export interface ImportSummary {
  readonly format: Format;
  readonly lines: number;
  readonly events: number;
  readonly boots: number;
  /** Lifecycle lines whose fact another line records (entry probes, stack traces, setup steps). */
  readonly context: number;
  /** Lines of other subsystems, headers and blanks: counted, not stored. */
  readonly other: number;
  readonly warnings: readonly Warning[];
}

const HEAD_LINES = 64;

export async function importLines(
  lines: AsyncIterable<Line>,
  sink: ImportSink,
  opts: { readonly format?: Format | undefined; readonly name: string },
): Promise<ImportSummary> {
  const it = lines[Symbol.asyncIterator]();
  const head: Line[] = [];
  while (head.length < HEAD_LINES) {
    const r = await it.next();
    if (r.done) break;
    head.push(r.value);
  }
  if (head.every((l) => l.text.trim() === '')) throw new KvmlogError('input', `${opts.name}: empty; nothing to import`);
  const format = opts.format ?? detectFormat(head.map((l) => l.text));
  if (format === null) {
    throw new KvmlogError('format', `${opts.name}: not a format kvmlog reads (ftrace text, dmesg, dmesg -r, /dev/kmsg); force one with --format`);
  }
  const reader = new BootReader(format, sink);
  for (const l of head) reader.line(l);
  for (let r = await it.next(); !r.done; r = await it.next()) reader.line(r.value);
  return reader.finish();
}

class BootReader {
  private decoder = new Decoder();
  private bootIndex = -1;
  private bootKernel: string | null = null;
  private bootCmdline: string | null = null;
  private lines = 0;
  private events = 0;
  private context = 0;
  private other = 0;
  private readonly warnings: Warning[] = [];

  constructor(
    private readonly format: Format,
    private readonly sink: ImportSink,
  ) {}

  line(l: Line): void {
    this.lines++;
    this.count(l, this.read(l));
  }

  finish(): ImportSummary {
    this.closeBoot();
    return {
      format: this.format,
      lines: this.lines,
      events: this.events,
      boots: this.bootIndex + 1,
      context: this.context,
      other: this.other,
      warnings: this.warnings,
    };
  }

  private read(l: Line): Outcome {
    if (this.format === 'ftrace') {
      const f = parseFtraceLine(l.text);
      switch (f.kind) {
        case 'record':
          return this.decoder.trace({ cpu: f.record.cpu, pid: f.record.pid, timeNs: f.record.timeNs, payload: f.record.payload }, l);
        case 'stack-frame':
          return { kind: 'context' };
        case 'comment':
        case 'blank':
          return { kind: 'other' };
        case 'unparsed':
          return relevant(l.text) ? { kind: 'warning', message: 'not an ftrace record' } : { kind: 'other' };
      }
    }
    const k: KernelLogLine = this.format === 'kmsg' ? parseKmsgLine(l.text) : parseDmesgLine(l.text);
    if (k.kind === 'blank') return { kind: 'other' };
    if (k.kind === 'continuation') {
      return relevant(k.text) && !/^\s*=>|^\s+[A-Z_]+=/.test(k.text)
        ? { kind: 'warning', message: 'kernel log line without a timestamp' }
        : { kind: 'other' };
    }
    const { timeNs, message } = k.record;
    if (message.startsWith('Command line: ')) this.bootCmdline = message.slice('Command line: '.length).trim();
    return this.decoder.printk(timeNs, message, l);
  }

  private count(l: Line, o: Outcome): void {
    switch (o.kind) {
      case 'events':
        for (const e of o.events) {
          if (e.event.type === 'boot') this.openBoot(e.event.kernel, e.event.kind);
          else if (this.bootIndex < 0) this.openBoot(null, 'normal');
          this.sink.event(this.bootIndex, e);
          this.events++;
        }
        return;
      case 'context':
        this.context++;
        return;
      case 'other':
        this.other++;
        return;
      case 'warning':
        this.warnings.push({ line: l.no, message: o.message });
        return;
    }
  }

  private openBoot(kernel: string | null, kind: BootKind): void {
    this.closeBoot();
    this.bootIndex++;
    this.bootKernel = kernel;
    this.bootCmdline = null;
    this.sink.startBoot({ index: this.bootIndex, kernel, kind });
  }

  private closeBoot(): void {
    if (this.bootIndex < 0) return;
    for (const e of this.decoder.flush()) {
      this.sink.event(this.bootIndex, e);
      this.events++;
    }
    const range = this.decoder.eraRange();
    const fromKernel = this.bootKernel === null ? null : eraOfKernel(this.bootKernel);
    const era = fromKernel ?? (range !== null && range[0] === range[1] ? range[0] : null);
    this.sink.endBoot(this.bootIndex, { kernel: this.bootKernel, cmdline: this.bootCmdline, era });
    this.decoder = new Decoder();
  }
}
