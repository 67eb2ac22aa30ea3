import type { ImportResult } from '../app/import-files.js';

/** The `import --json` contract (DESIGN.md), plus `status` so a skipped duplicate is visible. */
export function importJson(results: readonly ImportResult[]): object {
  return {
    files: results.map((r) =>
      r.kind === 'imported'
        ? {
            file: r.file,
            status: 'imported',
            format: r.summary.format,
            lines: r.summary.lines,
            events: r.summary.events,
            duplicates: r.summary.duplicates,
            boots: r.summary.boots,
            warnings: r.summary.warnings.map((w) => ({ line: w.line, message: w.message })),
          }
        : { file: r.file, status: 'already-imported', format: null, lines: 0, events: 0, duplicates: 0, boots: [], warnings: [] },
    ),
  };
}

const MAX_WARNINGS_SHOWN = 20;

export function importText(r: ImportResult): string {
  if (r.kind === 'already-imported') {
    return `${r.file}: already imported (same content as ${r.previousPath}, ${r.importedAt}); nothing appended`;
  }
  const s = r.summary;
  const dup = s.duplicates > 0 ? ` (${s.duplicates} more already stored from another capture of the same boot)` : '';
  const lines = [
    `${r.file}: ${s.format}, ${s.lines} lines: ${s.events} events${dup} in boot${s.boots.length === 1 ? '' : 's'} ${s.boots.join(', ') || '(none)'}; ` +
      `${s.context} lifecycle lines recorded through other lines, ${s.other} other lines, ${s.warnings.length} warnings`,
  ];
  for (const w of s.warnings.slice(0, MAX_WARNINGS_SHOWN)) lines.push(`  warning: ${r.file}:${w.line}: ${w.message}`);
  if (s.warnings.length > MAX_WARNINGS_SHOWN) lines.push(`  … ${s.warnings.length - MAX_WARNINGS_SHOWN} more (--json lists all)`);
  return lines.join('\n');
}
