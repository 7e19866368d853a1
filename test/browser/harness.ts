/**
 * The browser test harness: builds the page (and the in-page golden checker) into a temporary folder, serves
 * it on 127.0.0.1 with `fixtures/golden/` and `bench/data/` mounted, and drives Debian's Chromium headless
 * through playwright-core (no browser download). Without Chromium the tests are skipped locally, with a
 * message, and fail in CI (`CI` set), where `.ci/run` must install it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildWeb, libraryAsSibling } from '../../web/build.mjs';
import { startServer, type ServedRequest } from '../../web/serve.mjs';

/** Where Debian's `chromium` package puts the browser (override with `CHROMIUM_PATH`). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IN_CI = Boolean(process.env.CI);
const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);

/** False only locally without Chromium: in CI a missing browser must fail the run, not skip it. */
export const browserTestsEnabled = HAS_CHROMIUM || IN_CI;
if (!browserTestsEnabled) {
  console.warn(`browser tests skipped: ${CHROMIUM_PATH} not found (apt-get install -y chromium). In CI (CI set) they fail instead.`);
}

const REPO = join(__dirname, '..', '..');

/** Flags that keep Chromium quiet and deterministic on a closed network. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A built page, its server and a browser. */
export interface Inspector {
  /** `http://127.0.0.1:<port>/`: the page; `golden/` and `bench/` are the fixture folders. */
  baseUrl: string;
  context: BrowserContext;
  /** Every response the server sent, in order. */
  requests: ServedRequest[];
  /** A new page at 1400x900 with the inspector loaded; page errors fail the test that reads `errors`. */
  openPage(query?: string): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/** Builds, serves and launches. Throws (failing the suite) when Chromium is missing. */
export async function startInspector(): Promise<Inspector> {
  if (!HAS_CHROMIUM) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) before the browser tests`);
  }
  const workDir = mkdtempSync(join(tmpdir(), 'loki-chunk-browser-'));
  const outdir = join(workDir, 'site');
  await buildWeb({ outdir, minify: false, quiet: true });
  // The golden checker runs in the page against the page's own library bundle.
  await esbuild.build({
    entryPoints: { 'golden-check': join(__dirname, 'page', 'golden-check.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir,
    logLevel: 'silent',
    plugins: [libraryAsSibling],
  });
  const requests: ServedRequest[] = [];
  const server = await startServer({
    root: outdir,
    mounts: { '/golden/': join(REPO, 'fixtures', 'golden'), '/bench/': join(REPO, 'bench', 'data') },
    onRequest: (entry) => requests.push(entry),
  });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(join(workDir, 'profile'), {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
      timeout: 30_000,
    });
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    baseUrl: server.url,
    context,
    requests,
    async openPage(query = '') {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await page.goto(`${server.url}${query}`);
      return { page, errors };
    },
    async close() {
      await context.close();
      await server.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Files for the page's file input: paths, or named buffers. */
export type PageFiles = string[] | Array<{ name: string; mimeType: string; buffer: Buffer }>;

async function openCount(page: Page): Promise<number> {
  return Number(await page.evaluate(() => document.body.dataset.opened ?? '0'));
}

/** Waits until the page finished the open that follows `before`, and returns the status text. */
async function nextOpen(page: Page, before: number): Promise<string> {
  await page.waitForFunction((count) => Number(document.body.dataset.opened ?? '0') > count, before, { timeout: 30_000 });
  return (await page.textContent('#status')) ?? '';
}

/** Picks `files` with the page's file input and waits for them to be read. */
export async function openFiles(page: Page, files: PageFiles): Promise<string> {
  const before = await openCount(page);
  await page.setInputFiles('#file-input', files);
  return nextOpen(page, before);
}

/** Opens `url` through the page's URL form and waits for the summary. */
export async function openUrl(page: Page, url: string): Promise<string> {
  const before = await openCount(page);
  await page.fill('#url-input', url);
  await page.click('#url-form button[type=submit]');
  return nextOpen(page, before);
}

/** The entry rows currently in the DOM (virtual scrolling keeps only those near the view). */
export async function renderedRows(page: Page): Promise<Array<{ position: number; index: number; ns: string; line: string; metadata: string }>> {
  return page.$$eval('#entry-list .entry:not([hidden])', (rows) =>
    rows
      .map((row) => ({
        position: Number((row as HTMLElement).dataset.position),
        index: Number((row as HTMLElement).dataset.index),
        ns: row.querySelector<HTMLElement>('.ts')?.dataset.ns ?? '',
        line: row.querySelector('.line')?.textContent ?? '',
        metadata: row.querySelector('.sm')?.textContent ?? '',
      }))
      .sort((left, right) => left.position - right.position),
  );
}

/** The text of a summary field (`format`, `codec`, `labels`, ...). */
export async function summaryField(page: Page, field: string): Promise<string> {
  return ((await page.textContent(`#summary [data-field="${field}"]`)) ?? '').trim();
}
