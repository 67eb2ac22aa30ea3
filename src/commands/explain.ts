import { Args } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';

export default class Explain extends KvmlogCommand {
  static override summary = 'Show a finding with its evidence lines as they stood in the input.';
  static override description = `Prints the finding, the kernel reason, each event that proves it with its source file:line and raw text, and the state of each CPU involved just before and after the event that raised it. FINDING is an id from kvmlog check (rule@seq).`;
  static override examples = ['<%= config.bin %> explain kexec-with-virt-on@17/cpu1'];
  static override args = { finding: Args.string({ description: 'finding id (rule@seq, as kvmlog check prints it)', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Explain);
    const { locate, statesAround } = await import('../app/diagnose.js');
    const { explainText, findingsJson } = await import('../render/findings.js');
    const out = await this.withStore(flags.db, 'read', (store) => {
      const l = locate(store, args.finding);
      if (flags.json) return JSON.stringify({ ...(findingsJson([{ boot: l.boot, findings: [l.finding] }]) as { findings: object[] }).findings[0], evidence: evidenceJson(l) });
      return explainText(l, statesAround(l));
    });
    this.out(out);
  }
}

function evidenceJson(l: import('../app/diagnose.js').Located): object[] {
  const bySeq = new Map(l.events.map((e) => [e.seq, e]));
  return l.finding.events.map((s) => {
    const e = bySeq.get(s)!;
    return { seq: s, timeNs: e.timeNs.toString(), ...e.event, source: { path: e.provenance.path, line: e.provenance.line }, raw: e.provenance.raw };
  });
}
