/**
 * The real Linux 6.12 (era E3) lifecycle recording. Ground truth: kvm-state-log-lifecycle.txt, what /sys said
 * at each step (loaded modules, the hotplug states), written next to a `qt-init: state [step N …]` marker.
 * Scenario (test/fixtures/linux-6.12-qemu/README.md): 1 load enables at load (usage 1) → 2 VM A (1→2) →
 * 3 CPU 2 offline/online → 4 VM A closed (2→1) → 5 rmmod (1→0, state removed) → 6 reload with
 * enable_virt_at_load=0 (nothing enabled) → 7 VM B (0→1) → … → 11 VM C kept → 12 suspend test.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fixture, json, kvmlog, ndjson, onlineOf, scratch, stateAt, virtOf } from '../helpers/cli.js';

const dir = (f: string) => fixture('linux-6.12-qemu', f);
const allOn = { 0: 'on', 1: 'on', 2: 'on', 3: 'on' };
const allOff = { 0: 'off', 1: 'off', 2: 'off', 3: 'off' };

describe('6.12 ftrace-lifecycle.txt against the /sys snapshots', () => {
  const s = scratch();
  const markers = new Map<number, string>();
  before(async () => {
    const r = await json<{ files: { warnings: unknown[]; status: string }[] }>(['import', '--db', s.db, dir('ftrace-lifecycle.txt')]);
    assert.equal(r.files[0]!.status, 'imported');
    assert.deepEqual(r.files[0]!.warnings, []);
    for (const e of await ndjson<{ text: string; timeNs: string }>(['events', '--db', s.db, '--type', 'marker'])) {
      const m = /^qt-init: state \[step (\d+):/.exec(e.text);
      if (m) markers.set(Number(m[1]), `${e.timeNs}ns`);
    }
  });
  after(() => s.cleanup());

  it('is placed in era E3 from the functions it shows (the trace has no version banner)', async () => {
    const boots = await json<{ id: string; kernel: string | null }[]>(['boots', '--db', s.db]);
    assert.equal(boots.length, 1);
    assert.equal(boots[0]!.kernel, null);
    const table = await kvmlog(['boots', '--db', s.db]);
    assert.match(table.stdout, new RegExp(`^${boots[0]!.id}\\s.*\\bunknown\\s+E3\\b`, 'm'));
  });

  it('loses no relevant line and counts each call once, though a tracepoint and a probe both saw it', async () => {
    const text = readFileSync(dir('ftrace-lifecycle.txt'), 'utf8').split('\n');
    const grep = (re: RegExp) => text.filter((l) => re.test(l)).length;
    const events = await ndjson<{ type: string; callback?: string; phase?: string }>(['events', '--db', s.db]);
    const count = (pred: (e: { type: string; callback?: string; phase?: string }) => boolean) => events.filter(pred).length;
    assert.equal(count((e) => e.type === 'virt.enable'), grep(/ svm_enable_virtualization_cpu_ret: .* ret=0$/));
    assert.equal(count((e) => e.type === 'virt.disable'), grep(/ svm_disable_virtualization_cpu: /));
    for (const cb of ['kvm_online_cpu', 'kvm_offline_cpu']) {
      const calls = grep(new RegExp(`cpuhp_enter: .*\\(${cb} \\[kvm\\]\\)$`));
      assert.ok(calls > 0);
      assert.equal(count((e) => e.type === 'cpuhp.callback' && e.callback === cb && e.phase === 'enter'), calls, `${cb} enter`);
      assert.equal(count((e) => e.type === 'cpuhp.callback' && e.callback === cb && e.phase === 'exit'), calls, `${cb} exit`);
    }
  });

  const snapshots = readFileSync(dir('kvm-state-log-lifecycle.txt'), 'utf8').trim().split('\n');
  for (const snap of snapshots) {
    const step = Number(/^step (\d+):/.exec(snap)![1]);
    it(`agrees with /sys at step ${step}: ${snap.slice(0, 60)}…`, async () => {
      const at = markers.get(step);
      assert.ok(at, `marker for step ${step}`);
      const st = await stateAt(s.db, at);
      assert.equal(st.kvm.cpuhpRegistered, /\bkvm\/cpu:online\b/.test(snap), 'kvm/cpu:online in hotplug/states');
      assert.equal(st.kvm.loaded, !/modules: none/.test(snap), 'kvm module loaded');
    });
  }

  it('step 1: kvm load enables every CPU with no VM, usage 1, kvm/cpu:online registered', async () => {
    const st = await stateAt(s.db, markers.get(1)!);
    assert.deepEqual(virtOf(st), allOn);
    assert.deepEqual([st.kvm.usageCount, st.kvm.cpuhpRegistered], [1, true]);
  });

  it('step 2: VM A open takes usage to 2 without a new enable', async () => {
    const st = await stateAt(s.db, '18.0');
    assert.equal(st.kvm.usageCount, 2);
    assert.deepEqual(virtOf(st), allOn);
  });

  it('step 3: CPU 2 off while offline, on again once back', async () => {
    const off = await stateAt(s.db, '19.0');
    assert.deepEqual([onlineOf(off)[2], virtOf(off)[2]], [false, 'off']);
    const on = await stateAt(s.db, '20.5');
    assert.deepEqual([onlineOf(on)[2], virtOf(on)[2]], [true, 'on']);
  });

  it('step 4 and 5: VM A closed leaves usage 1; rmmod turns every CPU off and removes the state', async () => {
    assert.equal((await stateAt(s.db, markers.get(4)!)).kvm.usageCount, 1);
    const st = await stateAt(s.db, markers.get(5)!);
    assert.deepEqual(virtOf(st), allOff);
    assert.deepEqual([st.kvm.loaded, st.kvm.usageCount, st.kvm.cpuhpRegistered], [false, 0, false]);
  });

  it('step 6: after the reload with enable_virt_at_load=0 nothing is enabled', async () => {
    const st = await stateAt(s.db, markers.get(6)!);
    assert.deepEqual(virtOf(st), allOff);
    assert.deepEqual([st.kvm.loaded, st.kvm.usageCount, st.kvm.cpuhpRegistered], [true, 0, false]);
  });

  it('step 7: VM B turns every CPU on again, usage 0→1', async () => {
    const st = await stateAt(s.db, markers.get(7)!);
    assert.deepEqual(virtOf(st), allOn);
    assert.equal(st.kvm.usageCount, 1);
    const usage = await ndjson<{ from: number; to: number; timeNs: string }>(['events', '--db', s.db, '--type', 'kvm.usage', '--from', '35', '--to', '36']);
    assert.deepEqual(usage.map((u) => [u.from, u.to]), [[0, 1]]);
  });

  it('step 12: the suspend leaves CPU 0 off from kvm_suspend until kvm_resume', async () => {
    // kvm_suspend at 44.442969 disables CPU 0 (svm_disable_virtualization_cpu 44.443055);
    // kvm_resume enables it again (svm_enable_virtualization_cpu_ret ret=0 at 49.408423).
    const suspended = await stateAt(s.db, '44.5');
    assert.deepEqual(virtOf(suspended), allOff);
    assert.equal(suspended.system.state, 'suspend');
    assert.equal(virtOf(await stateAt(s.db, '49.408422'))[0], 'off');
    const resumed = await stateAt(s.db, '49.408423');
    assert.equal(virtOf(resumed)[0], 'on');
    assert.deepEqual(onlineOf(resumed), { 0: true, 1: false, 2: false, 3: false });
    assert.deepEqual(virtOf(await stateAt(s.db, '50')), allOn);
  });
});

describe('6.12 kernel logs with tp_printk lines', () => {
  const s = scratch();
  after(() => s.cleanup());

  it('reads the rmmod step from dmesg: every CPU off, state removed; lines without a CPU are warned about, not lost', async () => {
    const r = await json<{ files: { warnings: { line: number; message: string }[] }[] }>(['import', '--db', s.db, dir('dmesg-lifecycle.txt')]);
    const warnings = r.files[0]!.warnings;
    // The four svm_disable_virtualization_cpu lines printed through tp_printk have no CPU column.
    const lines = readFileSync(dir('dmesg-lifecycle.txt'), 'utf8').split('\n');
    assert.deepEqual(
      warnings.map((w) => w.line),
      lines.flatMap((l, i) => (/\] svm_disable_virtualization_cpu: /.test(l) ? [i + 1] : [])),
    );
    const st = await stateAt(s.db, '23.0');
    assert.deepEqual(virtOf(st), allOff);
    assert.equal(st.kvm.loaded, false);
  });
});
