/** Wall clock: boots with an anchor answer date-time TIMEs and show both clocks; boots without say why not. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fixture, json, kvmlog, ndjson, scratch, stateAt } from '../helpers/cli.js';

describe('wall-clock time', () => {
  const s = scratch();
  after(() => s.cleanup());

  it('a journal anchors its boots: --at takes a date-time and the output shows both clocks', async () => {
    await kvmlog(['import', '--db', s.db, fixture('journal-qemu', 'journal-json.txt')]);
    // The 6.1 boot started at 2026-11-18T11:58:02Z (1795003082 s); CPU 2 went offline at 14.450162 s.
    const before = await stateAt(s.db, '2026-11-18T11:58:16.450161Z', '6f1c');
    const atOffline = await stateAt(s.db, '2026-11-18T11:58:16.450162Z', '6f1c');
    assert.equal(before.atNs, '14450161000');
    assert.equal(before.cpus.find((c) => c.cpu === 2)!.online, true);
    assert.equal(atOffline.cpus.find((c) => c.cpu === 2)!.online, false);
    assert.equal((atOffline as unknown as { wallClock: string }).wallClock, '2026-11-18T11:58:16.450162000Z');
    const zoned = await stateAt(s.db, '2026-11-18T12:58:16.450162+01:00', '6f1c');
    assert.equal(zoned.atNs, '14450162000');
    const text = await kvmlog(['events', '--db', s.db, '--boot', '6f1c', '--type', 'cpu.offline', '--from', '2026-11-18T11:58:16Z', '--to', '14.5']);
    assert.match(text.stdout, /14\.450162\s+2026-11-18T11:58:16\.450162Z\s+#\d+\s+cpu\.offline cpu=2/);
    const boots = await json<{ id: string; bootWallNs: string | null }[]>(['boots', '--db', s.db]);
    assert.equal(boots.find((b) => b.id.startsWith('6f1c'))!.bootWallNs, '1795003082000000000');
  });

  it('a trace alone has no wall clock: a date-time TIME is refused with the way out', async () => {
    const db = `${s.dir}/trace.db`;
    await kvmlog(['import', '--db', db, fixture('linux-6.1-qemu', 'ftrace-lifecycle.txt')]);
    const r = await kvmlog(['state', '--db', db, '--at', '2026-11-18T11:58:16Z']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /has no wall-clock anchor .*--boot-time/);
  });

  it('--boot-time gives a trace its anchor', async () => {
    const db = `${s.dir}/anchored.db`;
    await kvmlog(['import', '--db', db, '--boot-time', '2026-11-18T11:58:02Z', fixture('linux-6.1-qemu', 'ftrace-lifecycle.txt')]);
    const st = await stateAt(db, '2026-11-18T11:58:17Z');
    assert.equal(st.atNs, '15000000000');
    assert.equal(st.cpus.find((c) => c.cpu === 2)!.virt, 'off');
    const ev = await ndjson<{ wallClock: string; timeNs: string }>(['events', '--db', db, '--limit', '1']);
    assert.equal(ev[0]!.wallClock, '2026-11-18T11:58:02.547941000Z');
  });

  it('a TIME before the boot, and a date that does not exist, are refused', async () => {
    const early = await kvmlog(['state', '--db', s.db, '--boot', '6f1c', '--at', '2026-11-18T11:00:00Z']);
    assert.equal(early.code, 2);
    assert.match(early.stderr, /before boot/);
    const bad = await kvmlog(['state', '--db', s.db, '--boot', '6f1c', '--at', '2026-02-30T11:00:00Z']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not a time/);
  });
});
