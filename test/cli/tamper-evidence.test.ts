/**
 * The hash chain: an event changed, removed or reordered after its import is found by `kvmlog verify`, in the
 * store and in an export, and the recipe the README gives is enough to check an export without kvmlog.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { fixture, kvmlog, scratch } from '../helpers/cli.js';

const inputs = [fixture('linux-6.1-qemu', 'ftrace-lifecycle.txt'), fixture('linux-6.1-qemu', 'dmesg-lifecycle.txt'), fixture('linux-6.12-qemu', 'dmesg-lifecycle.txt')];

/** Written from the README's recipe alone, not from kvmlog's code. */
function recipeHash(line: Record<string, unknown>): string {
  const envelope = ['seq', 'boot', 'timeNs', 'clock', 'uncertaintyNs', 'wallClock', 'source', 'raw', 'chain'];
  const event = Object.fromEntries(Object.entries(line).filter(([k]) => !envelope.includes(k)));
  const sorted = (v: unknown): unknown =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
  const source = line['source'] as { sha256: string; line: number };
  // `clock` and `uncertaintyNs` are members only where the line has them (another clock than the kernel's, a sighting
  // less certain than its stamp).
  const extra = Object.fromEntries(['clock', 'uncertaintyNs'].filter((k) => k in line).map((k) => [k, line[k]]));
  const content = JSON.stringify(sorted({ boot: line['boot'], timeNs: line['timeNs'], event, source: source.sha256, line: source.line, raw: line['raw'], ...extra }));
  return createHash('sha256').update(`${(line['chain'] as { prev: string }).prev}\n${content}`).digest('hex');
}

describe('tamper evidence', () => {
  const s = scratch();
  after(() => s.cleanup());
  before(async () => {
    for (const f of inputs) assert.equal((await kvmlog(['import', '--db', s.db, f])).code, 0);
  });

  /** A copy of the store with kvmlog's append-only guard removed, as someone editing the file would. */
  const tampered = (name: string, sql: string) => {
    const db = join(s.dir, name);
    copyFileSync(s.db, db);
    const raw = new Database(db);
    raw.exec('DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete;');
    raw.exec(sql);
    raw.close();
    return db;
  };

  it('an untouched store verifies, every event hashed', async () => {
    const r = await kvmlog(['verify', '--db', s.db, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const v = JSON.parse(r.stdout);
    const raw = new Database(s.db, { readonly: true });
    const n = (raw.prepare('SELECT count(*) AS n FROM events WHERE hash IS NOT NULL').get() as { n: number }).n;
    raw.close();
    assert.deepEqual([v.intact, v.events], [true, n]);
    assert.match(v.head, /^[0-9a-f]{64}$/);
  });

  it('a changed field is named, with its boot, time and input line', async () => {
    // A successful VMXON turned into a failed one: the kind of edit that would hide or invent a bug.
    const raw = new Database(s.db, { readonly: true });
    const seq = (raw.prepare(`SELECT min(seq) AS seq FROM events WHERE type = 'virt.enable' AND fields LIKE '%"ret":0%'`).get() as { seq: number }).seq;
    raw.close();
    const db = tampered('changed.db', `UPDATE events SET fields = replace(fields, '"ret":0', '"ret":-16') WHERE seq = ${seq}`);
    const r = await kvmlog(['verify', '--db', db]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`event #${seq} \\(boot [0-9a-f]{12}, \\d+\\.\\d+ s, .+\\.txt:\\d+\\): its hash does not match`));
  });

  it('a removed event breaks the chain at the event after it', async () => {
    const db = tampered('removed.db', 'DELETE FROM events WHERE seq = 12');
    const r = await kvmlog(['verify', '--db', db, '--json']);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).first.seq, 13);
  });

  it('a changed time or raw line is found too; an event written around kvmlog has no hash', async () => {
    const t = await kvmlog(['verify', '--db', tampered('time.db', 'UPDATE events SET time_ns = time_ns + 1 WHERE seq = 7'), '--json']);
    assert.equal(JSON.parse(t.stdout).first.seq, 7);
    const raw = await kvmlog(['verify', '--db', tampered('raw.db', "UPDATE events SET raw = raw || ' ' WHERE seq = 3"), '--json']);
    assert.equal(JSON.parse(raw.stdout).first.seq, 3);
    const around = tampered(
      'around.db',
      `INSERT INTO events (boot_id, time_ns, cpu, type, fields, source_id, line, raw) SELECT boot_id, time_ns + 1, cpu, type, fields, source_id, line, raw FROM events WHERE seq = 5`,
    );
    const a = await kvmlog(['verify', '--db', around]);
    assert.equal(a.code, 1);
    assert.match(a.stdout, /no hash: it was written around kvmlog/);
  });

  it('an export verifies without the store, by kvmlog and by the README recipe alone', async () => {
    const r = await kvmlog(['events', '--db', s.db, '--json', '--boot', (await bootIds(s.db))[0]!]);
    const file = join(s.dir, 'export.ndjson');
    writeFileSync(file, r.stdout);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of lines) assert.equal(recipeHash(l), (l['chain'] as { hash: string }).hash, `seq ${l['seq']}`);
    const v = await kvmlog(['verify', file, '--json']);
    assert.equal(v.code, 0, v.stdout);
    const out = JSON.parse(v.stdout);
    assert.equal(out.verified, lines.length);
    assert.ok(out.links > 0);
  });

  it('an edited export is named by file and line; a line removed from a whole export breaks its link', async () => {
    // The whole log as an export: `events --json` lists a boot's facts, the export every sighting the chain holds.
    const all = join(s.dir, 'all.ndjson');
    assert.equal((await kvmlog(['export', '--db', s.db, '--format', 'ndjson', '-o', all])).code, 0);
    const whole = JSON.parse((await kvmlog(['verify', all, '--json'])).stdout);
    assert.equal(whole.complete, true);
    const lines = readFileSync(all, 'utf8').trim().split('\n');
    const i = lines.findIndex((l) => l.includes('"type":"virt.enable"'));
    const edited = join(s.dir, 'edited.ndjson');
    writeFileSync(edited, lines.map((l, j) => (j === i ? l.replace('"ret":0', '"ret":1') : l)).join('\n'));
    const e = await kvmlog(['verify', edited]);
    assert.equal(e.code, 1);
    assert.match(e.stdout, new RegExp(`edited\\.ndjson:${i + 1}: event #\\d+: its hash does not match`));
    const cut = join(s.dir, 'cut.ndjson');
    writeFileSync(cut, lines.filter((_, j) => j !== i).join('\n'));
    const c = JSON.parse((await kvmlog(['verify', cut, '--json'])).stdout);
    // Without the line, its neighbours in the chain are no longer adjacent: the export is not whole.
    assert.deepEqual([c.first, c.complete, c.links], [null, false, whole.links - 2]);
  });
});

