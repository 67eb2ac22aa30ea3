/**
 * Whether text that could not be read looks like a kernel lifecycle record: the shapes the decoder reads
 * (a probe hit, a hotplug tracepoint, a lifecycle printk). Losing such a line must be reported; chatter of
 * other programs that merely mentions kvm must not drown the report.
 */
import { PRINTK_TRACEPOINT_NAMES } from '../decode/tracepoints.js';

/** A record of a tracepoint kvmlog reads, by its name: built from the tracepoint table. */
export const TRACEPOINT_SHAPE = new RegExp(String.raw`\b(?:${PRINTK_TRACEPOINT_NAMES.join('|')}):`);

const SHAPES: readonly RegExp[] = [
  TRACEPOINT_SHAPE,
  /\b\w+: \([\w.]+\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[\w-]+\])?(?: <- [\w.]+)?\)/,
  // At the start of the text, after a stamp or a syslog `kernel:` tag, or after a stamp cut short (`[   15.54055 smpboot: …`).
  /(?:^|\]\s|kernel:\s|^\[\s*\d+(?:\.\d*)?\s)(?:smpboot|kvm|kvm_intel|kvm_amd|kexec_core|virt\/tdx|reboot): /,
  /Kernel panic - not syncing/,
];

export function looksLifecycle(text: string): boolean {
  return SHAPES.some((re) => re.test(text));
}
