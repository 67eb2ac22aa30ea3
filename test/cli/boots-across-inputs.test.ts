/**
 * Boots across inputs, on the real recordings: one run captured several ways is one boot; a console with two
 * kernels is two boots; a kdump boot follows the boot that crashed, a kexec'd boot its predecessor.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fixture, json, ndjson, scratch, stateAt, virtOf } from '../helpers/cli.js';

interface BootJson {
  id: string;
  host: string;
  kind: string;
  kernel: string | null;
  previous: string | null;
  firstNs: string | null;
  lastNs: string | null;
  events: number;
  bootWallNs: string | null;
}
interface ImportJson {
  files: {
    file: string;
    status: string;
    format: string;
    events: number;
    duplicates: number;
    boots: string[];
    warnings: { line: number; message: string }[];
    clocks: { boot: string; clock: string; firstLine: number; lastLine: number; events: number; placed: number; offsetNs: string | null; spreadNs: string | null; evidence: number }[];
  }[];
}
interface EventJson {
  type: string;
  cpu?: number;
  kind?: string;
  raw: string;
  timeNs: string;
}

const importAll = (db: string, files: string[]) => json<ImportJson>(['import', '--db', db, ...files]);

describe('the same run captured as ftrace, dmesg and /dev/kmsg is one boot', () => {
  const dir = (f: string) => fixture('linux-6.1-qemu', f);
  for (const order of [
    ['ftrace-lifecycle.txt', 'dmesg-lifecycle.txt', 'kmsg-lifecycle.txt'],
    ['kmsg-lifecycle.txt', 'dmesg-lifecycle.txt', 'ftrace-lifecycle.txt'],
  ]) {
    it(`in the order ${order.join(', ')}`, async () => {
      const s = scratch();
      try {
        const r = await importAll(s.db, order.map(dir));
        assert.deepEqual(r.files.map((f) => f.warnings), [[], [], []]);
        const boots = await json<BootJson[]>(['boots', '--db', s.db]);
        assert.equal(boots.length, 1, JSON.stringify(boots));
        assert.equal(boots[0]!.kernel, '6.1.0-56-amd64');
        // dmesg and kmsg carry the same printk records: the second adds no event, and finds each of the first's
        // stored or already held (a bring-up message repeats the trace's online).
        const logs = r.files.filter((f) => !f.file.includes('ftrace'));
        assert.equal(logs[1]!.events, 0);
        assert.equal(logs[1]!.duplicates, logs[0]!.events + logs[0]!.duplicates);
        // The merged boot has the trace's view (virt on) and the log's (the kernel release).
        assert.deepEqual(virtOf(await stateAt(s.db, '13.0')), { 0: 'on', 1: 'on', 2: 'on', 3: 'on' });
      } finally {
        s.cleanup();
      }
    });
  }
});

describe('every real 6.1 file imports with no relevant line lost', () => {
  const s = scratch();
  after(() => s.cleanup());
  const files = readdirSync(fixture('linux-6.1-qemu')).filter((f) => !/README|kprobe_events|probe-status|symbols/.test(f));

  it(`${files.length} files, consoles and the kdump set included, without a warning`, async () => {
    const r = await importAll(s.db, files.map((f) => fixture('linux-6.1-qemu', f)));
    for (const f of r.files) assert.deepEqual(f.warnings, [], f.file);
    assert.ok(r.files.every((f) => f.status === 'imported'));
  });

  it('finds the lifecycle boot, the crashed boot and its kdump boot, the function-tracer captures in theirs', async () => {
    const boots = await json<BootJson[]>(['boots', '--db', s.db]);
    const kdump = boots.filter((b) => b.kind === 'kdump');
    assert.equal(kdump.length, 1);
    const crashed = boots.find((b) => b.id === kdump[0]!.previous)!;
    assert.ok(crashed, 'the kdump boot names the boot that crashed');
    const events = await ndjson<EventJson>(['events', '--db', s.db, '--boot', crashed.id, '--type', 'panic']);
    assert.ok(events.length > 0);
    // lifecycle + crashed + kdump. The two function-tracer captures (ftrace-function-lifecycle.txt, also printed on
    // the lifecycle console, and kdump-direct-ftrace-function-precrash.txt) run on the instance's own clock and
    // share no line with another capture: their facts, which the event traces hold too at one offset, say which
    // boot each is.
    assert.equal(boots.length, 3);
    assert.equal(boots.filter((b) => b.kernel === null).length, 0);
  });
});

describe('6.1 kdump-direct console: two kernels, the crash path between them', () => {
  const s = scratch();
  after(() => s.cleanup());

  it('shows two boots, the second of kind kdump linked to the first', async () => {
    await importAll(s.db, [fixture('linux-6.1-qemu', 'console-kdump-direct.log')]);
    const boots = await json<BootJson[]>(['boots', '--db', s.db]);
    assert.equal(boots.length, 2);
    assert.deepEqual([boots[0]!.kind, boots[1]!.kind], ['normal', 'kdump']);
    assert.equal(boots[1]!.previous, boots[0]!.id);
    assert.equal(boots[0]!.previous, null);
  });

  it("holds the first boot's crash path: panic, NMI shootdown of CPUs 0-2, emergency disable on every CPU, crash kexec", async () => {
    const [first] = await json<BootJson[]>(['boots', '--db', s.db]);
    const ev = await ndjson<EventJson>(['events', '--db', s.db, '--boot', first!.id, '--from', '17.9']);
    const of = (type: string) => ev.filter((e) => e.type === type);
    assert.ok(of('panic').length >= 1);
    assert.deepEqual(of('crash.nmi').map((e) => e.cpu).sort(), [0, 1, 2]);
    assert.deepEqual(of('virt.emergency_disable').map((e) => e.cpu).sort(), [0, 1, 2, 3]);
    assert.deepEqual(of('kexec.start').map((e) => e.kind), ['crash']);
    // CPU 3 panicked: its emergency disable line has no CPU column; the vmcore log names the CPU twice.
    const cpu3 = of('virt.emergency_disable').find((e) => e.cpu === 3)!;
    assert.match(cpu3.raw, /^\[\s+17\.950076\] cpu_emergency_disable_virtualization:/);
  });
});

describe('6.1 kdump with ftrace_dump_on_oops (recorded with run.sh kdump)', () => {
  const s = scratch();
  after(() => s.cleanup());

  it('reads the dumped ring buffer from the console into the crashed boot', async () => {
    const r = await importAll(s.db, [fixture('linux-6.1-qemu-kdump', 'console-kdump.log')]);
    assert.deepEqual(r.files[0]!.warnings, []);
    const boots = await json<BootJson[]>(['boots', '--db', s.db]);
    assert.deepEqual(boots.map((b) => b.kind), ['normal', 'kdump']);
    const crashed = await ndjson<EventJson>(['events', '--db', s.db, '--boot', boots[0]!.id]);
    const fromDump = crashed.filter((e) => /\d+us : /.test(e.raw));
    // The dump is the ring buffer up to the panic, CPU columns included: the VM's VMXON on every CPU.
    assert.deepEqual([...new Set(fromDump.filter((e) => e.type === 'virt.enable').map((e) => e.cpu))].sort(), [0, 1, 2, 3]);
    assert.ok(crashed.some((e) => e.type === 'panic'));
    // With crash_kexec_post_notifiers the other CPUs are stopped inside panic(), before the dump; then
    // ftrace_dump turns tracing off, so the panicking CPU's own disable and the kexec never reach the console.
    assert.deepEqual(crashed.filter((e) => e.type === 'crash.nmi').map((e) => e.cpu).sort(), [0, 1, 2]);
    assert.deepEqual(crashed.filter((e) => e.type === 'virt.emergency_disable').map((e) => e.cpu).sort(), [0, 1, 2]);
    assert.deepEqual(crashed.filter((e) => e.type === 'kexec.start'), []);
  });

  it('the trace, the vmcore log and the dump of the same run all land in that boot', async () => {
    const r = await importAll(s.db, ['kdump-ftrace-precrash.txt', 'kdump-vmcore-dmesg.txt', 'kdump-ftrace_dump_on_oops.txt', 'kdump-dmesg-capture-kernel.txt'].map((f) => fixture('linux-6.1-qemu-kdump', f)));
    const boots = await json<BootJson[]>(['boots', '--db', s.db]);
    assert.equal(boots.length, 2);
    for (const f of r.files) {
      assert.deepEqual(f.warnings, [], f.file);
      assert.equal(f.boots.length, 1, f.file);
    }
    assert.equal(r.files[3]!.boots[0], boots[1]!.id, 'the capture kernel dmesg is the kdump boot');
  });
});

describe('6.12 kexec with a VM open (recorded with run.sh kexec)', () => {
  const s = scratch();
  after(() => s.cleanup());

  it('the console shows the kexec: kvm_shutdown, Starting new kernel, then a boot linked to the first', async () => {
    const r = await importAll(s.db, [fixture('linux-6.12-qemu-kexec', 'console-kexec.log')]);
    assert.deepEqual(r.files[0]!.warnings, []);
    // The console printed two traces of the first kernel: the top instance, on trace_clock=global (the command
    // line's) — printk's own clock, so the copies of its cpuhp lines tp_printk put in the log find it at offset 0 —
    // and the function-tracer instance, on its own clock, with no record the log shares: it stays on that clock,
    // in the same boot. Neither is a boot of its own.
    const boots = await json<BootJson[]>(['boots', '--db', s.db]);
    assert.equal(boots.length, 2);
    const [top, fn] = r.files[0]!.clocks;
    assert.deepEqual([top!.boot, top!.clock, top!.placed], [boots[0]!.id, 'trace-capture', top!.events]);
    assert.ok(top!.evidence > 100 && Math.abs(Number(top!.offsetNs)) <= Number(top!.spreadNs), JSON.stringify(top));
    assert.deepEqual([fn!.boot, fn!.offsetNs, fn!.placed], [boots[0]!.id, null, 0]);
    assert.deepEqual([boots[1]!.kind, boots[1]!.previous], ['normal', boots[0]!.id]);
    const ev = await ndjson<EventJson>(['events', '--db', s.db, '--boot', boots[0]!.id, '--type', 'kvm.shutdown', '--type', 'kexec.start']);
    assert.deepEqual(ev.map((e) => [e.type, e.kind]), [['kvm.shutdown', undefined], ['kexec.start', 'normal']]);
    // kvm_shutdown turned every CPU off before the new kernel (I-2).
    const at = ev[1]!.timeNs;
    assert.deepEqual(Object.values(virtOf(await stateAt(s.db, `${at}ns`, boots[0]!.id))), ['off', 'off', 'off', 'off']);
  });

  it('the second kernel imported on its own attaches to that boot', async () => {
    const r = await importAll(s.db, [fixture('linux-6.12-qemu-kexec', 'dmesg-kexec-second-kernel.txt'), fixture('linux-6.12-qemu-kexec', 'ftrace-kexec.txt')]);
    const boots = (await json<BootJson[]>(['boots', '--db', s.db])).filter((b) => b.kernel !== null);
    assert.equal(boots.length, 2);
    assert.deepEqual(r.files.map((f) => f.boots), [[boots[1]!.id], [boots[0]!.id]]);
  });
});

describe('6.12 crash into kdump (recorded with run.sh kdump and kdump-direct)', () => {
  const s = scratch();
  after(() => s.cleanup());

  it('recovers the panicking CPU of the tp_printk crash path, which 6.12 prints without the other CPUs', async () => {
    const r = await importAll(s.db, [fixture('linux-6.12-qemu-kdump', 'kdump-direct-vmcore-dmesg.txt')]);
    assert.deepEqual(r.files[0]!.warnings, []);
    const ev = await ndjson<EventJson>(['events', '--db', s.db, '--type', 'virt.emergency_disable', '--type', 'kexec.start']);
    // `CPU: 0 UID: 0 PID: 1 Comm: init` in the panic dump; the emergency disable follows the NMI shootdown.
    assert.deepEqual(ev.map((e) => [e.type, e.cpu ?? e.kind]), [['virt.emergency_disable', 0], ['kexec.start', 'crash']]);
  });

  it('the post-notifiers console: crashed boot with the dump, kdump boot linked to it', async () => {
    const r = await importAll(s.db, [fixture('linux-6.12-qemu-kdump', 'console-kdump.log')]);
    assert.deepEqual(r.files[0]!.warnings, []);
    const boots = (await json<BootJson[]>(['boots', '--db', s.db])).filter((b) => r.files[0]!.boots.includes(b.id));
    assert.equal(boots.length, 2);
    const kdump = boots.find((b) => b.kind === 'kdump')!;
    const crashed = boots.find((b) => b.kind === 'normal')!;
    assert.equal(kdump.previous, crashed.id);
    // The dump has the NMI'd CPUs that the log does not print on 6.12.
    const nmis = await ndjson<EventJson>(['events', '--db', s.db, '--boot', crashed.id, '--type', 'crash.nmi']);
    assert.ok(nmis.length >= 3, `${nmis.length} crash NMIs`);
  });
});
