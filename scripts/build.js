// Builds the CLI: type-check with tsc, then bundle each command with esbuild. Start-up is almost all module
// loading, which bundles cut (docs/performance.md), and a command loads only its own bundle and the chunks it
// shares with others; @oclif/core is bundled once (below) and compiled from a code cache.
// better-sqlite3 (native) stays external.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit'], { stdio: 'inherit' });
rmSync('dist', { recursive: true, force: true });
/**
 * Dependencies every command loads, each bundled once into dist/<name>.cjs and loaded through dist/<name>.js,
 * which compiles it from V8's code cache (scripts/code-cache-loader.js) and re-exports all it exports: one
 * instance, shared by bin/run.js and every command.
 */
// Not kysely: its CommonJS build, whole, loads slower from the cache than the part of its ES modules esbuild
// keeps in the chunks (docs/performance.md).
const CACHED = { '@oclif/core': 'oclif-core' };
// A vm script has no loader for import(): the bundle's dynamic imports become the loader's __import (an
// `import()` with nothing in it is text, such as oclif's error message).
const dynamicImport = /\bimport\((?!\))/g;
mkdirSync('dist', { recursive: true });
copyFileSync('scripts/code-cache-loader.js', 'dist/code-cache.js');
for (const [pkg, name] of Object.entries(CACHED)) {
  const out = await build({
    stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: process.cwd(), loader: 'js' },
    outfile: `dist/${name}.cjs`,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // oclif loads these only to run TypeScript commands in development, which bin/dev.js does with tsx.
    external: ['typescript', 'ts-node'],
    write: false,
    logLevel: 'error',
  });
  writeFileSync(`dist/${name}.cjs`, out.outputFiles[0].text.replace(dynamicImport, '__import('));
  const names = Object.keys(createRequire(import.meta.url)(`../dist/${name}.cjs`)).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default');
  writeFileSync(
    `dist/${name}.js`,
    `// ${pkg}, compiled from V8's code cache: see dist/code-cache.js. Written by scripts/build.js.\n` +
      `import { loadCached } from './code-cache.js';\n` +
      `export const codeCache = loadCached(new URL('./${name}.cjs', import.meta.url));\n` +
      `export const { ${names.join(', ')} } = codeCache.exports;\n`,
  );
}
/** Commands and chunks sit two levels below dist/: they take the cached dependencies from dist/. */
const cachedBundles = {
  name: 'cached-bundles',
  setup(b) {
    b.onResolve({ filter: /^[@a-z]/ }, (a) => (Object.hasOwn(CACHED, a.path) ? { path: `../../${CACHED[a.path]}.js`, external: true } : undefined));
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
  plugins: [cachedBundles],
  // Commands and chunks alike sit one level below dist/src: the parse thread is bundled beside them.
  define: { KVMLOG_PARSE_THREAD: JSON.stringify('../parse-thread.cjs') },
  banner: { js: "import { createRequire as __kvmlogRequire } from 'node:module'; const require = __kvmlogRequire(import.meta.url);" },
  logLevel: 'warning',
});
// The parse thread (src/import/thread): reading and decoding only, no store, no CLI.
await build({
  entryPoints: ['src/import/thread/parse-thread.ts'],
  outfile: 'dist/src/parse-thread.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
