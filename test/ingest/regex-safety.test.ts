/**
 * Every regular expression kvmlog runs over input, checked for super-linear backtracking (ReDoS) by recheck,
 * which searches for each pattern's worst-case input (static analysis, then fuzzing with attack strings) —
 * a kernel log line is attacker-shaped text as far as a parser knows. A pattern that is not "safe" fails here
 * with the attack string recheck found.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkSync } from 'recheck';
import ts from 'typescript';
import { BUILT_PATTERNS } from '../../src/ingest/formats/journal.js';
import { TRACEPOINT_SHAPE } from '../../src/ingest/formats/signals.js';
import { ROOT } from '../helpers/cli.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every regular-expression literal in the sources, with where it is. */
function literals(): { where: string; source: string; flags: string }[] {
  const out: { where: string; source: string; flags: string }[] = [];
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = node.getText(sf);
        const end = text.lastIndexOf('/');
        out.push({ where: `${file.slice(ROOT.length)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`, source: text.slice(1, end), flags: text.slice(end + 1) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

describe('regular expressions run in linear time', () => {
  it('every pattern in src/ is safe from catastrophic backtracking on its worst-case input', () => {
    const built = [...BUILT_PATTERNS.map((re) => ({ where: 'src/ingest/formats/journal.ts (built)', re })), { where: 'src/ingest/formats/signals.ts (built)', re: TRACEPOINT_SHAPE }];
    const patterns = [...literals(), ...built.map(({ where, re }) => ({ where, source: re.source, flags: re.flags }))];
    assert.ok(patterns.length > 50, `found ${patterns.length} patterns`);
    const unsafe: string[] = [];
    for (const p of patterns) {
      // A fixed seed: the fuzzing phase explores the same attack strings on every run.
      const r = checkSync(p.source, p.flags, { backend: 'pure', randomSeed: 0, timeout: 30_000 });
      if (r.status !== 'safe') {
        const why = r.status === 'vulnerable' ? `${r.complexity.summary}, attack ${r.attack.pattern}` : r.status;
        unsafe.push(`${p.where} /${p.source}/${p.flags}: ${why}${r.status === 'unknown' ? ` (${JSON.stringify(r.error)})` : ''}`);
      }
    }
    assert.deepEqual(unsafe, []);
  });
});
