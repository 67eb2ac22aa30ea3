/**
 * The real Linux 6.1 (era E0) lifecycle recording, through the CLI as a user runs it. Instants come from the
 * recording's own markers and kernel lines (test/fixtures/linux-6.1-qemu/README.md):
 *   12.55 step 1 VM A opened (enable by IPI on all CPUs)    14.37 step 2 CPU 2 offline (kvm_dying_cpu 14.437947)
 *   15.50 step 3 CPU 2 online (kvm_starting_cpu 15.543156) 16.58 step 4 VM B opened, closed at 18.63
 *   19.71 step 5 VM A closed (disable on all CPUs)          20.87 step 6 CPU 3 offline/online with no VM
 *   23.19 step 7 VM C opened and kept                       24.83 step 8 suspend (kvm_suspend / kvm_resume)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fixture, json, kvmlog, ndjson, onlineOf, scratch, stateAt, virtOf } from '../helpers/cli.js';

const dir = (f: string) => fixture('linux-6.1-qemu', f);
const allOn = { 0: 'on', 1: 'on', 2: 'on', 3: 'on' };
const allOff = { 0: 'off', 1: 'off', 2: 'off', 3: 'off' };

interface ImportJson {
  files: { file: string; status: string; format: string; lines: number; events: number; boots: string[]; warnings: unknown[] }[];
}

const lineCount = (path: string): number => readFileSync(path, 'utf8').replace(/\n$/, '').split('\n').length;
const grepCount = (path: string, re: RegExp): number => readFileSync(path, 'utf8').split('\n').filter((l) => re.test(l)).length;

for (const file of ['ftrace-lifecycle.txt', 'trace_pipe-lifecycle.txt']) {
  describe(`6.1 ${file}: state from the trace`, () => {
    const s = scratch();
    let imported: ImportJson;
    before(async () => {
      imported = await json<ImportJson>(['import', '--db', s.db, dir(file)]);
    });
    after(() => s.cleanup());

    it('imports every line, with no warning, as ftrace of era E0', async () => {
      const f = imported.files[0]!;
      assert.equal(f.status, 'imported');
      assert.equal(f.format, 'ftrace');
      assert.equal(f.lines, lineCount(dir(file)));
      assert.deepEqual(f.warnings, []);
      const boots = await json<{ id: string; events: number }[]>(['boots', '--db', s.db]);
      assert.equal(boots.length, 1);
      assert.equal(boots[0]!.events, f.events);
      const text = await kvmlog(['boots', '--db', s.db]);
      assert.match(text.stdout, /\bE0\b/);
    });

    it('loses no relevant line: one event per VMXON, VMXOFF, VM create and destroy the kernel logged', async () => {
      const events = await ndjson(['events', '--db', s.db]);
      const count = (type: string) => events.filter((e) => e['type'] === type).length;
      assert.equal(count('virt.enable'), grepCount(dir(file), /svm_hardware_enable_ret: .* ret=0$/));
      assert.equal(count('virt.disable'), grepCount(dir(file), / svm_hardware_disable: /));
      assert.equal(count('vm.create'), grepCount(dir(file), / kvm_arch_init_vm: /));
      assert.equal(count('vm.destroy'), grepCount(dir(file), / kvm_destroy_vm: /));
      assert.equal(count('marker'), grepCount(dir(file), / tracing_mark_write: /));
    });

    it('says unknown before the first observation', async () => {
      const st = await stateAt(s.db, '0.1');
      assert.deepEqual(virtOf(st), { 0: 'unknown', 1: 'unknown', 2: 'unknown', 3: 'unknown' });
      assert.deepEqual(onlineOf(st), { 0: null, 1: null, 2: null, 3: null });
      assert.equal(st.kvm.usageCount, null);
      assert.equal(st.kvm.loaded, null);
    });

    it('all four CPUs are on while VM A is open (usage 1)', async () => {
      const st = await stateAt(s.db, '13.0');
      assert.deepEqual(virtOf(st), allOn);
      assert.deepEqual(onlineOf(st), { 0: true, 1: true, 2: true, 3: true });
      assert.equal(st.kvm.usageCount, 1);
      assert.equal(st.kvm.loaded, true);
    });

    it('CPU 2 is offline with virtualization off during its offline window, and on again after', async () => {
      const off = await stateAt(s.db, '15.0');
      assert.deepEqual(virtOf(off), { ...allOn, 2: 'off' });
      assert.equal(onlineOf(off)[2], false);
      const back = await stateAt(s.db, '16.0');
      assert.deepEqual(virtOf(back), allOn);
      assert.equal(onlineOf(back)[2], true);
    });

    it('usage count goes 0→1→2→1→0 as the VMs open and close, and every CPU is off after VM A closes', async () => {
      const at = async (t: string) => (await stateAt(s.db, t)).kvm.usageCount;
      assert.deepEqual([await at('12.0'), await at('13.0'), await at('17.0'), await at('19.0'), await at('20.0')], [0, 1, 2, 1, 0]);
      assert.deepEqual(virtOf(await stateAt(s.db, '20.0')), allOff);
    });

    it('a CPU cycled with no VM open stays off (kvm_starting_cpu sees count 0)', async () => {
      const during = await stateAt(s.db, '21.5');
      assert.equal(onlineOf(during)[3], false);
      const afterCycle = await stateAt(s.db, '22.5');
      assert.deepEqual([onlineOf(afterCycle)[3], virtOf(afterCycle)[3]], [true, 'off']);
    });

    it('VM C turns every CPU on again (0→1)', async () => {
      const st = await stateAt(s.db, '24.0');
      assert.deepEqual(virtOf(st), allOn);
      assert.equal(st.kvm.usageCount, 1);
    });

    it('is exact to the nanosecond: an event at exactly --at is included, one ns earlier it is not', async () => {
      // kvm_dying_cpu / svm_hardware_disable on CPU 2 are stamped 14.437947.
      assert.equal(virtOf(await stateAt(s.db, '14437947000ns'))[2], 'off');
      assert.equal(virtOf(await stateAt(s.db, '14437946999ns'))[2], 'on');
      assert.equal(virtOf(await stateAt(s.db, '14.437947'))[2], 'off');
    });

    it('shows a readable table for people', async () => {
      const r = await kvmlog(['state', '--db', s.db, '--at', '15.0']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /usage count\s+1/);
      assert.match(r.stdout, /^2\s+offline\s+off\b/m);
      assert.match(r.stdout, /^0\s+online\s+on\b/m);
    });
  });
}

for (const file of ['dmesg-lifecycle.txt', 'dmesg-raw-lifecycle.txt', 'kmsg-lifecycle.txt']) {
  describe(`6.1 ${file}: what the kernel log alone shows`, () => {
    const s = scratch();
    let imported: ImportJson;
    before(async () => {
      imported = await json<ImportJson>(['import', '--db', s.db, dir(file)]);
    });
    after(() => s.cleanup());

    it('imports with no warning and records the kernel release from the banner', async () => {
      const f = imported.files[0]!;
      assert.equal(f.status, 'imported');
      assert.equal(f.lines, lineCount(dir(file)));
      assert.deepEqual(f.warnings, []);
      const boots = await json<{ kernel: string }[]>(['boots', '--db', s.db]);
      assert.equal(boots[0]!.kernel, '6.1.0-56-amd64');
    });

    it('CPU 2 goes offline and comes back; virtualization stays unknown (6.1 prints nothing when it enables)', async () => {
      const off = await stateAt(s.db, '15.0');
      assert.deepEqual(onlineOf(off), { 0: true, 1: true, 2: false, 3: true });
      const on = await stateAt(s.db, '16.0');
      assert.deepEqual(onlineOf(on), { 0: true, 1: true, 2: true, 3: true });
      assert.deepEqual(virtOf(on), { 0: 'unknown', 1: 'unknown', 2: 'unknown', 3: 'unknown' });
    });

    it('sees the suspend: non-boot CPUs offline, system suspended, then resumed', async () => {
      const st = await stateAt(s.db, '25.080');
      assert.deepEqual(onlineOf(st), { 0: true, 1: false, 2: false, 3: false });
      assert.equal(st.system.state, 'suspend');
      const resumed = await stateAt(s.db, '25.3');
      assert.equal(resumed.system.state, 'running');
      assert.deepEqual(onlineOf(resumed), { 0: true, 1: true, 2: true, 3: true });
    });
  });
}
