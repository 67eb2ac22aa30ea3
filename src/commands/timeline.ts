import { Flags } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';
import { TIME_HELP, whenFlag } from '../cli/time-flag.js';

export default class Timeline extends KvmlogCommand {
  static override summary = 'Draw a boot in the terminal: a lane per CPU (online, post-VMXON, TDX, unknown), the usage count, and the panic, kexec and findings.';
  static override description = `Each column is a slice of the window and shows the state the CPU held for most of it: # post-VMXON and TDX LP-initialized, = post-VMXON, - online with virtualization off, ~ online with virtualization unknown (6.1 prints nothing when it enables), . offline, ! offline while post-VMXON, ? unknown. Below the lanes, the kvm_usage_count at the end of each slice and a row of markers (! finding, P panic, K kexec, S kvm_shutdown, Z system state, L lost trace records), each listed with its time and event under the legend. Plain ASCII, so it pastes into a bug report; coloured on a terminal (NO_COLOR turns it off).

TIME is ${TIME_HELP}.`;
  static override examples = ['<%= config.bin %> timeline', '<%= config.bin %> timeline --from 17.9 --to 18.0 --width 120'];
  static override flags = {
    boot: Flags.string({ description: 'boot id or unique prefix (default: the only boot, else the latest)' }),
    from: Flags.string({ description: 'start of the window (default: the boot’s first event)' }),
    to: Flags.string({ description: 'end of the window (default: the boot’s last event)' }),
    width: Flags.integer({ description: 'columns (default: the terminal’s width, else 100)', min: 30 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Timeline);
    const query = { boot: flags.boot, from: whenFlag('--from', flags.from), to: whenFlag('--to', flags.to) };
    const { timelineWindow } = await import('../app/timeline.js');
    const { timelineWindowText } = await import('../render/timeline-text.js');
    const v = await this.withStore(flags.db, 'read', (store) => timelineWindow(store, query));
    if (v.note) this.note(v.note);
    const colour = process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined;
    this.out(timelineWindowText(v, { width: flags.width ?? process.stdout.columns ?? 100, colour }));
  }
}
