/**
 * Reading lines as bytes, and the cheap rejection path that skips other subsystems' records by their bytes:
 * no line may be split wrongly, and no line the full reader would turn into an event or a warning may be skipped.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Decoder } from '../../src/ingest/decoder.js';
import { readLineBatches } from '../../src/ingest/lines.js';
import { FtraceReader } from '../../src/ingest/read-trace.js';
import { scratch } from '../helpers/cli.js';

async function linesOf(path: string, chunk: number): Promise<{ no: number; text: string }[]> {
  const out: { no: number; text: string }[] = [];
  for await (const b of readLineBatches(path, undefined, chunk)) for (let i = 0; i < b.length; i++) out.push(b.line(i));
  return out;
}

/** What a user means by the lines of a file: split at `\n`, a `\r` before it dropped, no empty line after a final `\n`. */
function expectedLines(text: string): { no: number; text: string }[] {
  const parts = text.split('\n');
  if (parts.at(-1) === '') parts.pop();
  return parts.map((t, i) => ({ no: i + 1, text: t.endsWith('\r') ? t.slice(0, -1) : t }));
}

describe('lines read as bytes', () => {
  it('any text, cut into chunks of any size, gives its lines, numbered, with CRLF and multi-byte characters intact', async () => {
    const { dir } = scratch();
    const path = join(dir, 'in.txt');
    const piece = fc.constantFrom('a', 'kvm', ' ', '\n', '\r\n', '\r', 'é', '😀', '[003]', '');
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 60 }).map((p) => p.join('')), fc.integer({ min: 1, max: 17 }), async (text, chunk) => {
        writeFileSync(path, text);
        assert.deepEqual(await linesOf(path, chunk), expectedLines(text));
      }),
      { numRuns: 300 },
    );
  });

  it('a line far longer than a chunk arrives whole', async () => {
    const path = join(scratch().dir, 'long.txt');
    const long = 'x'.repeat(5000);
    writeFileSync(path, `a\n${long}\r\nb`);
    assert.deepEqual(await linesOf(path, 64), [
      { no: 1, text: 'a' },
      { no: 2, text: long },
      { no: 3, text: 'b' },
    ]);
  });
});

const REAL = 'test/fixtures/linux-6.12-qemu/ftrace-lifecycle.txt';

/** A line the byte scan skips must be one the full reader finds nothing in. */
function fullReadFindsNothing(text: string): boolean {
  const recs = new FtraceReader().read({ no: 1, text });
  return recs.every((r) => {
    if (r.kind === 'other') return true;
    if (r.kind !== 'trace') return false;
    return new Decoder().trace(r, { no: 1, text }).kind === 'other';
  });
}

const skips = (text: string): boolean => {
  const b = Buffer.from(text);
  return new FtraceReader().skips(b, 0, b.length);
};

describe('the cheap rejection path of ftrace text', () => {
  it('skips other subsystems’ records and never a lifecycle line of a real 6.12 trace', () => {
    const lines = readFileSync(REAL, 'utf8').split('\n');
    let skipped = 0;
    for (const text of lines) {
      if (!skips(text)) continue;
      skipped++;
      assert.ok(fullReadFindsNothing(text), `skipped a line the full reader reads: ${text}`);
    }
    // Besides cpuhp and the probes, the recording traced the kvm event group while its VM ran (kvm_entry,
    // kvm_exit, kvm_pio, kvm_fpu, …): those tracepoints, and only those, are skipped — `kvm_exit` also names a
    // probe on the module's exit function, whose hits (`kvm_exit: (kvm_exit+0x4/0xa0 [kvm])`) are read.
    assert.equal(skipped, lines.filter((l) => /\d: kvm_\w+: (?!\()/.test(l)).length);
    assert.ok(skipped > 0);
    assert.equal(skips('       kvmvm-241 [001] .....     5.000012: irq_handler_entry: irq=25 name=virtio0-input.0'), true);
    assert.equal(skips('          <idle>-0       [003] d.h1.    12.593164: svm_hardware_enable_ret: (kvm_arch_hardware_enable+0x91/0x280 [kvm] <- svm_hardware_enable) ret=0'), false);
    assert.equal(skips('     kworker/0:1-17      [000] .....    14.393906: cpuhp_enter: cpu: 0000 target: 236 step: 197 (workqueue_online_cpu)'), false);
    assert.equal(skips('            bash-1234  [001] d..1  1234.567890: kvm_online_cpu <-cpuhp_invoke_callback'), false);
    assert.equal(skips('            bash-1234  [001] d..1  1234.567890: schedule <-do_idle'), true);
    assert.equal(skips('           rmmod-218     [003] ...1.    22.315696: kvm_exit: (kvm_exit+0x4/0xa0 [kvm])'), false);
    assert.equal(skips('           rmmod-218     [003] ...1.    22.315696: kvm_exit:   (kvm_exit+0x4/0xa0'), false);
  });

  it('on random mutations of real lines, skips only what the full reader finds nothing in', () => {
    const real = readFileSync(REAL, 'utf8')
      .split('\n')
      .filter((l) => l.includes('['))
      .slice(0, 400);
    const other = ['irq_handler_entry: irq=25 name=virtio0-input.0', 'sched_switch: prev_comm=a prev_pid=1 ==> next_comm=b', 'schedule <-do_idle'];
    const mutated = fc
      .tuple(fc.constantFrom(...real, ...other.map((o) => `       kvmvm-241 [001] .....     5.000012: ${o}`)), fc.nat(), fc.constantFrom('', ' ', '[', ']', ':', '(', '<-', '\t', '9', '.', '\r', 'é'), fc.nat(3))
      .map(([line, at, ins, del]) => {
        const i = at % (line.length + 1);
        return line.slice(0, i) + ins + line.slice(i + del);
      });
    fc.assert(
      fc.property(mutated, (text) => !skips(text) || fullReadFindsNothing(text)),
      { numRuns: 3000 },
    );
  });
});
