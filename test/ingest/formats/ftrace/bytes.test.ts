/**
 * Reading lines as bytes, and the cheap rejection path that skips other subsystems' records by their bytes:
 * no line may be split wrongly, and no line the full reader would turn into an event or a warning may be skipped.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Decoder } from '../../../../src/ingest/decode/decoder.js';
import { headNs } from '../../../../src/ingest/formats/ftrace/bytes.js';
import { decimalToNs } from '../../../../src/model/time.js';
import { readLineBatches, readLineBatchesSync } from '../../../../src/ingest/lines.js';
import { FtraceReader } from '../../../../src/ingest/formats/ftrace/reader.js';
import type { Rec } from '../../../../src/ingest/formats/format.js';
import { scratch } from '../../../helpers/cli.js';
import { mutationsOf } from '../../../helpers/mutate.js';

/** The lines of a file as the streaming reader gives them; the blocking reader (the parse thread's) must give the same. */
async function linesOf(path: string, chunk: number): Promise<{ no: number; text: string }[]> {
  const out: { no: number; text: string }[] = [];
  for await (const b of readLineBatches(path, undefined, chunk)) for (let i = 0; i < b.length; i++) out.push(b.line(i));
  const sync: { no: number; text: string }[] = [];
  for (const b of readLineBatchesSync(path, undefined, chunk)) for (let i = 0; i < b.length; i++) sync.push(b.line(i));
  assert.deepEqual(sync, out, 'the blocking reader splits as the streaming one does');
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

/** What the byte path does with a line: skips it, makes its records, or (null) leaves it to the full reader. */
const fromBytes = (text: string): 'skipped' | readonly Rec[] | null => {
  const b = Buffer.from(text);
  const reader = new FtraceReader();
  return reader.skips(b, 0, b.length) ? 'skipped' : reader.readBytes(b, 0, b.length, { no: 1, text });
};

/** Every line of every real ftrace-text recording. */
const realTraceLines = (): string[] =>
  ['linux-6.1-qemu', 'linux-6.12-qemu', 'linux-6.12-qemu-kexec', 'linux-6.1-qemu-kdump', 'host-6.18-ftrace', 'host-6.18-trace-cmd']
    .flatMap((d) => readdirSync(join('test/fixtures', d)).filter((f) => /ftrace|trace_pipe|trace-cmd/.test(f)).map((f) => join('test/fixtures', d, f)))
    .flatMap((f) => readFileSync(f, 'utf8').split('\n'));

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
    const mutated = mutationsOf([...real, ...other.map((o) => `       kvmvm-241 [001] .....     5.000012: ${o}`)], ['', ' ', '[', ']', ':', '(', '<-', '\t', '9', '.', '\r', 'é']);
    fc.assert(
      fc.property(mutated, (text) => !skips(text) || fullReadFindsNothing(text)),
      { numRuns: 3000 },
    );
  });
});

