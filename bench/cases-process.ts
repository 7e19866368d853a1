/**
 * Whole-process cases: `chunkdump --json` over the Go-written benchmark chunks, as a user runs it (Node start-up,
 * reading the files, decoding every block, formatting and writing NDJSON to /dev/null), with and without
 * `--lines` (every entry printed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { goSnappyChunkPaths, loadEntries, REPO_ROOT } from './data.js';
import type { BenchCase } from './harness.js';

/** The CLI as `npm run bench` bundles it from `src/cli/chunkdump.ts` (never a stale `dist/`). */
export const CHUNKDUMP_BUNDLE = join(REPO_ROOT, '.bench-work', 'chunkdump.mjs');

function runChunkdump(args: readonly string[], files: readonly string[], stdout: number | 'pipe') {
  return spawnSync(process.execPath, [CHUNKDUMP_BUNDLE, ...args, ...files], {
    stdio: ['ignore', stdout, 'pipe'],
    maxBuffer: 1 << 30,
  });
}

let devNull = -1;

/** One chunkdump invocation over every Go-written chunk; `entriesPrinted` says whether each entry must appear. */
function chunkdumpCase(name: string, args: readonly string[], entriesPrinted: boolean): BenchCase {
  let files: string[] = [];
  return {
    name,
    work: () => ({ bytes: loadEntries().lineBytes, items: loadEntries().entries.length }),
    runs: 5,
    callsPerRun: 1,
    setup: () => {
      files = goSnappyChunkPaths();
      const check = runChunkdump(args, files, 'pipe');
      if (check.status !== 0) throw new Error(`chunkdump failed (${check.status}): ${String(check.stderr).slice(0, 300)}`);
      const output = String(check.stdout);
      const documents = output.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { ok?: boolean });
      if (documents.length !== files.length || documents.some((document) => document.ok !== true)) {
        throw new Error(`chunkdump ${args.join(' ')} did not report every chunk as ok`);
      }
      const expected = loadEntries().entries.length;
      const printed = output.split('{"ts":"').length - 1;
      if (entriesPrinted && printed !== expected) throw new Error(`chunkdump printed ${printed} entries, expected ${expected}`);
      if (devNull < 0) devNull = openSync('/dev/null', 'w');
      return { files: files.length, outputMiB: +(output.length / 2 ** 20).toFixed(1) };
    },
    run: () => {
      const result = runChunkdump(args, files, devNull);
      if (result.status !== 0) throw new Error(`chunkdump failed (${result.status})`);
      return result.status;
    },
  };
}

/** `chunkdump --json` (every block decoded and checked) and `chunkdump --json --lines` over the Go chunks. */
export function processCases(): BenchCase[] {
  if (!existsSync(join(REPO_ROOT, 'src', 'cli', 'chunkdump.ts'))) return [];
  return [
    chunkdumpCase('process/chunkdump-json/snappy-go', ['--json'], false),
    chunkdumpCase('process/chunkdump-json-lines/snappy-go', ['--json', '--lines'], true),
  ];
}
