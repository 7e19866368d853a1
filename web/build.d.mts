/** Types of web/build.mjs (for the browser tests, which import it). */
import type { Plugin } from 'esbuild';
export declare const LIBRARY_FILE: string;
/** esbuild plugin mapping imports of `src/index.js` to the sibling `./loki-chunk.js` bundle. */
export declare const libraryAsSibling: Plugin;
export interface BuildWebOptions {
  /** Output folder (default `web-dist/`), emptied first. */
  outdir?: string;
  /** Minify the bundles (default `true`). */
  minify?: boolean;
  /** Print nothing. */
  quiet?: boolean;
}
/** Builds the inspector page into one static folder. */
export declare function buildWeb(options?: BuildWebOptions): Promise<{ outdir: string; files: Record<string, number> }>;
