/**
 * Whole-process cases: `chunkdump --json` over the Go-written benchmark chunks, as a user runs it (Node start-up,
 * reading files, decoding, formatting and writing JSON to /dev/null).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { goSnappyChunkPaths, loadEntries, REPO_ROOT } from './data.js';
import type { BenchCase } from './harness.js';

/** The CLI as `npm run bench` bundles it from `src/cli/chunkdump.ts` (never a stale `dist/`). */
export const CHUNKDUMP_BUNDLE = join(REPO_ROOT, '.bench-work', 'chunkdump.mjs');

/** Extra arguments that make chunkdump print every entry (kept in one place: the CLI owns its flags). */
const CHUNKDUMP_ARGS = ['--json'];

function runChunkdump(files: readonly string[], stdout: number | 'pipe'): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, [CHUNKDUMP_BUNDLE, ...CHUNKDUMP_ARGS, ...files], {
    stdio: ['ignore', stdout, 'pipe'],
    maxBuffer: 1 << 30,
  });
}

/** `chunkdump --json` over every Go-written benchmark chunk. */
export function processCases(): BenchCase[] {
  if (!existsSync(join(REPO_ROOT, 'src', 'cli', 'chunkdump.ts'))) return [];
  let files: string[] = [];
  let devNull = -1;
  return [
    {
      name: 'process/chunkdump-json/snappy-go',
      work: () => ({ bytes: loadEntries().lineBytes, items: loadEntries().entries.length }),
      runs: 5,
      callsPerRun: 1,
      setup: () => {
        files = goSnappyChunkPaths();
        const check = runChunkdump(files, 'pipe');
        if (check.status !== 0) throw new Error(`chunkdump failed (${check.status}): ${String(check.stderr).slice(0, 300)}`);
        const output = String(check.stdout);
        const lines = (output.match(/"line(Base64)?":/g) ?? []).length;
        if (lines < loadEntries().entries.length) {
          throw new Error(`chunkdump ${CHUNKDUMP_ARGS.join(' ')} printed ${lines} lines, expected ${loadEntries().entries.length}`);
        }
        if (devNull < 0) devNull = openSync('/dev/null', 'w');
        return { files: files.length, outputMiB: +(output.length / 2 ** 20).toFixed(1) };
      },
      run: () => {
        const result = runChunkdump(files, devNull);
        if (result.status !== 0) throw new Error(`chunkdump failed (${result.status})`);
        return result.status;
      },
    },
  ];
}

