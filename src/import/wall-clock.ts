/** Kernel time from what a log line's stamps say, through the boot's wall-clock anchor where it has only wall clock. */
import type { Segment } from './segment.js';

/** Kernel times derived from wall-clock stamps to the second (dmesg -T, journalctl -o short) are this uncertain. */
const WHOLE_SECOND_NS = 1_000_000_000n;

/**
 * The kernel time of a log record: its own where it has one (which, with a wall clock beside it, anchors the boot);
 * else its wall clock placed through the boot's anchor — the banner is printed at kernel time 0 — or null.
 */
export function kernelTime(seg: Segment, timeNs: bigint | null, wallNs: bigint | null, banner: boolean): bigint | null {
  if (wallNs === null) return timeNs;
  if (timeNs !== null) {
    seg.bootWallNs ??= wallNs - timeNs;
    return timeNs;
  }
  if (banner) seg.bootWallNs ??= wallNs;
  if (wallNs % 1_000_000_000n === 0n) seg.toleranceNs = WHOLE_SECOND_NS;
  return seg.bootWallNs === null ? null : wallNs - seg.bootWallNs;
}
