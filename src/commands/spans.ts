import { Flags } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';
import { TIME_HELP, whenFlag } from '../cli/time-flag.js';
import { SPAN_KINDS, type SpanKind } from '../model/projection.js';

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
    const query = { boot: flags.boot, kind: flags.kind as SpanKind | undefined, cpu: flags.cpu, from: whenFlag('--from', flags.from), to: whenFlag('--to', flags.to) };
    const { spansOf } = await import('../app/spans.js');
    const { spansJson, spansText } = await import('../render/spans.js');
    const v = await this.withStore(flags.db, 'read', (store) => spansOf(store, query));
    if (v.note) this.note(v.note);
    if (flags.json) for (const line of spansJson(v)) this.out(line);
    else this.out(spansText(v));
  }
}
