import { Args } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';
import { KvmlogError } from '../errors.js';

export default class Verify extends KvmlogCommand {
  static override summary = "Check the store's hash chain, or the hashes of an exported history, and name the first event that does not match.";
  static override description = `Every stored event carries a hash over its content and the hash of the event appended before it, so that an event changed, removed or reordered after the import breaks the chain from there on. Without FILE, kvmlog recomputes the whole chain of the store. With FILE, an NDJSON export (kvmlog events --json), it checks each event's hash against its content and its chain.prev, and the links between events adjacent in the chain, without any store: a recipient can verify what they were sent.

Exits 1 when something does not match, naming the first such event (its seq, boot, time and input line).`;
  static override examples = ['<%= config.bin %> verify', '<%= config.bin %> events --json > history.ndjson && <%= config.bin %> verify history.ndjson'];
  static override args = { file: Args.string({ description: 'an NDJSON export to verify instead of the store' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Verify);
    const { formatNs } = await import('../model/time.js');
    if (args.file !== undefined) {
      const { stat } = await import('node:fs/promises');
      const s = await stat(args.file).catch(() => null);
      if (s === null || !s.isFile()) throw new KvmlogError('input', `${args.file}: ${s === null ? 'no such file' : 'not a file'}`);
      const { verifyExport } = await import('../app/verify.js');
      const v = await verifyExport(args.file);
      if (flags.json) this.out(JSON.stringify({ file: args.file, intact: v.first === null, verified: v.verified, links: v.links, complete: v.complete, first: v.first }));
      else if (v.first === null) {
        this.out(`${args.file}: ${v.verified} events match their hashes; ${v.links} links checked; ${v.complete ? 'the whole chain from its first event' : 'part of a chain (not from its first event, or with gaps)'}`);
      } else this.out(`${args.file}:${v.first.line}: ${v.first.seq === null ? '' : `event #${v.first.seq}: `}${v.first.why}`);
      if (v.first !== null) process.exitCode = 1;
      return;
    }
    const { verifyStore } = await import('../app/verify.js');
    const v = await this.withStore(flags.db, 'read', (store) => verifyStore(store));
    if (flags.json) {
      const first = v.kind === 'broken' ? { ...v.first, timeNs: v.first.timeNs.toString() } : null;
      this.out(JSON.stringify({ intact: v.kind === 'intact', events: v.events, head: v.kind === 'intact' ? v.head : null, first }));
    } else if (v.kind === 'intact') this.out(`${flags.db}: ${v.events} events, hash chain intact; head ${v.head}`);
    else {
      const f = v.first;
      this.out(`${flags.db}: event #${f.seq} (boot ${f.boot}, ${formatNs(f.timeNs)} s, ${f.path}:${f.line}): ${f.why}`);
    }
    if (v.kind === 'broken') process.exitCode = 1;
  }
}
