/**
 * kvmlog's NDJSON line, one codec: every event of the real recordings goes out and comes back as it was, and a
 * line that is not a catalogue event — a field missing, of the wrong type, or unknown — is refused with its reason,
 * by the codec and by an import, which then stores nothing of it and says file:line.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventRecord } from '../../src/model/event.js';
import { decodeLine, encodeEvent } from '../../src/model/export-line.js';
import { fixture } from '../helpers/cli.js';
import { type TestStore, testStore } from '../helpers/store.js';

/** Real events of several eras and capture kinds: a trace, a kdump console, the journal. */
let real: EventRecord[] = [];
let t: TestStore;
before(async () => {
  t = await testStore();
  for (const f of [fixture('linux-6.1-qemu', 'ftrace-lifecycle.txt'), fixture('linux-6.1-qemu', 'console-kdump-direct.log'), fixture('linux-6.12-qemu', 'ftrace-lifecycle.txt'), fixture('journal-qemu', 'journal-json.txt')]) {
    await t.import(f);
  }
  real = t.boots().flatMap((b) => t.events(b.id));
});
after(() => t.close());

const line = (o: object) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>;

describe('the NDJSON codec', () => {
  it('gives back every real event as it was: boot, exact time and the event itself', () => {
    assert.ok(real.length > 300, `${real.length} events`);
    assert.ok(new Set(real.map((r) => r.event.type)).size >= 12, 'many event types');
    assert.ok(real.some((r) => r.uncertaintyNs > 0n), 'sightings less certain than their stamps among them');
    for (const r of real) {
      const d = decodeLine(line(encodeEvent(r, 1_700_000_000_000_000_000n)));
      assert.deepEqual(d, { kind: 'event', boot: r.boot, timeNs: r.timeNs, clock: 'kernel', uncertaintyNs: r.uncertaintyNs, event: r.event }, `#${r.seq} ${r.event.type}`);
    }
  });

  it('names the clock of an event that is not on the kernel clock, and then gives no wall-clock time', () => {
    const r = { ...real.find((x) => x.event.type === 'crash.nmi' || x.event.type === 'virt.enable')!, clock: 'ftrace-dump' };
    const o = line(encodeEvent(r, 1_700_000_000_000_000_000n));
    assert.equal(o['clock'], 'ftrace-dump');
    assert.equal(o['wallClock'], undefined);
    assert.deepEqual(decodeLine(o), { kind: 'event', boot: r.boot, timeNs: r.timeNs, clock: 'ftrace-dump', uncertaintyNs: r.uncertaintyNs, event: r.event });
    assert.equal(line(encodeEvent(real[0]!, null))['clock'], undefined, 'the kernel clock goes unsaid');
  });

  it('refuses an event whose field is missing, of another type, or unknown to the catalogue — saying which', () => {
    const virt = real.find((r) => r.event.type === 'virt.enable')!;
    const usage = real.find((r) => r.event.type === 'kvm.usage')!;
    const base = line(encodeEvent(virt, null));
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, cpu: undefined }, /virt\.enable without its cpu/],
      ...[-7, 1.5, '7', true, [], null].map((cpu): [Record<string, unknown>, RegExp] => [{ ...base, cpu }, /virt\.enable with cpu .*, not of its type/]),
      [{ ...base, vendor: 'arm' }, /with vendor "arm", not of its type/],
      [{ ...base, colour: 'red' }, /a field the catalogue does not know: "colour"/],
      [{ ...line(encodeEvent(usage, null)), to: 'lots' }, /kvm\.usage with to "lots"/],
      [{ ...base, type: 'virt.enabled' }, /not an event type of the catalogue: "virt\.enabled"/],
      [{ ...base, timeNs: '9223372036854775808' }, /timeNs is not a decimal count of nanoseconds below 2\^63/],
      [{ ...base, timeNs: 95 }, /timeNs is not a decimal count/],
      [{ ...base, boot: 7 }, /without a boot id/],
      [{ ...base, boot: 'a b' }, /without a boot id/],
    ];
    for (const [o, why] of cases) {
      const d = decodeLine(line(o));
      assert.equal(d.kind, 'invalid', JSON.stringify(o).slice(0, 80));
      assert.match(d.kind === 'invalid' ? d.message : '', why);
    }
  });
});

describe('importing forged kvmlog lines', () => {
  it('stores the lines that are events and warns at file:line about the rest, storing nothing of them', async () => {
    const s = await testStore();
    try {
      const virt = real.find((r) => r.event.type === 'virt.enable')!;
      const good = line({ ...encodeEvent(virt, null), boot: 'forged', timeNs: '5000000000' });
      const lines = [good, { ...good, timeNs: '5000000001', cpu: undefined }, { ...good, timeNs: '5000000002', cpu: -1 }, { ...good, timeNs: '5000000003', cpu: '2' }];
      const r = await s.importText('forged.ndjson', `${lines.map((o) => JSON.stringify(o)).join('\n')}\n`);
      assert.equal(r.summary.events, 1);
      assert.deepEqual(
        r.summary.warnings.map((w) => w.line),
        [2, 3, 4],
      );
      assert.match(r.summary.warnings[0]!.message, /virt\.enable without its cpu/);
      assert.deepEqual(
        s.events(r.summary.boots[0]!).map((e) => e.event),
        [virt.event],
      );
    } finally {
      await s.close();
    }
  });
});
