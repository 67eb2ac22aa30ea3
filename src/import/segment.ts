/** One boot of an input as the splitter reads it: its decoder, its placement in the store, what its lines told. */
import { type Era, eraOfKernel } from '../model/era.js';
import type { BootKind, LifecycleEvent } from '../model/event.js';
import { Decoder } from '../ingest/decode/decoder.js';
import type { DecodedEvent } from '../ingest/decode/outcome.js';
import type { Anchor } from './anchor.js';

/**
 * Where a segment's events go: not yet known (held, with the anchors that will place it), or a boot the sink
 * named (found stored, or created).
 */
export type Placement = { readonly kind: 'unplaced'; readonly held: DecodedEvent[] } | { readonly kind: 'placed'; readonly boot: string };

export class Segment {
  readonly decoder = new Decoder();
  placement: Placement = { kind: 'unplaced', held: [] };
  /** Anchors not yet handed to the sink. */
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
  /** The kernel went away in this boot (panic or kexec): a restart of the stamps is the next kernel. */
  private endedSeen = false;
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

  get ended(): boolean {
    // A panic whose CPU is not yet known is held by the decoder, not emitted: it has panicked all the same.
    return this.endedSeen || this.decoder.panicked;
  }

  set ended(v: boolean) {
    this.endedSeen = v;
  }

  /** The boot the sink named for this segment, or null while it is unplaced. */
  get boot(): string | null {
    return this.placement.kind === 'placed' ? this.placement.boot : null;
  }

  /** Anchors seen, stored or not: a boot takes no more than its first few thousand. */
  get anchorCount(): number {
    return this.storedAnchors + this.anchors.length;
  }

  /** The boot's era from what its lines showed: the kernel release, else an export's word, else the functions seen. */
  era(): Era | null {
    if (this.kernel !== null) {
      const fromKernel = eraOfKernel(this.kernel);
      if (fromKernel !== null) return fromKernel;
    }
    const range = this.decoder.eraRange();
    return this.eraHint ?? (range !== null && range[0] === range[1] ? range[0] : null);
  }

  /** The kernel reserved the crashed kernel's ELF core header (`OF: fdt: Reserving 1 KiB … for elfcorehdr`, arm64). */
  reservedElfcorehdr = false;
  /** The boot before it in this input went down by a crash kexec (`Starting crashdump kernel...`). */
  followsCrash = false;
  /** This boot went down by a crash kexec. */
  crashKexec = false;

  /**
   * A kdump (capture) kernel: booted by the crash path, with the old kernel's core at `elfcorehdr=` (x86, on its
   * command line) or in the device tree (arm64, which says so as it reserves it), or `crashkernel=0`. Crashkernel
   * memory reserved by a production kernel is no evidence.
   */
  kind(): BootKind {
    if (this.kindHint !== null) return this.kindHint;
    const byCmdline = this.cmdline !== null && /(?:^|\s)(?:elfcorehdr=|crashkernel=0(?:\s|$))/.test(this.cmdline);
    return byCmdline || this.reservedElfcorehdr || this.followsCrash ? 'kdump' : 'normal';
  }

  /** Lines at stamp 0 before the banner (arm64's `Booting Linux on physical CPU`, ppc64's `hash-mmu:`): the same kernel. */
  get inPrologue(): boolean {
    return this.kernel === null && this.maxTimeNs === 0n;
  }
}

/** The kernel goes away with this event: a restart of the stamps after it is the next kernel. */
/** The release a banner names: `Linux version 6.1.0-56-amd64 (debian-kernel@…)`, with or without a space before `(`. */
export const BANNER = /^Linux version ([^\s(]+)/;

/**
 * The release where no banner shows it: the stack dump's `CPU: 0 PID: 1 Comm: swapper/0 Not tainted 5.14.0-rc5 #0`
 * (or `Tainted: G W …`), or the boot image's name on the command line (`BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64`).
 */
export function releaseFrom(message: string): string | null {
  const dump = /^CPU: \d+ (?:UID: \d+ )?PID: \d+ Comm: /.exec(message);
  if (dump !== null) {
    // `… Not tainted 5.14.0-rc5 #0`, `… Tainted: G  W  L  6.14.0-rc3 #1`: the release is the token before `#n`.
    const words = message.slice(dump[0].length).split(' ').filter((w) => w !== '');
    const at = words.findIndex((w, i) => /^#\d/.test(words[i + 1] ?? '') && /^\d+\.\d+/.test(w));
    const tainted = words.indexOf('tainted') >= 0 || words.indexOf('Tainted:') >= 0;
    if (at > 0 && tainted) return words[at]!;
  }
  const image = /(?:^|\s)BOOT_IMAGE=\S*?(?:vmlinuz|vmlinux|bzImage|Image)-(\d+\.\d+\S*)/.exec(message);
  return image === null ? null : image[1]!;
}

export function endsKernel(e: LifecycleEvent): boolean {
  return e.type === 'panic' || e.type === 'kexec.start' || (e.type === 'system.state' && ['restart', 'halt', 'power_off'].includes(e.state));
}
