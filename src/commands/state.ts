import { Flags } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';
import { TIME_HELP, whenFlag } from '../cli/time-flag.js';

export default class State extends KvmlogCommand {
  static override summary = "Show the host's virtualization state at an instant.";
  static override description = `Rebuilds the state of one boot at TIME from its events: whether kvm is loaded, kvm_usage_count, whether the KVM hotplug state ("kvm/cpu:online") is registered, the TDX module status, the system state, and for each CPU whether it is online, whether virtualization is on (post-VMXON, or EFER.SVME on AMD) and whether TDX LP-init was done. An event at exactly TIME is included.

Anything the input has not shown by TIME is "unknown" (null in JSON), never guessed: a dmesg that starts mid-run says nothing about CPUs it never mentions.

TIME is ${TIME_HELP}.`;

  static override examples = [
    '<%= config.bin %> state --at 13.0',
    '<%= config.bin %> state --at 14437947000ns --boot 3f2a',
    '<%= config.bin %> state --at 20 --json | jq ".cpus[] | select(.virt == \\"on\\") | .cpu"',
  ];

  static override flags = {
    at: Flags.string({ description: 'the instant', required: true }),
    boot: Flags.string({ description: 'boot id or unique prefix (default: the only boot, else the latest)' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(State);
    const at = whenFlag('--at', flags.at);
    const { stateOf } = await import('../app/state-at.js');
    const { stateJson, stateText } = await import('../render/state.js');
    const s = await this.withStore(flags.db, 'read', (store) => stateOf(store, { boot: flags.boot, at: at! }));
    if (s.note) this.note(s.note);
    if (s.stale) this.note(`boot ${s.boot.id}: its stored checkpoints are from another kvmlog version, so the state was folded from the start; kvmlog rebuild updates them`);
    this.out(flags.json ? JSON.stringify(stateJson(s)) : stateText(s));
  }
}
