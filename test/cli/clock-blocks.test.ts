/**
 * Blocks of an input on another clock, on the real recordings: the ring buffer ftrace_dump_on_oops printed into
 * the crashed kernel's log, and traces printed into a console. Each is placed on its boot's kernel time where the
 * boot's kernel-clock lines say where, and stays on its own clock where they cannot.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fixture, json, kvmlog, ndjson, scratch } from '../helpers/cli.js';

interface ClockJson {
  boot: string;
  clock: string;
  firstLine: number;
  lastLine: number;
  events: number;
  placed: number;
  offsetNs: string | null;
  spreadNs: string | null;
  evidence: number;
}
interface ImportJson {
  files: { boots: string[]; events: number; duplicates: number; clocks: ClockJson[] }[];
}
interface EventJson {
  type: string;
  cpu?: number;
  timeNs: string;
  clock?: string;
  uncertaintyNs?: string;
  source: { line: number };
}

/** `[   23.157454] …` → its stamp in ns, read here apart from the importer. */
const stampOf = (line: string): bigint => {
  const m = /^\[\s*(\d+)\.(\d{6})\]/.exec(line)!;
  return BigInt(m[1]!) * 1_000_000_000n + BigInt(m[2]!) * 1000n;
};

describe('the ftrace dump in the 6.12 crashed kernel’s log (vmcore-dmesg, trace_clock=global)', () => {
  const s = scratch();
  after(() => s.cleanup());
  const file = fixture('linux-6.12-qemu-kdump', 'kdump-vmcore-dmesg.txt');
  const lines = readFileSync(file, 'utf8').split('\n');
  const lineOf = (text: string): number => lines.findIndex((l) => l.includes(text)) + 1;

  it('is placed at the offset its tp_printk copies show, and its crash-path records land inside the panic', async () => {
    const r = await json<ImportJson>(['import', '--db', s.db, '--json', file]);
    const [dump] = r.files[0]!.clocks;
    assert.equal(r.files[0]!.clocks.length, 1);
    assert.equal(dump!.clock, 'ftrace-dump');
    assert.equal(dump!.firstLine, lineOf('Dumping ftrace buffer:'));
    // The first cpuhp record, printed by tp_printk at boot (line 148) and again in the dump (line 708):
    // 0.536991 s on printk's clock, 365116 us since the ring buffer's start.
    assert.match(lines[147]!, /^\[\s+0\.536991\] cpuhp_enter: cpu: 0000 target: 236 step: 192 \(page_writeback_cpu_online\)$/);
    assert.match(lines[707]!, / 365116us : cpuhp_enter: cpu: 0000 target: 236 step: 192 \(page_writeback_cpu_online\)$/);
    const firstCopy = 536_991_000n - 365_116_000n;
    const offset = BigInt(dump!.offsetNs!);
    // A tp_printk copy is stamped as it is stored, after its record: its offset is an upper bound, within the
    // 2 ms the evidence spans.
    assert.ok(offset <= firstCopy && firstCopy - offset <= 2_000_000n, `${offset} against ${firstCopy}`);
    assert.ok(dump!.evidence > 100, `${dump!.evidence}`);
    assert.equal(dump!.placed, dump!.events, 'a dump on the global clock is a fixed offset from the log: all of it is placed');

    // The crash NMIs and the emergency VMXOFF/SVM-disable ran after the panic began and before the dump was printed.
    const panicAt = stampOf(lines[lineOf('Kernel panic - not syncing') - 1]!);
    const dumpAt = stampOf(lines[dump!.firstLine - 1]!);
    const crash = await ndjson<EventJson>(['events', '--db', s.db, '--json', '--type', 'crash.nmi', '--type', 'virt.emergency_disable']);
    assert.deepEqual(crash.map((e) => `${e.type} ${e.cpu}`).sort(), ['crash.nmi 1', 'crash.nmi 2', 'crash.nmi 3', 'virt.emergency_disable 1', 'virt.emergency_disable 2', 'virt.emergency_disable 3']);
    for (const e of crash) {
      assert.equal(e.clock, undefined, 'on the kernel clock');
      const t = BigInt(e.timeNs);
      assert.ok(t > panicAt - 2_000_000n && t < dumpAt, `${e.type} cpu ${e.cpu} at ${t}: not between ${panicAt} and ${dumpAt}`);
    }
  });

  it('each dump record the log printed too is one fact', async () => {
    // The dump's panic kprobe hit and the log's own copy of it: one panic.
    const panics = await ndjson<EventJson>(['events', '--db', s.db, '--json', '--type', 'panic']);
    assert.equal(panics.length, 1);
  });
});

describe('traces printed into the 6.1 lifecycle console', () => {
  const s = scratch();
  after(() => s.cleanup());

  it('the function-tracer instance (trace clock local) is placed by its own records, and after the suspend, where its clock jumped, stays on its own clock', async () => {
    const dir = (f: string) => fixture('linux-6.1-qemu', f);
    await kvmlog(['import', '--db', s.db, dir('ftrace-lifecycle.txt')]);
    const r = await json<ImportJson>(['import', '--db', s.db, '--json', dir('console-lifecycle.log')]);
    const lines = readFileSync(dir('console-lifecycle.log'), 'utf8').split('\n');
    const fn = r.files[0]!.clocks.find((c) => lines[c.firstLine - 1]!.startsWith('# tracer: function'))!;
    // kvm_arch_init_vm of VM A: 13.712699 on the function tracer's clock, 12.590732 in the event trace (trace_clock=global).
    assert.match(lines.find((l) => l.includes('13.712699: kvm_arch_init_vm'))!, /kvmvm-131/);
    const offset = BigInt(fn.offsetNs!);
    assert.ok(offset > -1_123_000_000n && offset < -1_121_000_000n, `${offset}`);
    // The instance's records after syscore_resume (31.224580 on its clock) lie past the evidence: not placed.
    const resumeLine = lines.findIndex((l) => l.includes('31.224580: syscore_resume')) + 1;
    const after = await ndjson<EventJson>(['events', '--db', s.db, '--json', '--every-clock']);
    const fromFn = after.filter((e) => e.source.line >= fn.firstLine && e.source.line <= fn.lastLine);
    assert.ok(fromFn.length > 0);
    for (const e of fromFn) assert.equal(e.clock === 'trace-capture', e.source.line >= resumeLine, `line ${e.source.line}: ${e.clock ?? 'kernel'}`);
  });
});