async function bootIds(db: string): Promise<string[]> {
  const r = await kvmlog(['boots', '--db', db, '--json']);
  return (JSON.parse(r.stdout) as { id: string }[]).map((b) => b.id);
}

describe('a store from before the hash chain', () => {
  const s = scratch();
  after(() => s.cleanup());

  it('is chained on first use, to the hashes the README recipe gives its events, in the order they were stored', async () => {
    for (const f of inputs) assert.equal((await kvmlog(['import', '--db', s.db, f])).code, 0);
    const hashes = () => {
      const raw = new Database(s.db, { readonly: true });
      const h = raw.prepare('SELECT hash FROM events ORDER BY seq').pluck().all();
      raw.close();
      return h;
    };
    const stored = hashes().length;
    // The schema as kvmlog left it before migration 0004: 0006, 0005, then 0004, undone. Such a store knew neither
    // clocks nor uncertainty: every event on the kernel clock, stamped as it was seen.
    const raw = new Database(s.db);
    raw.exec(`ALTER TABLE boots DROP COLUMN merged_into; ALTER TABLE boots DROP COLUMN provisional;
      DELETE FROM kysely_migration WHERE name = '0006_boot_merges'; DROP TABLE clock_alignments; DROP TABLE superseded; DROP INDEX events_identity;
      CREATE UNIQUE INDEX events_identity ON events (boot_id, time_ns, type, fields);
      ALTER TABLE events DROP COLUMN uncertainty_ns; ALTER TABLE events DROP COLUMN clock;
      ALTER TABLE events DROP COLUMN hash; DELETE FROM kysely_migration WHERE name IN ('0004_hash_chain', '0005_sightings');`);
    const rows = raw
      .prepare('SELECT e.boot_id, e.time_ns, e.type, e.fields, s.sha256, e.line, e.raw FROM events e JOIN sources s ON s.id = e.source_id ORDER BY e.seq')
      .safeIntegers(true)
      .all() as { boot_id: string; time_ns: bigint; type: string; fields: string; sha256: string; line: bigint; raw: string }[];
    raw.close();
    let prev = '0'.repeat(64);
    const expected = rows.map((r) => {
      const line = { boot: r.boot_id, timeNs: String(r.time_ns), type: r.type, ...JSON.parse(r.fields), source: { sha256: r.sha256, line: Number(r.line) }, raw: r.raw, chain: { prev } };
      prev = recipeHash(line);
      return prev;
    });
    // A reading command: it upgrades the store it may write, then reads it.
    const r = await kvmlog(['verify', '--db', s.db]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`${stored} events, hash chain intact`));
    assert.deepEqual(hashes(), expected);
  });
});
