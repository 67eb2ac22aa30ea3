/**
 * `kvmlog probes`: the tracefs definitions are the ones real kernels accepted in the recordings, and what the
 * bpftrace program prints imports as the events it stands for.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { probeFunction, SYMBOLS } from '../../src/ingest/decode/symbols.js';
import { fixture, kvmlog } from '../helpers/cli.js';
import { testStore } from '../helpers/store.js';

const defs = (script: string) => [...script.matchAll(/^def '([pr]):kprobes\/(\S+) ([^\s']+)(?: ([^']*))?'/gm)].map((m) => ({ kind: m[1]!, name: m[2]!, target: m[3]!, args: (m[4] ?? '').split(' ').filter(Boolean) }));

/** The recordings' own kprobe_events, as the kernel listed them back (`r10:` for kretprobes). */
const recorded = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => /^([pr])\d*:kprobes\/(\S+) (\S+)(?: (.*))?$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ kind: m[1]!, name: m[2]!, target: m[3]!, args: (m[4] ?? '').split(' ').filter(Boolean) }));

describe('kvmlog probes --tracefs', () => {
  for (const [kernel, dir] of [
    ['6.1.0-56-amd64', 'linux-6.1-qemu'],
    ['6.12.117+deb12-amd64', 'linux-6.12-qemu'],
  ] as const) {
    it(`for ${kernel}: every probe the recording also defined has its target and fetch-args (accepted by that kernel)`, async () => {
      const r = await kvmlog(['probes', '--kernel', kernel]);
      assert.equal(r.code, 0, r.stderr);
      const ours = defs(r.stdout);
      const theirs = new Map(recorded(fixture(dir, 'kprobe_events-lifecycle.txt')).map((d) => [d.name, d]));
      let compared = 0;
      for (const d of ours) {
        const t = theirs.get(d.name);
        if (!t) continue;
        compared++;
        assert.equal(d.kind, t.kind, d.name);
        assert.equal(d.target, t.target, d.name);
        for (const a of d.args) assert.ok(t.args.includes(a), `${d.name}: ${a} not in the recording's ${t.args.join(' ')}`);
      }
      assert.ok(compared >= 10, `${compared} probes compared`);
    });
  }

  it('names every probe so that the importer knows its function', async () => {
    for (const kernel of ['6.1', '6.5', '6.8', '6.12', '6.16', '7.1']) {
      const r = await kvmlog(['probes', '--kernel', kernel]);
      for (const d of defs(r.stdout)) {
        const fn = probeFunction(d.name, d.kind === 'r', null);
        assert.ok(fn !== null && SYMBOLS.has(fn), `${kernel}: ${d.name}`);
        assert.notEqual(SYMBOLS.get(fn)!.role.kind, 'context', `${kernel}: ${d.name} would be captured for nothing`);
      }
    }
  });

  it('picks each era its own functions', async () => {
    const e0 = (await kvmlog(['probes', '--kernel', '6.1'])).stdout;
    const e3 = (await kvmlog(['probes', '--kernel', '6.12'])).stdout;
    assert.match(e0, /kvm:kvm_starting_cpu/);
    assert.doesNotMatch(e0, /kvm_online_cpu/);
    assert.match(e3, /kvm:kvm_online_cpu cpu=%di:u32/);
    assert.doesNotMatch(e3, /kvm_starting_cpu|svm_hardware_enable/);
    assert.match(e3, /cpuhp\/cpuhp_enter/);
  });

  it('refuses a version it cannot place', async () => {
    const r = await kvmlog(['probes', '--kernel', 'latest']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--kernel latest: not a kernel release/);
  });
});

/** C printf for the conversions the generated program uses. */
function printf(format: string, values: readonly (string | number | bigint)[]): string {
  let i = 0;
  return format.replace(/%(-?)(0?)(\d*)(l?[dus])/g, (_m, left: string, zero: string, width: string, conv: string) => {
    let v = String(values[i++]);
    if (conv.endsWith('s') === false && zero && !left) v = v.padStart(Number(width || 0), '0');
    return left ? v.padEnd(Number(width || 0)) : v.padStart(Number(width || 0));
  });
}

describe('kvmlog probes --bpftrace', () => {
  it('prints lines that import as the events they stand for (its printf formats, filled in as bpftrace would)', async () => {
    const script = (await kvmlog(['probes', '--kernel', '6.12', '--bpftrace'])).stdout;
    const format = (probe: string) => {
      const line = script.split('\n').find((l) => l.startsWith(`${probe} {`));
      assert.ok(line, probe);
      return JSON.parse(`"${/printf\("((?:[^"\\]|\\.)*)"/.exec(line!)![1]!}"`) as string;
    };
    const at = (s: number, ns: number) => [s, ns] as const;
    const lines = [
      printf(format('tracepoint:cpuhp:cpuhp_enter'), ['cpuhp/2', 30, 2, ...at(19, 922154000), 2, 236, 148, 'kvm_online_cpu']),
      printf(format('kprobe:svm_enable_virtualization_cpu'), ['cpuhp/2', 30, 2, ...at(19, 922810000)]),
      printf(format('kretprobe:svm_enable_virtualization_cpu'), ['cpuhp/2', 30, 2, ...at(19, 922840000), 0]),
      printf(format('tracepoint:cpuhp:cpuhp_exit'), ['cpuhp/2', 30, 2, ...at(19, 922950000), 2, 236, 148, 0]),
      printf(format('kprobe:kvm_arch_init_vm'), ['kvmvm', 243, 0, ...at(35, 743831000)]),
    ];
    const t = await testStore();
    try {
      const json = lines.map((data) => JSON.stringify({ type: 'printf', data })).join('\n');
      const r = await t.importText('capture.ndjson', `{"type": "attached_probes", "data": {"probes": 40}}\n${json}\n`);
      assert.deepEqual(r.summary.warnings, []);
      const events = t.events(r.summary.boots[0]!).map((e) => [e.timeNs, e.event.type]);
      assert.deepEqual(events, [
        [19_922_154_000n, 'cpuhp.callback'],
        [19_922_840_000n, 'virt.enable'],
        [19_922_950_000n, 'cpuhp.callback'],
        // The exit reports CPU 2 at the last hotplug state: it is online.
        [19_922_950_000n, 'cpu.online'],
        [35_743_831_000n, 'vm.create'],
      ]);
    } finally {
      await t.close();
    }
  });
});
