// Builds the CLI: type-check with tsc, then bundle each command with esbuild. Start-up is almost all module
// loading (kysely alone is ~160 ms as hundreds of files, ~30 ms as one bundle), and a command loads only its
// own bundle and the chunks it shares with others. better-sqlite3 (native) and @oclif/core (one instance with
// bin/run.js) stay external.
import { readdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit'], { stdio: 'inherit' });
rmSync('dist', { recursive: true, force: true });
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
  external: ['better-sqlite3', '@oclif/core', 'cli-progress'],
  banner: { js: "import { createRequire as __kvmlogRequire } from 'node:module'; const require = __kvmlogRequire(import.meta.url);" },
  logLevel: 'warning',
});
