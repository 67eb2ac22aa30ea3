import { KvmlogCommand } from '../cli/base.js';

export default class Rebuild extends KvmlogCommand {
  static override summary = 'Recompute the stored projections (state checkpoints, per-CPU spans) of every boot.';
  static override description = `Projections are derived from the events and stored to make kvmlog state and kvmlog spans fast. Import keeps them current; after an upgrade of kvmlog whose reducer changed, kvmlog state says so, and this recomputes them. The events themselves are never changed.`;
  static override examples = ['<%= config.bin %> rebuild'];

  async run(): Promise<void> {
    const { flags } = await this.parse(Rebuild);
    const { rebuildAll } = await import('../app/rebuild.js');
    const rebuilt = await this.withStore(flags.db, 'write', (store) => rebuildAll(store));
    for (const r of rebuilt) this.note(`${r.boot}: ${r.checkpoints} checkpoints, ${r.spans} spans`);
  }
}
