import { Flags } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';
import { TIME_HELP, whenFlag } from '../cli/time-flag.js';
import { KvmlogError } from '../errors.js';
import { EVENT_TYPES, type EventType, isEventType } from '../model/event.js';

export default class Events extends KvmlogCommand {
  static override summary = "List a boot's lifecycle events in the order the kernel made them.";
  static override description = `Events are ordered by kernel time; events at the same nanosecond keep their input order. Each shows its sequence number (stable within the store), its type from the event catalogue and its fields. With --json, one JSON object per line (NDJSON) with the exact time in nanoseconds, the source file, its SHA-256 and the line, the raw input line, and the event's place in the store's hash chain (chain.prev, chain.hash: kvmlog verify FILE checks them).

TIME is ${TIME_HELP}. --from and --to are inclusive.

Event types: ${EVENT_TYPES.join(', ')}`;

  static override examples = [
    '<%= config.bin %> events --from 12.5 --to 13',
    '<%= config.bin %> events --cpu 2 --type virt.enable --type virt.disable',
    '<%= config.bin %> events --json --type kvm.usage | jq .to',
  ];

  static override flags = {
    boot: Flags.string({ description: 'boot id or unique prefix (default: the only boot, else the latest)' }),
    from: Flags.string({ description: 'first instant (inclusive)' }),
    to: Flags.string({ description: 'last instant (inclusive)' }),
    cpu: Flags.integer({ description: 'only events about this CPU', min: 0 }),
    type: Flags.string({ description: 'only events of this type (repeatable)', multiple: true }),
    limit: Flags.integer({ description: 'at most this many events', min: 1 }),
    'every-clock': Flags.boolean({ description: "also events on another clock than the boot's kernel time (a trace no evidence placed), each marked with its clock" }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Events);
    const types = (flags.type ?? []).map((t): EventType => {
      if (!isEventType(t)) throw new KvmlogError('usage', `--type ${t}: not an event type; one of ${EVENT_TYPES.join(', ')}`);
      return t;
    });
    const query = { boot: flags.boot, from: whenFlag('--from', flags.from), to: whenFlag('--to', flags.to), cpu: flags.cpu, types, limit: flags.limit, withChain: flags.json, everyClock: flags['every-clock'] };
    const { eventsOf } = await import('../app/events.js');
    const { eventJsonLine, eventLine } = await import('../render/events.js');
    await this.withStore(flags.db, 'read', (store) => {
      const { boot, note, events } = eventsOf(store, query);
      if (note) this.note(note);
      for (const r of events) this.out(flags.json ? eventJsonLine(r, boot.bootWallNs) : eventLine(r, boot.bootWallNs));
    });
  }
}
