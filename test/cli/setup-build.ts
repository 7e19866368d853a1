/**
 * Builds the chunkdump CLI for the process tests: the same bundle as the package's tsup entry (ESM, Node, shebang)
 * from the current sources, into a private temporary folder under node_modules/.cache. Building there (not into
 * dist/) means a test run never races with another build cleaning dist/, and never tests a stale dist/.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'tsup';

export const ROOT = join(__dirname, '..', '..');

/** A built CLI: its path, and a remover for its folder. */
export interface BuiltCli {
  path: string;
  dir: string;
  remove(): void;
}

/** Bundles `src/cli/<name>.ts` into a fresh temporary folder and returns the script's path. */
export async function buildCli(name: string): Promise<BuiltCli> {
  // Inside the project, so the dependencies tsup leaves external resolve from node_modules as they do for dist/.
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, `${name}-test-`));
  // The folder is outside the package, so say that .js files here are ES modules.
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  await build({
    config: false,
    entry: { [name]: join(ROOT, 'src', 'cli', `${name}.ts`) },
    outDir: dir,
    format: ['esm'],
    platform: 'node',
    target: 'node18',
    banner: { js: '#!/usr/bin/env node' },
    dts: false,
    sourcemap: false,
    clean: false,
    silent: true,
  });
  return { path: join(dir, `${name}.js`), dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What a finished process did. */
export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a built CLI with `args` (and optional standard input) in the project root, without colours forced. */
export function run(cli: BuiltCli, args: string[], options: { input?: Uint8Array; env?: Record<string, string> } = {}): RunResult {
  const result: SpawnSyncReturns<string> = spawnSync(process.execPath, [cli.path, ...args], {
    cwd: ROOT,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...options.env },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
