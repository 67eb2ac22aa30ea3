import { Flags } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';
import { TIME_HELP, whenFlag } from '../cli/time-flag.js';

export default class Replay extends KvmlogCommand {
  static override summary = 'Walk a boot event by event: each event, the state change it causes, findings as they arise.';
  static override description = `Folds the boot's history from its start with the same reducer as kvmlog state, and prints each event with what it changed (cpu2.virt: on -> off, kvm.usageCount: 1 -> 0) and the findings it raised. --from/--to/--cpu choose what is shown; the state is always built from the boot's first event. --until RULE stops at the first finding of that rule. --step waits for Enter between events on a terminal. With --json, one object per event (NDJSON).

TIME is ${TIME_HELP}.`;

  static override examples = ['<%= config.bin %> replay --from 12.5 --to 16', '<%= config.bin %> replay --cpu 2 --until online-missed-virt-enable', '<%= config.bin %> replay --step'];

  static override flags = {
    boot: Flags.string({ description: 'boot id or unique prefix (default: the only boot, else the latest)' }),
    from: Flags.string({ description: 'first instant shown (inclusive)' }),
    to: Flags.string({ description: 'last instant shown (inclusive)' }),
    cpu: Flags.integer({ description: 'only events about this CPU (and global ones that change its state)', min: 0 }),
    until: Flags.string({ description: 'stop at the first finding of this rule' }),
    step: Flags.boolean({ description: 'wait for Enter after each event (on a terminal)' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Replay);
    const query = { boot: flags.boot, from: whenFlag('--from', flags.from), to: whenFlag('--to', flags.to), cpu: flags.cpu, until: flags.until };
    const { replayOf } = await import('../app/replay.js');
    const { replayEndJson, replayEndText, replayStepJson, replayStepText } = await import('../render/replay.js');
    const interactive = flags.step && process.stdin.isTTY && !flags.json;
    const { createInterface } = await import('node:readline/promises');
    const prompt = interactive ? createInterface({ input: process.stdin, output: process.stderr }) : null;
    try {
      await this.withStore(flags.db, 'read', async (store) => {
        const v = replayOf(store, query);
        if (v.note) this.note(v.note);
        for (const s of v.steps) {
          this.out(flags.json ? replayStepJson(s, v.boot) : replayStepText(s));
          if (s.stops) {
            this.note(`stopped at the first ${flags.until} finding`);
            return;
          }
          // Enter steps on; Ctrl+D (end of input) ends the replay.
          if (prompt && !(await prompt.question('').then(() => true, () => false))) return;
        }
        for (const f of v.end()) this.out(flags.json ? replayEndJson(f) : replayEndText(f));
      });
    } finally {
      prompt?.close();
    }
  }
}
