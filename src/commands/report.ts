import { Flags } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';

export default class Report extends KvmlogCommand {
  static override summary = 'Write a self-contained HTML report: each boot as CPU lanes, the usage count, the panic, kexec and findings with their evidence.';
  static override description = `One HTML file with nothing external (no network, scripts, styles or fonts from elsewhere): for each boot, its summary; its CPUs as lanes coloured by state (post-VMXON, TDX, online, offline, unknown hatched); the kvm_usage_count as a step line; the panic, kexec, kvm_shutdown and findings as markers; and each finding with its evidence lines as they stood in the input. Hovering a lane or an event tick shows the event and its raw line. Attach it to a bug report.`;
  static override examples = ['<%= config.bin %> report -o kvmlog-report.html', '<%= config.bin %> report --boot 8a6b -o crash.html'];
  static override flags = {
    output: Flags.string({ char: 'o', description: 'the HTML file to write', required: true }),
    boot: Flags.string({ description: 'only this boot (id or unique prefix); default every boot' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Report);
    const { timelines } = await import('../app/timeline.js');
    const { reportHtml } = await import('../render/report-html.js');
    const { writeWhole } = await import('../cli/output.js');
    const boots = await this.withStore(flags.db, 'read', (store) => timelines(store, flags.boot));
    const html = reportHtml(`kvmlog report: ${flags.db}`, boots);
    await writeWhole(flags.output, html);
    this.note(`${flags.output}: ${Math.round(html.length / 1024)} kB`);
  }
}
