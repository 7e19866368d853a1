/**
 * Builds the inspector page into one static folder (default `web-dist/`):
 *   loki-chunk.js  the library (src/index.ts) bundled for browsers: ESM, platform browser, no Node built-ins
 *   app.js         the page's code, importing the library from ./loki-chunk.js (not a second copy)
 *   index.html, style.css
 * Usage: `node web/build.mjs [outdir]` (npm run web:build). Tests import `buildWeb`.
 */
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LIBRARY_ENTRY = join(ROOT, 'src', 'index.ts');
export const LIBRARY_FILE = 'loki-chunk.js';
const STATIC_FILES = ['index.html', 'style.css'];

/**
 * esbuild plugin: the page imports the library through `../../src/index.js`; in the bundle that becomes
 * `./loki-chunk.js`, so the page runs the library's browser build rather than a second copy of it.
 */
export const libraryAsSibling = {
  name: 'library-as-sibling',
  setup(build) {
    build.onResolve({ filter: /(^|\/)src\/index\.js$/ }, (args) => {
      const target = resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      return target === LIBRARY_ENTRY ? { path: `./${LIBRARY_FILE}`, external: true } : undefined;
    });
  },
};

/**
 * Builds the page into `outdir` (emptied first).
 * @param {{ outdir?: string, minify?: boolean, quiet?: boolean }} [options]
 * @returns {Promise<{ outdir: string, files: Record<string, number> }>} the folder and each file's size
 */
export async function buildWeb(options = {}) {
  const outdir = resolve(options.outdir ?? join(ROOT, 'web-dist'));
  const minify = options.minify ?? true;
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const common = {
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    minify,
    legalComments: 'linked',
    logLevel: 'silent',
    absWorkingDir: ROOT,
  };
  await esbuild.build({ ...common, entryPoints: { 'loki-chunk': LIBRARY_ENTRY }, outdir });
  await esbuild.build({ ...common, entryPoints: { app: join(ROOT, 'web', 'src', 'main.ts') }, outdir, plugins: [libraryAsSibling] });
  for (const file of STATIC_FILES) await copyFile(join(ROOT, 'web', file), join(outdir, file));
  const files = {};
  for (const file of ['index.html', 'style.css', 'app.js', LIBRARY_FILE]) files[file] = (await stat(join(outdir, file))).size;
  if (!options.quiet) {
    const sizes = Object.entries(files).map(([file, size]) => `  ${file.padEnd(14)} ${(size / 1024).toFixed(1).padStart(7)} KiB`);
    console.log(`built ${relative(process.cwd(), outdir) || '.'}/\n${sizes.join('\n')}`);
  }
  return { outdir, files };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWeb({ outdir: process.argv[2] }).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
