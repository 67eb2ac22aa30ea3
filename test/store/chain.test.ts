/** The chain's canonical JSON: one text per value, the same as sorting every object's keys and calling JSON.stringify. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalJson, canonicalParts } from '../../src/model/canonical.js';
import { chainContentOf, chainHash } from '../../src/model/chain.js';

/** The definition the README gives, written the obvious (slow) way. */
const byDefinition = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]])) : x));

/** Event fields are named like identifiers; integer-like keys are the one case JS objects cannot hold in sorted order. */
const identifierKeys = (v: unknown): boolean =>
  v === null || typeof v !== 'object' ? true : Array.isArray(v) ? v.every(identifierKeys) : Object.entries(v).every(([k, x]) => !/^(?:0|[1-9]\d*)$/.test(k) && identifierKeys(x));
const json = fc.jsonValue().filter(identifierKeys).map((v) => v as unknown);

describe('canonical JSON and the chain hash', () => {
  it('canonicalJson is JSON.stringify with every object’s keys sorted, for any JSON value (and undefined members dropped)', () => {
    fc.assert(fc.property(json, (v) => assert.equal(canonicalJson(v), byDefinition(v))), { numRuns: 2000 });
    assert.equal(canonicalJson({ b: 1, a: { d: undefined, c: [undefined, 2] } }), '{"a":{"c":[null,2]},"b":1}');
  });

  it('canonicalParts gives the event’s canonical JSON and that of its fields without type, in one pass', () => {
    const event = fc.dictionary(fc.string().filter((k) => identifierKeys({ [k]: 0 }) && k !== 'type'), json).map((f) => ({ type: 'marker', ...f }));
    fc.assert(
      fc.property(event, (e) => {
        const { type: _type, ...fields } = e;
        assert.deepEqual(canonicalParts(e as never), { fields: byDefinition(fields), event: byDefinition(e) });
      }),
      { numRuns: 1000 },
    );
  });

  it('chainHash follows the published recipe', () => {
    const e = { boot: 'b1', timeNs: 14_437_947_000n, event: { type: 'virt.disable' as const, cpu: 2 }, source: 'ab'.repeat(32), line: 7, raw: 'x "y"' };
    const content = byDefinition({ boot: e.boot, timeNs: e.timeNs.toString(), event: e.event, source: e.source, line: e.line, raw: e.raw });
    const prev = '0'.repeat(64);
    assert.equal(chainHash(prev, e), createHash('sha256').update(`${prev}\n${content}`).digest('hex'));
  });

  it('the append path’s content, written out once per boot and input, is the published recipe’s for any event', () => {
    const text = fc.string({ unit: 'binary' });
    fc.assert(
      fc.property(text, text, fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), json, fc.nat(), text, (boot, source, timeNs, event, line, raw) => {
        const content = byDefinition({ boot, timeNs: timeNs.toString(), event, source, line, raw });
        assert.equal(chainContentOf(boot, source)(timeNs, canonicalJson(event), line, raw), content);
      }),
      { numRuns: 1000 },
    );
  });
});
