import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hashInput } from '../../src/app/hash-input.js';
import { KvmlogError } from '../../src/errors.js';

const MiB = 1 << 20;

/** Bytes that differ from chunk to chunk, so that a chunk read twice or skipped changes the hash. */
function bytes(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

describe('the SHA-256 that names an input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kvmlog-hash-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, n: number) => {
    const path = join(dir, name);
    writeFileSync(path, bytes(n));
    return path;
  };

  it('is what coreutils sha256sum says, across read-buffer and slice boundaries', async () => {
    for (const n of [0, 1, MiB - 1, MiB, MiB + 1, 4 * MiB, 9 * MiB + 123]) {
      const path = file(`in-${n}`, n);
      const expected = execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0];
      assert.equal(await hashInput(path), expected, `${n} bytes`);
    }
  });

  it('lets the event loop turn while a long input is hashed, so that the parse thread’s first questions are answered', async () => {
    const path = file('long', 9 * MiB);
    let turns = 0;
    let hashed = false;
    const tick = () => {
      turns++;
      if (!hashed) setImmediate(tick);
    };
    setImmediate(tick);
    await hashInput(path);
    hashed = true;
    // 9 MiB is two slices of 4 MiB and a tail: the loop turned after each slice.
    assert.ok(turns >= 2, `the event loop turned ${turns} time(s) while 9 MiB were hashed`);
  });

  it('of a path that cannot be read is one input error naming it', async () => {
    const missing = join(dir, 'missing');
    await assert.rejects(hashInput(missing), (e: unknown) => e instanceof KvmlogError && e.message === `${missing}: cannot read (ENOENT)`);
  });
});
