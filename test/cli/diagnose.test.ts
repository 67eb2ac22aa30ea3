/** check, explain, replay and reproduce on the real recordings. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixture, json, kvmlog, ndjson, scratch } from '../helpers/cli.js';

interface FindingJson {
  id: string;
  rule: string;
  severity: string;
  boot: string;
  atNs: string;
  cpu: number | null;
  message: string;
  events: number[];
}
const findings = async (db: string, ...more: string[]) => {
  const r = await kvmlog(['check', '--db', db, '--json', ...more]);
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: FindingJson[] }).findings };
};

describe('the real kdump-direct crash (6.1): the trace before the crash and the console with the crash path', () => {
  const s = scratch();
  let crashed: string;
  before(async () => {
    // The trace shows the VM's VMXON on every CPU; the console (tp_printk) the crash path that followed.
    await kvmlog(['import', '--db', s.db, fixture('linux-6.1-qemu', 'kdump-direct-ftrace-precrash.txt'), fixture('linux-6.1-qemu', 'console-kdump-direct.log')]);
    crashed = (await json<{ id: string; kind: string }[]>(['boots', '--db', s.db])).find((b) => b.kind === 'normal')!.id;
  });
  after(() => s.cleanup());

  it('reports no kexec-with-virt-on: the emergency disable ran on every CPU before machine_kexec', async () => {
    assert.equal((await json<unknown[]>(['boots', '--db', s.db])).length, 2, 'the trace joined the crashed boot');
    const r = await findings(s.db);
    assert.deepEqual(r.findings.filter((f) => f.rule === 'kexec-with-virt-on'), []);
    assert.equal(r.code, 0);
  });

  it("with one CPU's emergency disable removed, reports it for that CPU, at the kexec — and reproduces it", async () => {
    const events = await ndjson<{ type: string; cpu?: number; seq: number }>(['events', '--db', s.db, '--boot', crashed]);
    const kept = events.filter((e) => !(e.type === 'virt.emergency_disable' && e.cpu === 1));
    assert.equal(kept.length, events.length - 1);
    const edited = join(s.dir, 'without-cpu1-disable.ndjson');
    writeFileSync(edited, `${kept.map((e) => JSON.stringify({ ...e, boot: 'edited' })).join('\n')}\n`);
    const db = join(s.dir, 'edited.db');
    await kvmlog(['import', '--db', db, edited]);
    const r = await findings(db);
    const hit = r.findings.filter((f) => f.rule === 'kexec-with-virt-on');
    assert.deepEqual(hit.map((f) => [f.cpu, f.severity]), [[1, 'error']]);
    assert.equal(r.code, 1, 'an error finding makes check exit 1');
    const kexec = (await ndjson<{ type: string; seq: number; timeNs: string }>(['events', '--db', db, '--type', 'kexec.start']))[0]!;
    assert.equal(hit[0]!.atNs, kexec.timeNs);
    assert.equal(hit[0]!.events.at(-1), kexec.seq);

    // explain: the evidence lines as they stood in the input, and CPU 1's state around the kexec.
    const ex = await kvmlog(['explain', '--db', db, hit[0]!.id]);
    assert.equal(ex.code, 0, ex.stderr);
    // The lines as the kernel printed them, and where this store read them.
    assert.match(ex.stdout, /kdump-direct-ftrace-precrash\.txt:\d+: .*\[001\].*svm_hardware_enable_ret: .* ret=0/);
    assert.match(ex.stdout, /console-kdump-direct\.log:\d+: \[\s+17\.958459\] kdump_nmi_callback: .* cpu=1/);
    assert.match(ex.stdout, /console-kdump-direct\.log:\d+: \[\s+17\.950076\] machine_kexec:/);
    assert.match(ex.stdout, /re-imported from .*without-cpu1-disable\.ndjson:\d+/);
    assert.match(ex.stdout, /^1\s+online\s+on\b/m);

    // reproduce: a smaller history that re-imports into an empty store and fires again.
    const repro = join(s.dir, 'repro.ndjson');
    const rp = await kvmlog(['reproduce', '--db', db, hit[0]!.id, '-o', repro]);
    assert.equal(rp.code, 0, rp.stderr);
    const m = /(\d+) events → (\d+)/.exec(rp.stderr)!;
    assert.ok(Number(m[2]) < Number(m[1]) / 2, rp.stderr);
    const lines = readFileSync(repro, 'utf8').trim().split('\n');
    assert.equal(lines.length, Number(m[2]) + 1, 'the boot header and the kept events');
    const fresh = join(s.dir, 'fresh.db');
    await kvmlog(['import', '--db', fresh, repro]);
    const again = await findings(fresh);
    assert.deepEqual(again.findings.filter((f) => f.rule === 'kexec-with-virt-on').map((f) => f.cpu), [1]);
  });
});

describe('the real lifecycle traces', () => {
  const s = scratch();
  before(async () => {
    for (const f of ['ftrace-lifecycle.txt', 'dmesg-lifecycle.txt', 'console-lifecycle.log']) await kvmlog(['import', '--db', s.db, fixture('linux-6.1-qemu', f)]);
    await kvmlog(['import', '--db', s.db, fixture('linux-6.12-qemu', 'ftrace-lifecycle.txt')]);
  });
  after(() => s.cleanup());

  it('check reports nothing of severity error, on 6.1 and 6.12', async () => {
    const r = await findings(s.db);
    assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), []);
    assert.equal(r.code, 0);
  });

  it('replay shows the usage count and per-CPU changes in the order the kernel made them (6.1, VM A)', async () => {
    const boot = (await json<{ id: string; kernel: string | null }[]>(['boots', '--db', s.db])).find((b) => b.kernel === '6.1.0-56-amd64')!.id;
    const steps = await ndjson<{ type: string; timeNs: string; changes: { path: string; from: string; to: string }[] }>(['replay', '--db', s.db, '--boot', boot, '--from', '12.5', '--to', '20']);
    const changes = steps.flatMap((s) => s.changes.map((c) => `${c.path}: ${c.from} -> ${c.to}`));
    const usage = changes.filter((c) => c.startsWith('kvm.usageCount'));
    assert.deepEqual(usage, ['kvm.usageCount: 0 -> 1', 'kvm.usageCount: 1 -> 2', 'kvm.usageCount: 2 -> 1', 'kvm.usageCount: 1 -> 0']);
    // VM A's enable IPIs reached CPUs 3, 0, 2, 1 in that order (the 6.1 trace), then CPU 2 went off and on.
    const cpuVirt = changes.filter((c) => /^cpu\d\.virt/.test(c));
    assert.deepEqual(cpuVirt.slice(0, 6), [
      'cpu3.virt: unknown -> on',
      'cpu0.virt: unknown -> on',
      'cpu2.virt: unknown -> on',
      'cpu1.virt: unknown -> on',
      'cpu2.virt: on -> off',
      'cpu2.virt: off -> on',
    ]);
    const text = await kvmlog(['replay', '--db', s.db, '--boot', boot, '--from', '14.43', '--to', '14.44']);
    assert.match(text.stdout, /cpu2\.virt: on -> off/);
  });

  it('replay --until stops at the first finding of that rule, --cpu keeps what touches that CPU', async () => {
    const boot = (await json<{ id: string; kernel: string | null }[]>(['boots', '--db', s.db])).find((b) => b.kernel === '6.1.0-56-amd64')!.id;
    const only2 = await ndjson<{ changes: { path: string }[]; cpu?: number }>(['replay', '--db', s.db, '--boot', boot, '--cpu', '2', '--to', '20']);
    assert.ok(only2.length > 0);
    assert.ok(only2.every((st) => st.cpu === 2 || st.changes.some((c) => c.path.startsWith('cpu2.'))));
  });
});

describe('kernel messages that are findings by themselves', () => {
  const s = scratch();
  after(() => s.cleanup());

  it('"kvm: enabling virtualization on CPU0 failed" → virt-enable-failed on CPU 0; "virt/tdx: module initialization failed (-5)" → tdx-module-init-failed, errno -5', async () => {
    const f = join(s.dir, 'dmesg.txt');
    writeFileSync(f, '[    5.100000] kvm: enabling virtualization on CPU0 failed\n[    9.000000] virt/tdx: module initialization failed (-5)\n');
    await kvmlog(['import', '--db', s.db, f]);
    const r = await findings(s.db);
    assert.deepEqual(r.findings.map((x) => [x.rule, x.cpu]).sort(), [['tdx-module-init-failed', null], ['virt-enable-failed', 0]]);
    assert.match(r.findings.find((x) => x.rule === 'tdx-module-init-failed')!.message, /\(-5\)/);
    assert.equal(r.code, 1);
    const only = await findings(s.db, '--rule', 'virt-enable-failed');
    assert.deepEqual(only.findings.map((x) => x.rule), ['virt-enable-failed']);
  });

  it('an unknown rule or finding id is a clean error', async () => {
    const r = await kvmlog(['check', '--db', s.db, '--rule', 'everything-is-fine']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--rule everything-is-fine: no such rule/);
    const e = await kvmlog(['explain', '--db', s.db, 'nonsense']);
    assert.equal(e.code, 2);
    assert.match(e.stderr, /not a finding id/);
  });
});
