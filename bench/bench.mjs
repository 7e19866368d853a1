#!/usr/bin/env node
/**
 * `npm run bench`: bundles the benchmark TypeScript (and the library sources it imports, so a stale `dist/`
 * can never be measured) with esbuild into `.bench-work/`, then runs it in a fresh Node process with
 * `--expose-gc` (the harness collects garbage between runs). Arguments are passed through; Node flags such as
 * `--cpu-prof` given before the other arguments go to that Node process (profiles land in
 * `.bench-work/profiles/`; summarise them with `node bench/profile-summary.mjs`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, '.bench-work');
mkdirSync(work, { recursive: true });

const bundle = (entry, outfile) =>
  buildSync({
    entryPoints: [join(root, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node18',
    outfile: join(work, outfile),
    sourcemap: 'linked',
    // Keep the packages we compare against as they are published.
    packages: 'external',
    logLevel: 'warning',
  });

bundle('bench/run.ts', 'run.mjs');
// The whole-process case runs the CLI from source too (bench/cases-process.ts).
if (existsSync(join(root, 'src/cli/chunkdump.ts'))) bundle('src/cli/chunkdump.ts', 'chunkdump.mjs');

const args = process.argv.slice(2);
const nodeFlags = [];
// (Whole flag names: the benchmark's own --profile must not pass for Node's --prof.)
const isNodeFlag = (arg) => /^--(?:cpu-prof|heap-prof|prof)(?:-[a-z-]+)?(?:=.*)?$|^--max-old-space-size=|^--trace-/.test(arg);
while (args.length > 0 && isNodeFlag(args[0])) nodeFlags.push(args.shift());
// A Node profiler flag profiles the one process it is given to: run every case there, not in child processes.
if (nodeFlags.some((flag) => flag.includes('prof')) && !args.includes('--in-process')) args.push('--in-process');
// Profiles go where bench/profile-summary.mjs looks for them.
if (nodeFlags.includes('--cpu-prof') && !nodeFlags.some((flag) => flag.startsWith('--cpu-prof-dir'))) {
  nodeFlags.push(`--cpu-prof-dir=${join(work, 'profiles')}`);
}
const child = spawnSync(process.execPath, ['--expose-gc', ...nodeFlags, join(work, 'run.mjs'), ...args], {
  stdio: 'inherit',
  cwd: root,
});
process.exitCode = child.status ?? 1;
