import { Flags } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';

export default class Check extends KvmlogCommand {
  static override summary = 'Find the failure paths the kernel reference describes, in every boot or one.';
  static override description = `Walks each boot's events with the rule catalogue: a kexec or crash while a CPU is still post-VMXON, a CPU that came online without VMXON while VMs could run, a usage count below zero, a failed VMXON, a TDX module init that failed, and more (kvmlog check --help lists the rules below). Each finding names the rule, the boot, the time, the CPU, what happened and why the kernel cares, and the events that prove it. Rules apply only to the kernel eras they hold in, and never fire on unknown state.

Exits 1 when a finding of severity error exists.`;

  static override examples = ['<%= config.bin %> check', '<%= config.bin %> check --boot 8a6b --rule kexec-with-virt-on', '<%= config.bin %> check --json | jq ".findings[].id"'];

  static override flags = {
    boot: Flags.string({ description: 'check only this boot (id or unique prefix)' }),
    rule: Flags.string({ description: 'check only this rule' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Check);
    const { checkStore, rulesNamed } = await import('../app/diagnose.js');
    const { findingsJson, findingsText } = await import('../render/findings.js');
    const rules = rulesNamed(flags.rule);
    const all = await this.withStore(flags.db, 'read', (store) => checkStore(store, flags.boot, rules));
    this.out(flags.json ? JSON.stringify(findingsJson(all)) : findingsText(all));
    if (all.some(({ findings }) => findings.some((f) => f.severity === 'error'))) process.exitCode = 1;
  }
}
