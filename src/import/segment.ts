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

  /** A kdump kernel is booted by the crash path with the old kernel's core at `elfcorehdr=`. */
  kind(): BootKind {
    return this.kindHint ?? (this.cmdline !== null && /(?:^|\s)elfcorehdr=/.test(this.cmdline) ? 'kdump' : 'normal');
  }
}

/** The kernel goes away with this event: a restart of the stamps after it is the next kernel. */
export function endsKernel(e: LifecycleEvent): boolean {
  return e.type === 'panic' || e.type === 'kexec.start' || (e.type === 'system.state' && ['restart', 'halt', 'power_off'].includes(e.state));
}
