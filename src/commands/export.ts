import { Flags } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';

export default class Export extends KvmlogCommand {
  static override summary = 'Write the store for other tools: Perfetto / chrome://tracing, kvmlog NDJSON, or CSV.';
  static override description = `--format perfetto writes Chrome trace-event JSON that ui.perfetto.dev and chrome://tracing open: a process per boot, a track per CPU for each of online, post-VMXON and TDX LP-init (with unknown stretches marked), a counter track for kvm_usage_count, and instant events for the panic, kexec, kvm_shutdown, system states and findings; each carries its event's sequence number and exact nanoseconds in its args.

--format ndjson writes kvmlog's own events with a kvmlog.boot header per boot: kvmlog import reads it back, and kvmlog verify FILE checks its hash chain without the store.

--format csv writes one row per event: seq, boot, time_ns, cpu, type, fields (JSON), source, source_sha256, line, raw, hash.

Every boot, or --boot. The file is written whole or not at all.`;
  static override examples = [
    '<%= config.bin %> export --format perfetto -o boot.json   # then open it in ui.perfetto.dev',
    '<%= config.bin %> export --format ndjson -o history.ndjson',
    '<%= config.bin %> export --format csv --boot 8a6b | column -s, -t',
  ];
  static override flags = {
    format: Flags.string({ description: 'what to write', options: ['perfetto', 'ndjson', 'csv'], required: true }),
    output: Flags.string({ char: 'o', description: 'the file to write (default: stdout)' }),
    boot: Flags.string({ description: 'only this boot (id or unique prefix)' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Export);
    const { writeWhole } = await import('../cli/output.js');
    const lines = await this.withStore(flags.db, 'read', async (store) => {
      if (flags.format === 'perfetto') {
        const { timelines } = await import('../app/timeline.js');
        const { perfettoDocument } = await import('../render/perfetto.js');
        return [perfettoDocument(timelines(store, flags.boot))];
      }
      const { exportOf } = await import('../app/export.js');
      const { exportLines } = await import('../render/export.js');
      return exportLines(flags.format as 'ndjson' | 'csv', exportOf(store, flags.boot, flags.format === 'ndjson' ? 'log' : 'facts'));
    });
    const text = `${lines.join('\n')}\n`;
    if (flags.output === undefined || flags.output === '-') this.out(text);
    else {
      await writeWhole(flags.output, text);
      this.note(`${flags.output}: ${flags.format}, ${lines.length} ${flags.format === 'perfetto' ? 'document' : 'lines'}`);
    }
  }
}
