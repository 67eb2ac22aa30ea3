import { Args } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';

export default class Verify extends KvmlogCommand {
  static override summary = "Check the store's hash chain, or the hashes of an exported history, and name the first event that does not match.";
  static override description = `Every stored event carries a hash over its content and the hash of the event appended before it, so that an event changed, removed or reordered after the import breaks the chain from there on. Without FILE, kvmlog recomputes the whole chain of the store. With FILE, an NDJSON export (kvmlog events --json), it checks each event's hash against its content and its chain.prev, and the links between events adjacent in the chain, without any store: a recipient can verify what they were sent.

Exits 1 when something does not match, naming the first such event (its seq, boot, time and input line).`;
  static override examples = ['<%= config.bin %> verify', '<%= config.bin %> events --json > history.ndjson && <%= config.bin %> verify history.ndjson'];
  static override args = { file: Args.string({ description: 'an NDJSON export to verify instead of the store' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Verify);
    const render = await import('../render/verify.js');
    if (args.file !== undefined) {
      const { verifyFile } = await import('../app/verify.js');
      const v = await verifyFile(args.file);
      this.out(flags.json ? JSON.stringify(render.exportVerdictJson(args.file, v)) : render.exportVerdictText(args.file, v));
      if (v.first !== null) process.exitCode = 1;
      return;
    }
    const { verifyStore } = await import('../app/verify.js');
    const v = await this.withStore(flags.db, 'read', (store) => verifyStore(store));
    this.out(flags.json ? JSON.stringify(render.storeVerdictJson(v)) : render.storeVerdictText(flags.db, v));
    if (v.kind === 'broken') process.exitCode = 1;
  }
}
