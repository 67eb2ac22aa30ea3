// Saves V8's code for dist/oclif-core.cjs (see scripts/oclif-core.js) after the CLI has run the way users run it
// — a command that fails on its flags' value, and help — so that the functions those compiled lazily are in it;
// then checks that a fresh process takes it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.cwd();
const { run, saveCodeCache } = await import(`${root}/dist/oclif-core.js`);
const dir = mkdtempSync(join(tmpdir(), 'kvmlog-build-'));
const [out, err] = [process.stdout.write, process.stderr.write];
process.stdout.write = process.stderr.write = () => true;
try {
  await run(['boots', '--db', join(dir, 'none.db')], root).catch(() => undefined);
  await run(['--help'], root).catch(() => undefined);
} finally {
  [process.stdout.write, process.stderr.write] = [out, err];
  rmSync(dir, { recursive: true, force: true });
}
saveCodeCache();
const check = "const m = await import('./dist/oclif-core.js'); process.exitCode = m.codeCacheRejected ? 1 : 0;";
try {
  execFileSync(process.execPath, ['--input-type=module', '-e', check], { cwd: root, stdio: 'inherit' });
} catch {
  throw new Error('code-cache: V8 rejected the code cache the build just saved');
}
console.error('dist/oclif-core.cjs.v8cache: saved and taken');
