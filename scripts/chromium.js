// A real headless Chromium for the report's browser test and `npm run screenshot`, from npm: @sparticuz/chromium
// ships the browser inside the package, so a machine with only Node needs no apt step. KVMLOG_CHROMIUM points at
// another browser instead.
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';

// Chromium reaches for Google's hosts at start; this machine's network refuses them, many at a time.
const QUIET = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
// The package's serverless flags, less two that would let a page load what a self-contained report must not, and
// --single-process, with which closing a page closes the browser.
const DROPPED = new Set(['--disable-web-security', '--allow-running-insecure-content', '--single-process']);

/** @returns {Promise<string>} the unpacked browser, one folder per package version */
async function unpacked() {
  const sparticuz = (await import('@sparticuz/chromium')).default;
  const main = createRequire(import.meta.url).resolve('@sparticuz/chromium'); // <package>/build/cjs/index.cjs
  const { version } = JSON.parse(readFileSync(join(dirname(main), '..', '..', 'package.json'), 'utf8'));
  const home = join(tmpdir(), `kvmlog-chromium-${version}`);
  const exe = join(home, 'chromium');
  if (existsSync(exe)) return exe;
  // The package unpacks into os.tmpdir() and trusts whatever it finds there; unpack into a fresh folder and
  // rename it into place whole, so that an interrupted or concurrent unpack never leaves a half-written browser.
  const staging = mkdtempSync(`${home}.partial-`);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    await sparticuz.executablePath();
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
  // The package's fonts.conf names /tmp/fonts; this one names the fonts where they will be.
  const conf = `<?xml version="1.0"?>\n<fontconfig><dir>${join(home, 'fonts')}</dir><cachedir>${join(home, 'fonts-cache')}</cachedir></fontconfig>\n`;
  writeFileSync(join(staging, 'fonts.conf'), conf);
  try {
    renameSync(staging, home);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another process put its copy in place first
  }
  return exe;
}

/** Launches headless Chromium through playwright-core. */
export async function launchChromium() {
  const own = process.env.KVMLOG_CHROMIUM;
  if (own) return chromium.launch({ executablePath: own, args: ['--no-sandbox', ...QUIET] });
  const sparticuz = (await import('@sparticuz/chromium')).default;
  const args = sparticuz.args.filter((a) => !DROPPED.has(a));
  const exe = await unpacked();
  const env = { ...process.env, FONTCONFIG_FILE: join(dirname(exe), 'fonts.conf') };
  return chromium.launch({ executablePath: exe, args: [...args, ...QUIET], env });
}
