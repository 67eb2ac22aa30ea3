/**
 * Kernel eras (domain/kernel-lifecycle.md §0): who turns virtualization on, and when.
 *  E0 ≤6.2   first VM enables by IPI; kvm/cpu:starting (kvm_starting_cpu / kvm_dying_cpu)
 *  E1 6.3–6.5  kvm/cpu:online registered _nocalls at kvm_init
 *  E2 6.6–6.11 as E1, emergency callback registered at vendor module load
 *  E3 6.12–7.0 enable at load by default; kvm/cpu:online registered on usage 0→1, removed on 1→0
 *  E4 7.1+     core kernel VMXON refcounts; TDX from boot
 */
export type Era = 'E0' | 'E1' | 'E2' | 'E3' | 'E4';

export const ERAS: readonly Era[] = ['E0', 'E1', 'E2', 'E3', 'E4'];

/** Era of a kernel release string such as `6.1.0-56-amd64` or `6.12.117+deb12-amd64`. */
export function eraOfKernel(release: string): Era | null {
  const m = /^(\d+)\.(\d+)/.exec(release.trim());
  if (!m) return null;
  const v = Number(m[1]) * 1000 + Number(m[2]);
  if (v <= 6002) return 'E0';
  if (v <= 6005) return 'E1';
  if (v <= 6011) return 'E2';
  if (v <= 7000) return 'E3';
  return 'E4';
}

/** The kvm/cpu hotplug state is registered only while the usage count is non-zero (6.12+). */
export function cpuhpFollowsUsage(era: Era | null): boolean {
  return era === 'E3' || era === 'E4';
}

/** kvm_init registers the KVM hotplug state for the module's lifetime (≤6.11). */
export function cpuhpRegisteredAtLoad(era: Era | null): boolean {
  return era === 'E0' || era === 'E1' || era === 'E2';
}
