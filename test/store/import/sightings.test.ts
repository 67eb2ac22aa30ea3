/**
 * A fact seen by two captures of one run is one fact, at the more precise sighting's instant, whichever capture is
 * imported first: the real 6.12 dmesg announces each CPU's bring-up 20–30 ms before its trace says it is online.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { between } from '../../../src/model/sightings.js';
import { fixture } from '../../helpers/cli.js';
import { testStore } from '../../helpers/store.js';

const dmesg = fixture('linux-6.12-qemu', 'dmesg-lifecycle.txt');
const trace = fixture('linux-6.12-qemu', 'ftrace-lifecycle-before-rmmod.txt');

async function onlinesOf(files: readonly string[]) {
  const t = await testStore();
  try {
    for (const f of files) await t.import(f);
    const [boot] = t.boots();
    const facts = t.events(boot!.id).filter((e) => e.event.type === 'cpu.online' && e.event.cpu === 2);
    // What each superseded sighting was: its file and how uncertain its instant.
    const superseded = t.store.raw
      .prepare(
        `SELECT s.path, e.uncertainty_ns AS u, b.uncertainty_ns AS byU FROM superseded x
         JOIN events e ON e.seq = x.seq JOIN events b ON b.seq = x.by_seq JOIN sources s ON s.id = e.source_id`,
      )
      .safeIntegers(true)
      .all() as { path: string; u: bigint; byU: bigint }[];
    return { facts: facts.map((e) => [e.timeNs, e.provenance.path.split('/').pop()]), superseded, boots: t.boots().length };
  } finally {
    await t.close();
  }
}

describe('sightings of one fact across captures', () => {
  it('a CPU online is the trace’s instant, once, in either order; the bring-up message is kept as a superseded sighting only when it came first', async () => {
    const traceFirst = await onlinesOf([trace, dmesg]);
    const dmesgFirst = await onlinesOf([dmesg, trace]);
    assert.deepEqual(dmesgFirst.facts.map(([t]) => t), traceFirst.facts.map(([t]) => t));
    assert.equal(traceFirst.boots, 1);
    // CPU 2 came online three times before rmmod (boot, step 3's online, and …): each at its cpuhp exit.
    // CPU 2 online at boot (dmesg holds the tp_printk copy of that cpuhp record, at the same instant), again in
    // step 3 at its cpuhp exit — 19.928584 s, where dmesg announced the bring-up at 19.897111 s — and on resume
    // in step 12, after this trace was read: there dmesg's bring-up message is the only word.
    assert.deepEqual(
      traceFirst.facts.map(([t]) => t),
      [1_005_755_000n, 19_928_584_000n, 49_415_864_000n],
    );
    assert.equal(traceFirst.facts[1]![1], 'ftrace-lifecycle-before-rmmod.txt');
    // Superseded: only a sighting less precise than the one that replaced it; a later, less precise sighting is not
    // stored at all.
    assert.ok(dmesgFirst.superseded.some((x) => x.path.endsWith('dmesg-lifecycle.txt')), 'dmesg’s bring-up messages, imported first');
    for (const x of [...traceFirst.superseded, ...dmesgFirst.superseded]) assert.ok(x.u > x.byU, `superseded ${x.path} at ±${x.u} ns by one at ±${x.byU} ns`);
  });

  it('two sightings can be one fact only where their uncertainties meet; between them, only a transition outside the wider one’s separates them', () => {
    const ms = 1_000_000n;
    assert.equal(between(100n * ms, 0n, 100n * ms + 145_000n, ms), 'overlap', 'a tp_printk copy 145 µs after its record');
    assert.equal(between(100n * ms, 0n, 103n * ms, 0n), null, 'two exact stamps 3 ms apart are two facts');
    assert.equal(between(100n * ms, 0n, 2_100n * ms, 1_000n * ms), null, 'a stamp to the second, 2 s from an exact one');
    assert.deepEqual(between(100n * ms, ms, 1_101n * ms, 1_000n * ms), [100n * ms, 100_999_000n], 'the stretch before the second-resolution interval');
  });
});
