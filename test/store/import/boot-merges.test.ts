/**
 * A boot stored from an input that named none is provisional until a capture that names its boot arrives: then its
 * facts move there, on that boot's kernel time where the evidence places them. Two boots of one scenario are
 * never taken for one. Real 6.1 and 6.12 recordings.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyStore } from '../../../src/app/verify.js';
import { readEvents } from '../../../src/store/read.js';
import { fixture } from '../../helpers/cli.js';
import { repeatedFacts } from '../../helpers/runs.js';
import { testStore } from '../../helpers/store.js';

const run61 = (f: string) => fixture('linux-6.1-qemu', f);

describe('a provisional boot', () => {
  for (const order of [
    ['ftrace-function-lifecycle.txt', 'ftrace-lifecycle.txt', 'dmesg-lifecycle.txt'],
    ['dmesg-lifecycle.txt', 'ftrace-lifecycle.txt', 'ftrace-function-lifecycle.txt'],
  ]) {
    it(`the function-tracer capture is the lifecycle boot’s, imported ${order[0] === 'dmesg-lifecycle.txt' ? 'last' : 'first'}; the chain stays intact`, async () => {
      const t = await testStore();
      try {
        const results = [];
        for (const f of order) results.push(await t.import(run61(f)));
        const boots = t.boots();
        assert.deepEqual(
          boots.map((b) => b.kernel),
          ['6.1.0-56-amd64'],
        );
        const merges = results.flatMap((r) => r.summary.merges);
        assert.equal(merges.length, 1);
        // VM A's kvm_arch_init_vm: 13.712699 on the function tracer's clock (line 15 of its file), 12.590732 in the
        // event trace (line 268), the kprobe on the same call: one fact, at the event trace's instant.
        const creates = t.events(boots[0]!.id).filter((e) => e.event.type === 'vm.create');
        assert.deepEqual(
          creates.map((e) => e.timeNs),
          [12_590_732_000n, 16_593_109_000n, 23_211_818_000n],
        );
        assert.deepEqual(repeatedFacts(t.events(boots[0]!.id)), []);
        // The function tracer's records after the resume (its clock jumped 5 s there) stay on its own clock.
        const other = [...readEvents(t.store, { boot: boots[0]!.id, scope: 'every clock' })].filter((e) => e.clock !== 'kernel');
        assert.ok(other.length > 0 && other.every((e) => e.clock === 'trace-capture' && e.timeNs >= 31_224_580_000n), JSON.stringify(other.map((e) => [e.clock, `${e.timeNs}`])));
        assert.equal(verifyStore(t.store).kind, 'intact');
      } finally {
        await t.close();
      }
    });
  }

  it('of one kernel is never merged into a boot of another that ran the same scenario (6.1 trace, 6.12 log)', async () => {
    const t = await testStore();
    try {
      await t.import(run61('ftrace-lifecycle.txt'));
      const r = await t.import(fixture('linux-6.12-qemu', 'dmesg-lifecycle.txt'));
      assert.deepEqual(r.summary.merges, []);
      assert.equal(t.boots().length, 2);
    } finally {
      await t.close();
    }
  });
});
