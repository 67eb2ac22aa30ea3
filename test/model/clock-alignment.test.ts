/**
 * Placing a block on another clock from evidence: the offset most of its records agree on, refused where the
 * evidence is thin or split; a record at its own sighting, between its neighbours' otherwise, and beyond the
 * evidence only on a clock a fixed offset from the kernel's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Pairing, align, placeRecord } from '../../src/model/clock-alignment.js';

const ms = (v: number): bigint => BigInt(Math.round(v * 1e6));
/** Record `item`, stamped `at` ms on its clock, seen on the kernel clock `offset` ms later. */
const p = (item: number, at: number, offset: number): Pairing => ({ item, atNs: ms(at), offsetNs: ms(offset) });

describe('align', () => {
  it('finds the offset most records agree on, each record counted once however many sightings it has', () => {
    // Four records 171.0–171.9 ms apart from the log (printk stamps lag their record by up to 1 ms); record 1
    // also matched a sighting of the same text 1.2 s later, which no other record supports.
    const a = align([p(1, 100, 171.0), p(1, 100, 1371.0), p(2, 200, 171.9), p(3, 300, 171.2), p(4, 400, 171.5)])!;
    assert.ok(a !== null);
    assert.equal(a.evidence, 4);
    assert.ok(a.offsetNs >= ms(171.0) && a.offsetNs <= ms(171.9));
    assert.equal(a.spreadNs, ms(0.9));
    assert.equal(a.own.get(1), ms(171.0), "record 1's own sighting is the one near the offset");
  });

  it('says nothing from fewer than three records', () => {
    assert.equal(align([p(1, 100, 5), p(2, 200, 5)]), null);
    assert.equal(align([]), null);
  });

  it('says nothing where two offsets are supported alike', () => {
    assert.equal(align([p(1, 1, 0), p(2, 2, 0), p(3, 3, 0), p(4, 4, 500), p(5, 5, 500), p(6, 6, 500)]), null);
  });
});

describe('placeRecord', () => {
  // Three records agree on 0–1 ms; the clocks then drift, to 50 ms at stamp 500 and 90 ms at stamp 1000; by
  // stamp 20000 one has jumped 1 s (a suspend).
  const a = align([p(1, 0, 0), p(2, 100, 0.5), p(3, 200, 1), p(4, 500, 50), p(5, 1000, 90), p(6, 20000, 1000)])!;

  it('places a record with its own sighting there, exactly, drifted as it may be', () => {
    assert.equal(a.offsetNs, ms(0.5));
    assert.deepEqual(placeRecord(a, 4, ms(500), false), { offsetNs: ms(50), uncertaintyNs: 0n });
  });

  it('places a record between two with sightings along the drift from one to the other, as uncertain as they differ', () => {
    assert.deepEqual(placeRecord(a, 9, ms(750), false), { offsetNs: ms(70), uncertaintyNs: ms(40) });
  });

  it('beyond the evidence, places no record, but on a clock a fixed offset from the kernel\'s places every record at it', () => {
    assert.equal(placeRecord(a, 9, ms(30000), false), null);
    assert.deepEqual(placeRecord(a, 9, ms(30000), true), { offsetNs: ms(0.5), uncertaintyNs: ms(1) });
    assert.deepEqual(placeRecord(a, 4, ms(500), true), { offsetNs: ms(0.5), uncertaintyNs: ms(1) });
    assert.equal(a.own.has(6), false, 'the sighting 1 s off (past the jump) is not evidence of the offset');
  });
});
