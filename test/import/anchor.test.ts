/**
 * Anchor keys are stored: a later import finds its boot by them, so the key of a line must never change. The
 * one-pass key is held to the definition it replaced — cyrb53 of the text trimmed, whitespace runs made one
 * space — on text of every kind of whitespace JavaScript knows, and on the real recordings' lines.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { anchorKey } from '../../src/import/anchor.js';

/** The definition, written out as it was (cyrb53, public domain). */
function definition(text: string): number {
  const str = text.trim().replace(/\s+/g, ' ');
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

describe('anchor keys', () => {
  it('are the definition’s on text mixing every whitespace code unit with others', () => {
    // Every code unit JavaScript's \s matches, found by asking the regex itself, and neighbours that it does not.
    const spaces = Array.from({ length: 0x10000 }, (_, c) => String.fromCharCode(c)).filter((c) => /\s/.test(c));
    assert.equal(spaces.length, 25);
    const unit = fc.oneof(fc.constantFrom(...spaces), fc.constantFrom('a', 'Z', '0', ':', '\u0000', '\u001f', '\u009f', '\u00a1', '\u200b', '\u2030', '\ud83d', '\ude00', 'é'));
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }), (units) => {
        const text = units.join('');
        assert.equal(anchorKey(text), definition(text));
      }),
      { numRuns: 20000 },
    );
  });

  it('are the definition’s on every line of the real recordings', () => {
    let lines = 0;
    for (const dir of ['linux-6.1-qemu', 'linux-6.12-qemu', 'journal-qemu', 'linux-6.1-qemu-kdump']) {
      for (const f of readdirSync(join('test/fixtures', dir))) {
        for (const line of readFileSync(join('test/fixtures', dir, f), 'utf8').split('\n')) {
          assert.equal(anchorKey(line), definition(line), line);
          lines++;
        }
      }
    }
    assert.ok(lines > 10_000);
  });
});
