import { KvmlogCommand } from '../cli/base.js';

export default class Boots extends KvmlogCommand {
  static override summary = 'List the boots in the store.';
  static override description = `A boot is one run of one kernel on a host: the unit of kernel time. Each has an id (give it, or a unique prefix, to --boot), the kernel release and era when the input showed them, its first and last event times in seconds since boot, and the boot it followed (a kdump boot names the boot that crashed).`;
  static override examples = ['<%= config.bin %> boots', '<%= config.bin %> boots --json | jq -r ".[].id"'];

  async run(): Promise<void> {
    const { flags } = await this.parse(Boots);
    const { bootsOf } = await import('../app/boots.js');
    const { bootsJson, bootsText } = await import('../render/boots.js');
    const boots = await this.withStore(flags.db, 'read', (store) => bootsOf(store));
    this.out(flags.json ? JSON.stringify(bootsJson(boots)) : bootsText(boots));
  }
}
