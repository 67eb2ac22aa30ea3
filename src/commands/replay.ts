import { Flags } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';
import { TIME_HELP, inBoot, whenFlag } from '../cli/time-flag.js';

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
    const from = whenFlag('--from', flags.from);
    const to = whenFlag('--to', flags.to);
    const { rulesNamed } = await import('../app/diagnose.js');
    const { RULES } = await import('../model/rules/catalogue.js');
    const { walk } = await import('../model/walk.js');
    const { readEvents, resolveBoot } = await import('../store/read.js');
    const { replayLine } = await import('../render/findings.js');
    const { eventJson } = await import('../render/events.js');
    if (flags.until !== undefined) rulesNamed(flags.until);
    const interactive = flags.step && process.stdin.isTTY && !flags.json;
    const { createInterface } = await import('node:readline/promises');
    const prompt = interactive ? createInterface({ input: process.stdin, output: process.stderr }) : null;
    try {
      await this.withStore(flags.db, 'read', async (store) => {
        const { boot, note } = resolveBoot(store, flags.boot);
        if (note) this.note(note);
        const fromNs = inBoot('--from', from, boot);
        const toNs = inBoot('--to', to, boot);
        const w = walk(boot.id, boot.era, readEvents(store, { boot: boot.id }), RULES);
        for (const s of w.steps) {
          if (toNs !== undefined && s.record.timeNs > toNs) break;
          if (fromNs !== undefined && s.record.timeNs < fromNs) continue;
          const cpu = flags.cpu;
          if (cpu !== undefined && !s.changes.some((c) => c.path.startsWith(`cpu${cpu}.`)) && !('cpu' in s.record.event && s.record.event.cpu === cpu)) continue;
          if (flags.json) {
            this.out(JSON.stringify({ ...eventJson(s.record, boot.bootWallNs), changes: s.changes, findings: s.findings.map((f) => ({ id: f.id, rule: f.rule, severity: f.severity, message: f.message })) }));
          } else {
            this.out(replayLine(s.record, s.changes, s.findings));
          }
          if (flags.until !== undefined && s.findings.some((f) => f.rule === flags.until)) {
            this.note(`stopped at the first ${flags.until} finding`);
            return;
          }
          if (prompt) {
            // Enter steps on; Ctrl+D (end of input) ends the replay.
            const go = await prompt.question('').then(
              () => true,
              () => false,
            );
            if (!go) return;
          }
        }
        if (toNs === undefined) for (const f of w.end()) if (flags.until === undefined || f.rule === flags.until) this.out(flags.json ? JSON.stringify({ finding: f.id, message: f.message }) : `at the end of the boot: !! ${f.severity} ${f.id}: ${f.message}`);
      });
    } finally {
      prompt?.close();
    }
  }
}
