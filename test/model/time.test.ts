import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decimalToNs, formatNs, parseTime } from '../../src/model/time.js';

describe('kernel time is exact integer nanoseconds', () => {
  it('reads trace stamps of any precision exactly', () => {
    assert.equal(decimalToNs('12.590240'), 12_590_240_000n);
    assert.equal(decimalToNs('0.000000'), 0n);
    assert.equal(decimalToNs('129108.2290'), 129_108_229_000_000n);
    assert.equal(decimalToNs('5.123456789'), 5_123_456_789n);
    assert.equal(decimalToNs('7'), 7_000_000_000n);
  });

  it('keeps nanoseconds exact past 2^53 ns (104 days of uptime), where a double would round', () => {
    // Three years of uptime plus one nanosecond: 94608000.000000001 s.
    assert.equal(decimalToNs('94608000.000000001'), 94_608_000_000_000_001n);
    assert.equal(formatNs(94_608_000_000_000_001n), '94608000.000000001');
    // The float path a naive parser would take loses the last nanosecond.
    assert.notEqual(BigInt(Math.round(Number('94608000.000000001') * 1e9)), 94_608_000_000_000_001n);
  });

  it('refuses more precision than a nanosecond rather than rounding', () => {
    assert.equal(decimalToNs('1.0000000001'), null);
    assert.equal(decimalToNs('1.0000000000'), 1_000_000_000n);
  });

  it('parses TIME as users write it: seconds, or a number with a unit', () => {
    assert.equal(parseTime('95.54'), 95_540_000_000n);
    assert.equal(parseTime('95540ms'), 95_540_000_000n);
    assert.equal(parseTime('95540000us'), 95_540_000_000n);
    assert.equal(parseTime('95540000000ns'), 95_540_000_000n);
    assert.equal(parseTime('95.54s'), 95_540_000_000n);
    assert.equal(parseTime('1.5ms'), 1_500_000n);
    for (const bad of ['', 'abc', '-1', '1e3', '1.2.3', '12 sec', '0x10']) assert.equal(parseTime(bad), null, bad);
  });

  it('round-trips every nanosecond value through its printed form', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), (ns) => {
        assert.equal(parseTime(formatNs(ns)), ns);
        assert.equal(parseTime(`${ns}ns`), ns);
      }),
    );
  });
});
