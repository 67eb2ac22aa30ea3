import { Args } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';

export default class Explain extends KvmlogCommand {
  static override summary = 'Show a finding with its evidence lines as they stood in the input.';
  static override description = `Prints the finding, the kernel reason, each event that proves it with its source file:line and raw text, and the state of each CPU involved just before and after the event that raised it. FINDING is an id from kvmlog check (rule@seq).`;
  static override examples = ['<%= config.bin %> explain kexec-with-virt-on@17/cpu1'];
  static override args = { finding: Args.string({ description: 'finding id (rule@seq, as kvmlog check prints it)', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Explain);
    const { explain } = await import('../app/diagnose.js');
    const { explainJson, explainText } = await import('../render/findings.js');
    const v = await this.withStore(flags.db, 'read', (store) => explain(store, args.finding));
    this.out(flags.json ? JSON.stringify(explainJson(v)) : explainText(v));
  }
}
