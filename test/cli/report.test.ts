/**
 * `kvmlog report` in a real browser: Chromium from npm (@sparticuz/chromium), headless, driven by playwright-core. The page renders
 * from the file alone (any other request fails the test), shows the crash path of the real 6.1 kdump-direct
 * recording — four CPU lanes, the panic and the crash kexec — and, for the same history without CPU 1's
 * emergency disable, the finding with its evidence lines; hovering a lane shows the raw input line.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../scripts/chromium.js';
import { kvmlog, scratch } from '../helpers/cli.js';
import { kdumpStores } from '../helpers/kdump.js';

const s = scratch();
let db: string;
let browser: Browser;
let crashed: string;
let edited: string;
before(async () => {
  ({ db, crashed, edited } = await kdumpStores(s.dir));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  s.cleanup();
});

async function open(html: string) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const foreign: string[] = [];
  const errors: string[] = [];
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith('file:')) return route.continue();
    foreign.push(route.request().url());
    return route.abort();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(html).href);
  return { page, foreign, errors };
}

describe('kvmlog report', () => {
  it('renders the kdump crash path from the file alone: four CPU lanes, the panic and the crash kexec, the usage line', async () => {
    const html = join(s.dir, 'report.html');
    const r = await kvmlog(['report', '--db', db, '-o', html]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(readFileSync(html, 'utf8'), /<(?:script|link|img)[^>]+(?:src|href)=/i, 'nothing loaded from elsewhere');
    const { page, foreign, errors } = await open(html);
    const boot = page.locator(`section[data-boot="${crashed}"]`);
    const whole = boot.locator(`svg#lanes-${crashed}`);
    assert.equal(await whole.locator('[data-lane]').count(), 4);
    for (const cpu of [0, 1, 2, 3]) assert.ok((await whole.locator(`[data-lane="cpu${cpu}"] rect[data-state="="]`).count()) > 0, `CPU ${cpu} drawn post-VMXON`);
    assert.equal(await whole.locator('[data-marker="panic"]').count(), 1);
    assert.equal(await whole.locator('[data-marker="kexec"]').count(), 1);
    assert.ok((await whole.locator('[data-usage] circle').count()) > 0);
    assert.ok(await whole.isVisible());
    // The crash path at a glance: a close-up from just before the panic, where every CPU turns virtualization off.
    const zoom = boot.locator(`svg#zoom-${crashed}`);
    assert.ok(await zoom.isVisible());
    for (const cpu of [0, 1, 2, 3]) {
      assert.ok((await zoom.locator(`[data-lane="cpu${cpu}"] rect[data-state="="]`).count()) > 0, `CPU ${cpu} post-VMXON at the panic`);
      assert.equal(await zoom.locator(`[data-lane="cpu${cpu}"] rect[data-end-state]`).getAttribute('data-end-state'), '-', `CPU ${cpu} off after its emergency disable`);
    }
    // Hover details: the event and the line it came from.
    await whole.locator('[data-lane="cpu3"] rect[data-state="="]').first().hover();
    assert.match((await page.locator('#hover').textContent()) ?? '', /CPU 3: post-VMXON[\s\S]*kdump-direct-ftrace-precrash\.txt:\d+: .*svm_hardware_enable_ret/);
    const shot = join(s.dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 10_000, 'a screenshot with something in it');
    assert.deepEqual(foreign, []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows a finding with its evidence lines as they stood in the input', async () => {
    const html = join(s.dir, 'edited.html');
    assert.equal((await kvmlog(['report', '--db', edited, '-o', html])).code, 0);
    const { page, foreign } = await open(html);
    const finding = page.locator('.finding[data-finding^="kexec-with-virt-on@"]');
    assert.equal(await finding.count(), 1);
    assert.ok(await finding.isVisible());
    const text = (await finding.textContent()) ?? '';
    assert.match(text, /CPU 1/);
    assert.match(text, /crash kexec|kexec\.start kind=crash/);
    assert.match(text, /\[001\].*svm_hardware_enable_ret: .* ret=0/, 'the VMXON line of CPU 1 as the kernel printed it');
    assert.equal(await page.locator('svg.lanes[id^="lanes-"] [data-marker="finding"]').count(), 1);
    await page.screenshot({ path: join(s.dir, 'edited.png'), fullPage: true });
    assert.deepEqual(foreign, []);
    await page.close();
  });
});
