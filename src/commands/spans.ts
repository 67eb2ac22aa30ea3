import { Flags } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';
import { TIME_HELP, inBoot, whenFlag } from '../cli/time-flag.js';
import { SPAN_KINDS } from '../model/projection.js';

export default class Spans extends KvmlogCommand {
  static override summary = 'List the intervals during which each CPU was online, post-VMXON, or TDX-initialized.';
  static override description = `Spans come from the same fold as kvmlog state and are stored with the boot, so that "which CPUs were post-VMXON between t1 and t2" is one indexed query: --kind virt --from t1 --to t2 lists the spans that overlap the window. A span still open at the end of what the input shows has no end.

TIME is ${TIME_HELP}.`;
  static override examples = ['<%= config.bin %> spans --kind virt --from 17.9 --to 17.96', '<%= config.bin %> spans --cpu 2 --json'];
  static override flags = {
    boot: Flags.string({ description: 'boot id or unique prefix (default: the only boot, else the latest)' }),
    kind: Flags.string({ description: 'only spans of this kind', options: [...SPAN_KINDS] }),
    cpu: Flags.integer({ description: 'only this CPU', min: 0 }),
    from: Flags.string({ description: 'spans that end at or after this instant' }),
    to: Flags.string({ description: 'spans that start at or before this instant' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Spans);
    const from = whenFlag('--from', flags.from);
    const to = whenFlag('--to', flags.to);
    const { resolveBoot } = await import('../store/read.js');
    const { readSpans } = await import('../store/projections.js');
    const { formatNs } = await import('../model/time.js');
    const { table } = await import('../render/table.js');
    await this.withStore(flags.db, 'read', (store) => {
      const { boot, note } = resolveBoot(store, flags.boot);
      if (note) this.note(note);
      const spans = readSpans(store, {
        boot: boot.id,
        kind: flags.kind as (typeof SPAN_KINDS)[number] | undefined,
        cpu: flags.cpu,
        fromNs: inBoot('--from', from, boot),
        toNs: inBoot('--to', to, boot),
      });
      if (flags.json) {
        for (const s of spans) this.out(JSON.stringify({ boot: boot.id, cpu: s.cpu, kind: s.kind, fromNs: s.fromNs.toString(), toNs: s.toNs?.toString() ?? null, fromSeq: s.fromSeq, toSeq: s.toSeq }));
        return;
      }
      this.out(table(['CPU', 'KIND', 'FROM (s)', 'TO (s)', 'EVENTS'], spans.map((s) => [s.cpu, s.kind, formatNs(s.fromNs), s.toNs === null ? 'open' : formatNs(s.toNs), `#${s.fromSeq}..${s.toSeq === null ? '' : `#${s.toSeq}`}`])));
    });
  }
}
