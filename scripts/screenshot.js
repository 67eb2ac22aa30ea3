// `npm run screenshot`: the README's picture — kvmlog report on the bundled real kdump-direct recording (Linux
// 6.1 under QEMU, crash into kdump), rendered by Chromium from npm through playwright-core
// into docs/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from './chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kvmlog-shot-'));
const kvmlog = (...args) => {
  const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), args[0], '--db', join(dir, 'kvmlog.db'), ...args.slice(1)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
try {
  kvmlog('import', 'test/fixtures/linux-6.1-qemu/kdump-direct-ftrace-precrash.txt', 'test/fixtures/linux-6.1-qemu/console-kdump-direct.log');
  kvmlog('report', '-o', join(dir, 'report.html'));
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1080, height: 800 } });
  await page.goto(pathToFileURL(join(dir, 'report.html')).href);
  await page.locator('section').first().screenshot({ path: join(root, 'docs/report-kdump.png') });
  await browser.close();
  console.error('docs/report-kdump.png');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
