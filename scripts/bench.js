// `npm run bench`: bundles bench/run.ts the way scripts/build.js bundles the commands, so that the benchmark
// measures the code users run (tsx's development transform adds per-closure helpers to hot paths), then runs it.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';

await build({
  entryPoints: ['bench/run.ts'],
  outfile: 'dist/bench/run.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', '@oclif/core', 'cli-progress'],
  // The parse thread npm run build bundled (scripts/build.js), relative to dist/bench/run.js.
  define: { KVMLOG_PARSE_THREAD: JSON.stringify('../src/parse-thread.cjs') },
  banner: { js: "import { createRequire as __kvmlogRequire } from 'node:module'; const require = __kvmlogRequire(import.meta.url);" },
  logLevel: 'warning',
});
execFileSync(process.execPath, ['dist/bench/run.js'], { stdio: 'inherit' });
