import { Args, Flags } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';

export default class Reproduce extends KvmlogCommand {
  static override summary = 'Shrink a boot to the smallest history that still raises a finding, as re-importable NDJSON.';
  static override description = `Delta-debugs the boot's events (ddmin) down to a minimal list that still makes the same rule fire on the same CPU, and writes it as kvmlog NDJSON (with the boot's kernel and era first), ready to share, replay, or turn into a regression test: kvmlog import FILE into an empty database, then kvmlog check, raises the finding again.`;
  static override examples = ['<%= config.bin %> reproduce kexec-with-virt-on@17/cpu1 -o repro.ndjson'];
  static override args = { finding: Args.string({ description: 'finding id (rule@seq, as kvmlog check prints it)', required: true }) };
  static override flags = { output: Flags.string({ char: 'o', description: 'where to write the NDJSON', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Reproduce);
    const { reproduceFinding } = await import('../app/diagnose.js');
    const { reproducerLines } = await import('../render/export.js');
    const { writeWhole } = await import('../cli/output.js');
    const r = await this.withStore(flags.db, 'read', (store) => reproduceFinding(store, args.finding));
    await writeWhole(flags.output, `${reproducerLines(r.boot, r.events).join('\n')}\n`);
    const pct = ((100 * r.events.length) / r.from).toFixed(1);
    this.note(`${args.finding}: ${r.from} events → ${r.events.length} (${pct}%), written to ${flags.output}`);
    if (flags.json) this.out(JSON.stringify({ finding: args.finding, events: r.from, kept: r.events.length, file: flags.output }));
  }
}
