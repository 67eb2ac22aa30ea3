/**
 * The contract between reading an input and storing it: boots, events, anchors — and, in what reading found,
 * warnings. Types only. The store's ImportSession implements it; a parse thread's RemoteSink carries it across
 * threads (import/thread/), whose tricks stay behind it.
 */
import type { Era } from '../model/era.js';
import type { BootKind, LifecycleEvent } from '../model/event.js';
import type { DecodedEvent } from '../ingest/decode/outcome.js';
import type { Format } from '../ingest/formats/registry.js';
import type { Anchor } from './anchor.js';

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
  /** The era the lines read so far tell: what the boot's end will most likely say. */
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

/** Where an input's boots and events go, in input order. */
export interface ImportSink {
  /** The stored boot whose lines these anchors are, or null. */
  findBoot(anchors: readonly Anchor[], identity: BootIdentity): string | null;
  hasBoot(id: string): boolean;
  /** A new boot: the name the other calls give it. */
  createBoot(boot: NewBoot): string;
  anchors(boot: string, anchors: readonly Anchor[]): void;
  /**
   * Appends an event — a sighting of a fact, whose instant may be `uncertaintyNs` from its stamp — unless the boot
   * already holds that fact as precisely (another capture of the same run: model/sightings.ts).
   */
  event(boot: string, e: DecodedEvent, uncertaintyNs: bigint): void;
  endBoot(boot: string, facts: BootFacts): void;
  /** Where the boot's kernel-clock captures hold lines of these anchor keys: [key, time] pairs. */
  anchorTimes(boot: string, keys: readonly number[]): readonly (readonly [number, bigint])[];
  /** Where the boot holds, on its kernel clock, facts these sightings could be: [index into `facts`, time] pairs. */
  factTimes(boot: string, facts: readonly LifecycleEvent[]): readonly (readonly [number, bigint])[];
  /** A block of the input on another clock than the boot's kernel clock, aligned to it from evidence or not. */
  clockBlock(block: ClockBlock): void;
}

/** A block of one input whose records are on another clock: a ring buffer dumped at a crash, a trace instance. */
export interface ClockBlock {
  readonly boot: string;
  readonly clock: string;
  readonly firstLine: number;
  readonly lastLine: number;
  readonly events: number;
  /** Of its events, those placed on the boot's kernel time; the others stay on the block's clock. */
  readonly placed: number;
  /** Kernel time = the block's time + this, where evidence aligned it; null where none did. */
  readonly offsetNs: bigint | null;
  /** How far apart the offsets its evidence proposed lie. */
  readonly spreadNs: bigint | null;
  /** Records of the block the boot's kernel-clock captures also hold, at that offset. */
  readonly evidence: number;
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
  /** Its blocks on other clocks, and how each was placed on its boot's kernel time. */
  readonly clocks: readonly ClockBlock[];
}

/** What importing one input did: what reading it found, and what the store took of its events. */
export interface ImportSummary extends InputSummary {
  /** Events appended. */
  readonly events: number;
  /** Events the store already held: the same facts from another capture of the same boot. */
  readonly duplicates: number;
  /** Boots stored before from inputs that named none, which this input showed to be one of its boots. */
  readonly merges: readonly BootMerge[];
}

/** A provisional boot found to be another: its events moved there, placed by this offset between their clocks. */
export interface BootMerge {
  readonly from: string;
  readonly into: string;
  readonly offsetNs: bigint;
  readonly spreadNs: bigint;
  /** Facts and lines both held, at that offset. */
  readonly evidence: number;
  /** Its events moved. */
  readonly events: number;
}

/** How to read one input. */
export interface ReadOptions {
  readonly format?: Format | undefined;
  /** The input as the user named it, for messages. */
  readonly name: string;
  /** Attach the input's first boot to this stored boot. */
  readonly attachTo?: string | undefined;
  readonly host?: string | undefined;
  /** Wall-clock time of kernel time 0 (ns since the epoch), for inputs stamped only with the wall clock. */
  readonly bootWallNs?: bigint | undefined;
}
