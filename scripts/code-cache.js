// Saves V8's code for the bundles dist/code-cache.js loads, after the CLI has run the way users run it — an
// import into a new store, a state query, a failing command, help — so that the functions those compiled
// lazily are in it; then checks that a fresh process takes it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.cwd();
const bundles = readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.cjs')).map((f) => f.slice(0, -'.cjs'.length));
const loaded = await Promise.all(bundles.map((b) => import(`${root}/dist/${b}.js`)));
const { run } = await import(`${root}/dist/oclif-core.js`);
const dir = mkdtempSync(join(tmpdir(), 'kvmlog-build-'));
const [db, trace] = [join(dir, 'kvmlog.db'), join(dir, 'trace.txt')];
writeFileSync(
  trace,
  '# tracer: nop\n' +
    '       cpuhp/1-23      [001] .....     5.000100: svm_enable_virtualization_cpu_ret: (kvm_arch_enable_virtualization_cpu+0xc4/0x280 [kvm] <- svm_enable_virtualization_cpu) ret=0\n',
);
const [out, err] = [process.stdout.write, process.stderr.write];
process.stdout.write = process.stderr.write = () => true;
try {
  for (const argv of [['import', '--db', db, '--no-progress', trace], ['state', '--db', db, '--at', '6s'], ['boots', '--db', join(dir, 'none.db')], ['--help']]) {
    await run(argv, root).catch(() => undefined);
  }
} finally {
  [process.stdout.write, process.stderr.write] = [out, err];
  rmSync(dir, { recursive: true, force: true });
}
for (const m of loaded) m.codeCache.save();
const check = `const ms = await Promise.all(${JSON.stringify(bundles)}.map((b) => import('./dist/' + b + '.js'))); process.exitCode = ms.some((m) => m.codeCache.rejected) ? 1 : 0;`;
try {
  execFileSync(process.execPath, ['--input-type=module', '-e', check], { cwd: root, stdio: 'inherit' });
} catch {
  throw new Error('code-cache: V8 rejected a code cache the build just saved');
}
console.error(`code cache saved and taken: ${bundles.map((b) => `dist/${b}.cjs`).join(', ')}`);
