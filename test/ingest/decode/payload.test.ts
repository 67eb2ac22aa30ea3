/**
 * Record payloads read once per distinct text (readPayload): a trace repeats a few probe hits thousands of times.
 * Whatever came before, a text must read as parsing it afresh reads it.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parsePayload, readPayload } from '../../../src/ingest/decode/payload.js';
import { mutationsOf } from '../../helpers/mutate.js';

/** The payloads of the real ftrace recordings: what follows a record's `secs.frac: `. */
const realPayloads = (): string[] => {
  const dirs = ['linux-6.1-qemu', 'linux-6.12-qemu', 'linux-6.12-qemu-kexec', 'linux-6.1-qemu-kdump'];
  const files = dirs.flatMap((d) => readdirSync(join('test/fixtures', d)).filter((f) => /ftrace|trace_pipe/.test(f)).map((f) => join('test/fixtures', d, f)));
  const payloads = files.flatMap((f) => readFileSync(f, 'utf8').split('\n')).flatMap((l) => /\d+\.\d+: (.*)$/.exec(l)?.[1] ?? []);
  return [...new Set(payloads)];
};

describe('payloads read once per text', () => {
  const real = realPayloads();

  it('read as parsing them afresh does, for every payload of the real recordings, each read twice', () => {
    assert.ok(real.length > 100, `only ${real.length} distinct payloads in the recordings`);
    // Probe hits are among them: a memo that only ever held tracepoints would prove little.
    assert.ok(real.some((p) => parsePayload(p)?.kind === 'kretprobe'));
    for (const p of [...real, ...real]) assert.deepEqual(readPayload(p), parsePayload(p), p);
  });

  it('read as parsing them afresh does for mangled payloads, however many distinct texts came before', () => {
    fc.assert(
      fc.property(fc.array(mutationsOf(real, ['', ' ', '(', ')', '<-', ' <- ', 'ret=', '=', '"', ':', '\t', 'é']), { minLength: 1, maxLength: 3000 }), (texts) => {
        for (const t of texts) assert.deepEqual(readPayload(t), parsePayload(t), t);
      }),
      { numRuns: 20 },
    );
  });
});
