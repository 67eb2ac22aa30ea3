/**
 * The events an import holds for its new boot's fold: whatever their texts repeat or not, the fold must see
 * each event as the store keeps it, in order; and holding stops where the store's order would differ.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HOLD_MAX, HeldEvents } from '../../src/store/held.js';

const json = (cpu: number, type = 'virt.enable') => JSON.stringify({ cpu, type, vendor: 'vmx' });

describe('held events', () => {
  it('fold back as the texts they were given, in order, repeated texts and thousands of distinct ones alike', () => {
    const held = new HeldEvents();
    const texts: string[] = [];
    // 6,000 distinct texts (more than are parsed ahead), each twice, and one text many times.
    for (let i = 0; i < 6000; i++) texts.push(json(i), json(i, 'virt.disable'), json(0));
    texts.forEach((t, i) => assert.ok(held.push(i + 1, 1_000_000_000n + BigInt(i), t)));
    const folded = [...held.fold()];
    assert.deepEqual(
      folded,
      texts.map((t, i) => ({ seq: i + 1, timeNs: 1_000_000_000n + BigInt(i), event: JSON.parse(t) })),
    );
  });

  it('stop at an event earlier than the one before (the store orders by time), and past HOLD_MAX', () => {
    const back = new HeldEvents();
    assert.ok(back.push(1, 2_000n, json(0)));
    assert.ok(back.push(2, 2_000n, json(1)), 'the same instant keeps the order');
    assert.equal(back.push(3, 1_999n, json(2)), false);
    const many = new HeldEvents();
    for (let i = 0; i < HOLD_MAX; i++) assert.ok(many.push(i + 1, BigInt(i), json(i % 4)));
    assert.equal(many.push(HOLD_MAX + 1, BigInt(HOLD_MAX), json(0)), false);
  });
});