describe('ftrace records made from their bytes', () => {
  // The full reader's record is the definition; the byte path must give exactly it, or leave the line alone.
  const agrees = (text: string): boolean => {
    const made = fromBytes(text);
    if (made === null || made === 'skipped') return true;
    assert.deepEqual(made, new FtraceReader().read({ no: 1, text }), `made from bytes differently: ${JSON.stringify(text)}`);
    return true;
  };

  it('are the full reader’s records on every line of the real recordings, and most lines read are made so', () => {
    let made = 0;
    let read = 0;
    for (const text of realTraceLines()) {
      const r = fromBytes(text);
      if (r === 'skipped') continue;
      read++;
      if (r !== null) made++;
      agrees(text);
    }
    assert.ok(read > 1000, `${read} lines read`);
    // Only comments, stack frames, tgid columns and the like are left to the regex.
    assert.ok(made / read > 0.5, `${made} of ${read} made from bytes`);
  });

  it('are the full reader’s records on random mutations of real lines, whitespace and all', () => {
    const real = realTraceLines().filter((l) => l.includes('[')).slice(0, 600);
    const pieces = ['', ' ', '\t', '\v', '\f', '\r', '\u00a0', '\u2028', '[', ']', ':', '(', ')', '-', '=>', '#', '9', '12345678901', '.', 'é', ' '.repeat(40)];
    const mutated = mutationsOf(real, pieces);
    fc.assert(fc.property(mutated, agrees), { numRuns: 5000 });
  });

  it('are the full reader’s records on generated heads: every column at and past its bounds', () => {
    // Mostly what a kernel prints, now and then one odd character: most generated lines are records.
    const odd = <T>(usual: fc.Arbitrary<T>, unusual: fc.Arbitrary<T>) => fc.oneof({ arbitrary: usual, weight: 9 }, { arbitrary: unusual, weight: 1 });
    const ws = (min: number, max: number) =>
      fc.tuple(fc.integer({ min, max }), fc.constantFrom('\t', '\v', '\u00a0', '\f'), fc.nat(), fc.boolean()).map(([n, c, at, with_]) => {
        const s = ' '.repeat(n);
        if (!with_ || n === 0) return s;
        const i = at % n;
        return s.slice(0, i) + c + s.slice(i + 1);
      });
    const digits = (min: number, max: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((a) => a.join(''));
    const line = fc
      .record({
        lead: odd(fc.constantFrom('', ' ', '    '), ws(55, 70)),
        task: odd(
          fc.array(fc.constantFrom('a', 'k', '/', ':', '-', '1', ' ', '<', '>', '.'), { minLength: 1, maxLength: 16 }).map((a) => a.join('')),
          fc
            .tuple(fc.constantFrom('', '#', '=>', '=> ', '[', 'é'), fc.array(fc.constantFrom('a', '-', '1', ' ', '#', '=>', '[', 'é', '\t'), { minLength: 0, maxLength: 70 }))
            .map(([first, rest]) => first + rest.join('')),
        ),
        pid: odd(digits(1, 5), digits(0, 12)),
        gap: odd(ws(1, 6), ws(0, 36)),
        tgid: odd(fc.constant(''), fc.constantFrom('(  123) ', '(-------) ')),
        cpu: odd(digits(1, 3), digits(0, 8)),
        gap2: odd(ws(1, 3), ws(0, 36)),
        flags: odd(fc.constantFrom('', '.....', 'd..2.', '...1', 'dNh1.'), fc.array(fc.constantFrom('.', 'd', 'N', '1', '!', '%', ':'), { minLength: 3, maxLength: 7 }).map((a) => a.join(''))),
        gap3: odd(ws(1, 6), ws(0, 36)),
        secs: odd(digits(1, 6), digits(0, 14)),
        frac: odd(digits(6, 6), digits(0, 11)),
        colon: odd(fc.constant(':'), fc.constant(';')),
        after: odd(fc.constant(' '), fc.constantFrom('', '  ', '\t', '\v', '\f', '\r', '\u00a0')),
        payload: fc.constantFrom('cpuhp_enter: cpu: 0001 target: 236 step: 197 (kvm_online_cpu)', 'svm_enable_virtualization_cpu_ret: (kvm_arch_enable_virtualization_cpu+0xc4/0x280 [kvm] <- svm_enable_virtualization_cpu) ret=0', 'x\ry', 'a\u2028b', 'p: (f+0x0/0x1)', ''),
      })
      .map((c) => `${c.lead}${c.task}-${c.pid}${c.gap}${c.tgid}[${c.cpu}]${c.gap2}${c.flags}${c.flags === '' ? '' : c.gap3}${c.secs}.${c.frac}${c.colon}${c.after}${c.payload}`);
    fc.assert(fc.property(line, agrees), { numRuns: 20000 });
  });

  it('give a stamp’s exact nanoseconds, either side of the uptime where a double stops being exact', () => {
    const secs = fc.oneof(fc.integer({ min: 0, max: 999_999_999_999 }), fc.integer({ min: 8_999_990, max: 9_000_010 }), fc.constantFrom(0, 9_007_199, 999_999_999_999));
    const frac = fc.integer({ min: 1, max: 9 }).chain((d) => fc.integer({ min: 0, max: 10 ** d - 1 }).map((f) => String(f).padStart(d, '0')));
    fc.assert(
      fc.property(secs, frac, (s, f) => {
        assert.equal(headNs({ secs: s, frac: Number(f), fracDigits: f.length }), decimalToNs(`${s}.${f}`));
      }),
      { numRuns: 5000 },
    );
  });
});
