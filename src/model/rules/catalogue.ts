/** The rule catalogue (DESIGN.md): ids are a contract. */
import { enableAfterShutdown } from './enable-after-shutdown.js';
import { kexecWithVirtOn } from './kexec-with-virt-on.js';
import { kexecWithoutKvmShutdown } from './kexec-without-kvm-shutdown.js';
import { offlineWithVirtOn } from './offline-with-virt-on.js';
import { onlineCallbackFailed } from './online-callback-failed.js';
import { onlineMissedVirtEnable } from './online-missed-virt-enable.js';
import type { Rule } from './rule.js';
import { suspendWithVirtOn } from './suspend-with-virt-on.js';
import { tdxCpuEnableWithoutVirt, tdxEnableIncomplete, tdxModuleInitFailed, tdxOnlineMissedLpInit } from './tdx.js';
import { usageUnderflow } from './usage-underflow.js';
import { virtDisableWhileOff } from './virt-disable-while-off.js';
import { virtEnableFailed } from './virt-enable-failed.js';

export const RULES: readonly Rule[] = [
  kexecWithVirtOn,
  kexecWithoutKvmShutdown,
  onlineMissedVirtEnable,
  onlineCallbackFailed,
  usageUnderflow,
  virtEnableFailed,
  virtDisableWhileOff,
  enableAfterShutdown,
  suspendWithVirtOn,
  tdxCpuEnableWithoutVirt,
  tdxEnableIncomplete,
  tdxModuleInitFailed,
  tdxOnlineMissedLpInit,
  offlineWithVirtOn,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
