/**
 * `cpuhp_enter` records read from their bytes (the ftrace reader's hotplug-step path): a busy trace holds many, and each moves
 * the hotplug state the decoder keeps. Read so, a line must leave the decoder and the reader exactly as reading it
 * in full does, or be left to the full reader; and an import must not change for it.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generate } from '../../../helpers/generate.js';
import { Decoder } from '../../../../src/ingest/decode/decoder.js';
import { readInput } from '../../../../src/import/read-input.js';
import { readLineBatches } from '../../../../src/ingest/lines.js';
import { FtraceReader } from '../../../../src/ingest/formats/ftrace/reader.js';
import { scratch } from '../../../helpers/cli.js';
import { mutationsOf } from '../../../helpers/mutate.js';
import { FakeSink, type SinkCall } from '../../../helpers/sink.js';

/** What `line` does to a fresh decoder and reader: as a hotplug step made from its bytes, and read in full; null if the step path leaves it. */
function bothWays(text: string): { step: Decoder; full: Decoder; stepReader: FtraceReader; fullReader: FtraceReader } | null {
  const b = Buffer.from(text);
  const stepReader = new FtraceReader();
  const step = new Decoder();
  const s = stepReader.hotplugStep(b, 0, b.length);
  if (s === null || !step.hotplugStep(s)) return null;
  const fullReader = new FtraceReader();
  const full = new Decoder();
  const recs = fullReader.read({ no: 1, text });
  assert.equal(recs.length, 1);
  const rec = recs[0]!;
  assert.equal(rec.kind, 'trace', `a step the full reader does not read as a record: ${JSON.stringify(text)}`);
  if (rec.kind !== 'trace') return null;
  assert.equal(full.trace(rec, { no: 1, text }).kind, 'other', `a step the full reader makes more of: ${JSON.stringify(text)}`);
  return { step, full, stepReader, fullReader };
}

/** The step path agrees with the full reader on `text`, or leaves it. */
function agrees(text: string): boolean {
  const r = bothWays(text);
  if (r === null) return true;
  assert.deepEqual(r.step, r.full, `decoder state differs after ${JSON.stringify(text)}`);
  // The reader's part: the stamp a later loss marker of each CPU is placed at.
  for (const cpu of [0, 1, 2, 3, 7, 31]) {
    const lost = { no: 2, text: `CPU:${cpu} [LOST 5 EVENTS]` };
    assert.deepEqual(r.stepReader.read(lost), r.fullReader.read(lost), `loss marker after ${JSON.stringify(text)}`);
  }
  return true;
}

const FTRACE = ['linux-6.1-qemu', 'linux-6.12-qemu', 'linux-6.12-qemu-kexec', 'linux-6.1-qemu-kdump', 'host-6.18-ftrace', 'host-6.18-trace-cmd'].flatMap((d) =>
  readdirSync(join('test/fixtures', d))
    .filter((f) => /ftrace|trace_pipe|trace-cmd/.test(f))
    .map((f) => join('test/fixtures', d, f)),
);
const realSteps = (): string[] => FTRACE.flatMap((f) => readFileSync(f, 'utf8').split('\n')).filter((l) => /cpuhp_(?:multi_)?enter:/.test(l));

describe('hotplug steps read from their bytes', () => {
  it('leave decoder and reader as the full reader does, on every cpuhp_enter of the real recordings, and take most of them', () => {
    const lines = realSteps();
    const left: string[] = [];
    for (const text of lines) {
      if (bothWays(text) === null) left.push(text);
      agrees(text);
    }
    assert.ok(lines.length > 500, `${lines.length} cpuhp_enter lines`);
    // Left to the full reader: the callbacks kvmlog tracks (their events carry the line), and lines in another
    // layout than ftrace's default (an ftrace dump on a console), which the byte reader makes no record of.
    const tracked = (l: string) => /\((?:kvm_online_cpu|kvm_offline_cpu)[ )]/.test(l);
    const otherLayout = (l: string) => new FtraceReader().readBytes(Buffer.from(l), 0, Buffer.byteLength(l), { no: 1, text: l }) === null;
    assert.deepEqual(left.filter((l) => !tracked(l) && !otherLayout(l)), []);
    assert.ok(lines.length - left.length > 2500, `${lines.length - left.length} of ${lines.length} taken`);
    assert.equal(bothWays('     kworker/0:1-17      [000] .....    14.393906: cpuhp_enter: cpu: 0000 target: 236 step: 197 (kvm_online_cpu)'), null);
  });

  it('agree with the full reader on random mutations of real lines, whitespace and all', () => {
    const real = realSteps().slice(0, 300);
    const pieces = ['', ' ', '\t', '\v', '\f', '\r', '\u00a0', '\u2028', '(', ')', '[', ']', ':', '-', '0', '9', '1234567890', ' [kvm]', 'é', 'cpu:', 'step:', ' '.repeat(20)];
    const mutated = mutationsOf(real, pieces);
    fc.assert(fc.property(mutated, agrees), { numRuns: 5000 });
  });

  it('agree with the full reader on generated payloads: numbers of every length, blanks, module suffixes, odd callbacks', () => {
    const blanks = (min: number) => fc.array(fc.constantFrom(' ', ' ', ' ', '\t', '\v', '\u00a0'), { minLength: min, maxLength: 3 }).map((a) => a.join(''));
    const digits = fc.array(fc.constantFrom(...'0123456789'), { minLength: 0, maxLength: 12 }).map((a) => a.join(''));
    const callback = fc.constantFrom('workqueue_online_cpu', 'kvm_online_cpu', 'a(b', 'x]', 'é', '', 'tmigr_cpu_prepare', 'kvmclock_cpu_online');
    const module = fc.constantFrom('', ' [kvm]', '  [kvm_intel]', ' [a-b_1]', ' [é]', ' []', ' [kvm] x', '[kvm]');
    const payload = fc
      .record({ b0: blanks(0), cpu: digits, b1: blanks(1), target: digits, b2: blanks(1), step: digits, b3: blanks(1), cb: callback, mod: module, tail: blanks(0), name: fc.constantFrom('cpuhp_enter', 'cpuhp_multi_enter') })
      .map((p) => `${p.name}: ${p.b0}cpu:${p.b0}${p.cpu}${p.b1}target:${p.b2.slice(1)}${p.target}${p.b2}step: ${p.step}${p.b3}(${p.cb}${p.mod})${p.tail}`);
    fc.assert(fc.property(payload, (p) => agrees(`     kworker/0:1-17      [000] .....    14.393906: ${p}`)), { numRuns: 5000 });
  });
});

