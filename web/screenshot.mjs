/**
 * Takes docs/screenshot.png: the inspector at 1400x900 with a golden chunk loaded, in Debian's Chromium.
 * Usage: `node web/screenshot.mjs [chunk] [out.png]` (default: the storage-wrapped v4 snappy golden chunk).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildWeb } from './build.mjs';
import { startServer } from './serve.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const chunk = resolve(process.argv[2] ?? join(ROOT, 'fixtures', 'golden', 'wrapped-v4-snappy.wrapped.chunk'));
const output = resolve(process.argv[3] ?? join(ROOT, 'docs', 'screenshot.png'));
const colorScheme = process.env.COLOR_SCHEME === 'dark' ? 'dark' : 'light';

const workDir = mkdtempSync(join(tmpdir(), 'loki-chunk-screenshot-'));
const { outdir } = await buildWeb({ outdir: join(workDir, 'site'), quiet: true });
const server = await startServer({ root: outdir });
const context = await chromium.launchPersistentContext(join(workDir, 'profile'), {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1400, height: 900 },
  colorScheme,
});
try {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.setInputFiles('#file-input', chunk);
  await page.waitForFunction(() => document.body.dataset.state === 'ready');
  // Select the third entry (keyboard, without scrolling the page) to show the selection.
  await page.evaluate(() => document.getElementById('entry-list')?.focus({ preventScroll: true }));
  for (let step = 0; step < 3; step++) await page.keyboard.press('ArrowDown');
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
  await page.screenshot({ path: output });
  console.log(`wrote ${output}`);
} finally {
  await context.close();
  await server.close();
  rmSync(workDir, { recursive: true, force: true });
}
