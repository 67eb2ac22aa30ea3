/** The benchmark measures the real import path: its generated trace must read as the recordings do. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generate } from './generate.js';
import { testStore } from './store.js';

describe('benchmark trace generator', () => {
  it('writes ftrace text that imports with no warning, one event per lifecycle line, at the fraction asked', async () => {
    const t = await testStore();
    try {
      const path = join(t.dir, 'gen.txt');
      const gen = await generate(path, 20_000, 0.05, 7);
      assert.equal(gen.lines, 20_000);
      assert.ok(gen.events > 700 && gen.events < 1300, `${gen.events} lifecycle lines`);
      const r = await t.import(path);
      assert.deepEqual(r.summary.warnings, []);
      assert.equal(r.summary.events, gen.events);
      assert.equal(r.summary.lines, gen.lines);
      // The same seed writes the same trace.
      const again = await generate(join(t.dir, 'gen2.txt'), 20_000, 0.05, 7);
      assert.deepEqual(again, gen);
    } finally {
      await t.close();
    }
  });
});
