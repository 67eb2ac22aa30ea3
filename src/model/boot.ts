/** A boot as kvmlog knows it: one run of one kernel on a host, with what its events add up to. */
import type { Era } from './era.js';
import type { BootKind } from './event.js';

export interface Boot {
  readonly id: string;
  readonly host: string;
  readonly kind: BootKind;
  readonly kernel: string | null;
  readonly era: Era | null;
  readonly cmdline: string | null;
  /** The boot this one followed (kexec, kdump, reboot), where the inputs showed it. */
  readonly previous: string | null;
  readonly firstNs: bigint | null;
  readonly lastNs: bigint | null;
  readonly events: number;
  /** Wall-clock time of kernel time 0 (ns since the epoch), where an input showed it. */
  readonly bootWallNs: bigint | null;
  /** The highest sequence number in the boot: which boot was written last. */
  readonly lastSeq: number;
}
