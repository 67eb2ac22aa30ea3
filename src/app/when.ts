/** A TIME as the user gave it, placed in a boot: kernel time as it is, wall-clock time through the boot's anchor. */
import { KvmlogError } from '../errors.js';
import { formatWall } from '../model/wall.js';

/** Kernel time since boot, or a wall-clock instant still to be placed in a boot. */
export type When = { readonly kind: 'boot'; readonly ns: bigint } | { readonly kind: 'wall'; readonly epochNs: bigint; readonly text: string };

/** Kernel time of a TIME in a boot; a wall-clock TIME needs the boot's wall-clock anchor. */
export function inBoot(flag: string, when: When | undefined, boot: { id: string; bootWallNs: bigint | null }): bigint | undefined {
  if (when === undefined) return undefined;
  if (when.kind === 'boot') return when.ns;
  if (boot.bootWallNs === null) {
    throw new KvmlogError(
      'usage',
      `${flag} ${when.text}: boot ${boot.id} has no wall-clock anchor (its input showed none); give seconds since boot, or re-import with --boot-time`,
    );
  }
  const ns = when.epochNs - boot.bootWallNs;
  if (ns < 0n) throw new KvmlogError('usage', `${flag} ${when.text}: before boot ${boot.id} started (${formatWall(boot.bootWallNs)})`);
  return ns;
}
