/**
 * Every file of each real recorded run imported together — forward, reversed and in seeded shuffles — gives the
 * boots the run had, linked as they were, no fact twice, and no finding the run did not have.
 */
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkStore } from '../../src/app/diagnose.js';
import { RULES } from '../../src/model/rules/catalogue.js';
import { RUNS, type Run, repeatedFacts } from '../helpers/runs.js';
import { testStore } from '../helpers/store.js';

/** The file orders tried: as listed, reversed, and two seeded shuffles. */
function orders(files: readonly string[]): { name: string; files: string[] }[] {
  const shuffles = fc.sample(fc.shuffledSubarray([...files], { minLength: files.length, maxLength: files.length }), { numRuns: 2, seed: 18 });
  return [
    { name: 'forward', files: [...files] },
    { name: 'reverse', files: [...files].reverse() },
    ...shuffles.map((s, i) => ({ name: `shuffle ${i + 1}`, files: s })),
  ];
}

async function importedTogether(run: Run, files: readonly string[]) {
  const t = await testStore();
  try {
    for (const f of files) await t.import(f);
    const boots = t.boots();
    const facts = new Map(boots.map((b) => [b.id, t.events(b.id)]));
    const findings = checkStore(t.store, undefined, RULES).flatMap((b) => b.findings);
    return { boots, facts, findings };
  } finally {
    await t.close();
  }
}

describe('every file of a real run imported together', () => {
  for (const run of RUNS) {
    for (const order of orders(run.files)) {
      it(`${run.name}, ${order.name}: the run's boots, linked; no fact twice; no false finding`, async () => {
        const { boots, facts, findings } = await importedTogether(run, order.files);
        const said = `${order.files.map((f) => basename(f)).join(', ')}`;
        const problems: string[] = [];
        // A boot by what it is, and the one it followed by what that one is.
        const named = (kind: string, kernel: string | null) => `${kind} ${kernel ?? 'unknown'}`;
        const got = boots
          .map((b) => {
            const prev = b.previous === null ? undefined : boots.find((x) => x.id === b.previous);
            return [named(b.kind, b.kernel), prev === undefined ? null : named(prev.kind, prev.kernel)];
          })
          .sort();
        const want = run.boots.map((b) => [named(b.kind, b.kernel), b.previous === null ? null : named(run.boots[b.previous]!.kind, run.boots[b.previous]!.kernel)]).sort();
        if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`boots ${JSON.stringify(got)}, not ${JSON.stringify(want)}`);
        for (const [boot, events] of facts) {
          for (const { fact, again } of repeatedFacts(events)) {
            const at = (r: typeof fact) => `#${r.seq} ${r.timeNs} ${r.provenance.path.split('/').pop()}:${r.provenance.line}`;
            problems.push(`boot ${boot.slice(0, 8)}: ${again.event.type} ${JSON.stringify(again.event)} twice: ${at(fact)} and ${at(again)}`);
          }
        }
        for (const f of findings) if (!run.mayRaise.includes(f.rule)) problems.push(`finding ${f.id}: ${f.message}`);
        assert.deepEqual(problems, [], said);
      });
    }
  }
});
