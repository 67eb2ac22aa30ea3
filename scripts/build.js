// Builds the CLI: type-check with tsc, then bundle each command with esbuild. Start-up is almost all module
// loading (kysely alone is ~160 ms as hundreds of files, ~30 ms as one bundle; @oclif/core ~190 ms as 158 files,
// ~65 ms as one), and a command loads only its own bundle and the chunks it shares with others. @oclif/core is
// bundled once, into dist/oclif-core.js, which bin/run.js and every command import: one instance.
// better-sqlite3 (native) stays external.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit'], { stdio: 'inherit' });
rmSync('dist', { recursive: true, force: true });
// What kvmlog's code and bin/run.js take from @oclif/core: one CommonJS bundle, which dist/oclif-core.js
// (scripts/oclif-core.js) compiles with V8's code cache and re-exports.
const oclif = await build({
  stdin: { contents: "module.exports = require('@oclif/core');", resolveDir: process.cwd(), loader: 'js' },
  outfile: 'dist/oclif-core.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // oclif loads these only to run TypeScript commands in development, which bin/dev.js does with tsx.
  external: ['typescript', 'ts-node'],
  write: false,
  logLevel: 'error',
});
// oclif loads commands with import(); inside a vm script that is the loader's __import (scripts/oclif-core.js).
const imports = /\bimport\(/g;
const oclifSource = oclif.outputFiles[0].text;
if ((oclifSource.match(imports) ?? []).length === 0) throw new Error('build: no import() found in @oclif/core; check scripts/oclif-core.js');
mkdirSync('dist', { recursive: true });
writeFileSync('dist/oclif-core.cjs', oclifSource.replace(imports, '__import('));
copyFileSync('scripts/oclif-core.js', 'dist/oclif-core.js');
/** Commands and chunks sit two levels below dist/: they take oclif from the one bundle. */
const oclifBundle = {
  name: 'oclif-bundle',
  setup(b) {
    b.onResolve({ filter: /^@oclif\/core$/ }, () => ({ path: '../../oclif-core.js', external: true }));
  },
};
const commands = readdirSync('src/commands').filter((f) => f.endsWith('.ts')).map((f) => `src/commands/${f}`);
await build({
  entryPoints: commands,
  outdir: 'dist/src/commands',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Shared code goes beside, not among, the commands: oclif takes every file in commands/ for a command.
  chunkNames: '../chunks/[name]-[hash]',
  external: ['better-sqlite3', 'cli-progress'],
  plugins: [oclifBundle],
  // Commands and chunks alike sit one level below dist/src: the parse thread is bundled beside them.
  define: { KVMLOG_PARSE_THREAD: JSON.stringify('../parse-thread.js') },
  banner: { js: "import { createRequire as __kvmlogRequire } from 'node:module'; const require = __kvmlogRequire(import.meta.url);" },
  logLevel: 'warning',
});
// The parse thread (src/ingest/thread): reading and decoding only, no store, no CLI.
await build({
  entryPoints: ['src/ingest/thread/parse-thread.ts'],
  outfile: 'dist/src/parse-thread.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