/** Everything an import hands its sink, in order. */
async function importEvents(path: string): Promise<{ summary: unknown; calls: SinkCall[] }> {
  const sink = new FakeSink();
  const summary = await readInput(readLineBatches(path), sink, { name: path });
  return { summary, calls: sink.calls };
}

/** The same import with the reader's step path switched off: every cpuhp_enter read in full. */
async function importEventsInFull(path: string): Promise<{ summary: unknown; calls: SinkCall[] }> {
  FtraceReader.stepsFromBytes = false;
  try {
    return await importEvents(path);
  } finally {
    FtraceReader.stepsFromBytes = true;
  }
}

describe('an import with hotplug steps read from their bytes', () => {
  it('hands the store what reading every line in full does: the recordings and a generated busy trace', async () => {
    const { dir } = scratch();
    const generated = join(dir, 'busy.txt');
    await generate(generated, 40_000, 0.05, 11);
    for (const f of [...FTRACE, generated]) assert.deepEqual(await importEvents(f), await importEventsInFull(f), f);
  });

  it('brings CPUs offline and online where the kernel’s hotplug steps say, after thousands of records', async () => {
    // 5,000 steps of CPUs 1–3 going online (past the records a boot is recognised by, so that the rest are read
    // from their bytes), then CPU 2 taken down and brought back: takedown_cpu's exit is CPU 2 going offline, the
    // exit at the last state (236, CPUHP_ONLINE here) it coming online.
    const lines = ['# tracer: nop'];
    let us = 1_000_000;
    const stamp = () => `${Math.floor(us / 1e6)}.${String(us++ % 1e6).padStart(6, '0')}`;
    const rec = (cpu: number, what: string) => `         cpuhp/${cpu}-2${cpu}      [00${cpu}] .....     ${stamp()}: ${what}`;
    for (let i = 0; i < 2500; i++) {
      const cpu = 1 + (i % 3);
      const step = 1 + (i % 230);
      lines.push(rec(cpu, `cpuhp_enter: cpu: 000${cpu} target: 236 step: ${String(step).padStart(3)} (cb_${step})`));
      lines.push(rec(cpu, `cpuhp_exit:  cpu: 000${cpu}  state: ${String(step).padStart(3)} step: ${String(step).padStart(3)} ret: 0`));
    }
    // The exits' stamps: the second line from here, and the fifth.
    const offAt = us + 1;
    const onAt = us + 4;
    lines.push(rec(0, 'cpuhp_enter: cpu: 0002 target:   0 step:  61 (takedown_cpu)'));
    lines.push(rec(0, 'cpuhp_exit:  cpu: 0002  state:  60 step:  61 ret: 0'));
    lines.push(rec(2, 'cpuhp_enter: cpu: 0002 target: 236 step: 235 (sched_cpu_activate)'));
    lines.push(rec(2, 'cpuhp_enter: cpu: 0002 target: 236 step: 236 (cb_last)'));
    lines.push(rec(2, 'cpuhp_exit:  cpu: 0002  state: 236 step: 236 ret: 0'));
    const path = join(scratch().dir, 'hotplug.txt');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const fast = await importEvents(path);
    assert.deepEqual(fast, await importEventsInFull(path));
    const online = fast.calls.flatMap((c) => (c[0] === 'event' ? [c[2]] : [])).filter((e) => e.event.type === 'cpu.offline' || (e.event.type === 'cpu.online' && e.event.cpu === 2));
    assert.deepEqual(
      online.map((e) => [e.event.type, 'cpu' in e.event ? e.event.cpu : null, e.timeNs]),
      [
        ['cpu.offline', 2, BigInt(offAt) * 1000n],
        ['cpu.online', 2, BigInt(onAt) * 1000n],
      ],
    );
  });
});
