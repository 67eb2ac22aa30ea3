/** x86's largest NR_CPUS (MAXSMP, arch/x86/Kconfig NR_CPUS_RANGE_END): CPU ids run below it. */
export const MAX_CPUS = 8192;

/** A CPU id no x86 kernel can have is a mangled line: neither a fact nor state worth keeping. */
export const possibleCpu = (cpu: number): boolean => cpu < MAX_CPUS;

export const impossibleCpuMessage = (cpu: number): string =>
  `CPU ${cpu} is beyond any x86 kernel's CPUs (NR_CPUS is at most ${MAX_CPUS}, MAXSMP): not stored`;
