/**
 * Failing inputs on disk: `fixtures/fuzz/<name>.bin` (the minimised bytes) and `<name>.json` (target, options,
 * the seed and iteration that found it, what broke), so a regression test can replay every one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './corpus.js';
import type { FuzzInput } from './targets.js';

/** Where failing inputs are saved. */
export const FUZZ_FIXTURES_DIR = join(REPO_ROOT, 'fixtures', 'fuzz');

/** The sidecar of a saved input. */
export interface SavedFailure {
  target: string;
  options: FuzzInput['options'];
  /** Base64 of the second input, when the target takes two. */
  aux?: string;
  seed: string;
  iteration: number;
  mutation?: string;
  violation: { kind: string; message: string };
  originalSize: number;
  minimisedSize: number;
  foundAt: string;
}

/** Saves a failing input; returns its file stem. */
export function saveFailure(input: FuzzInput, meta: Omit<SavedFailure, 'target' | 'options' | 'aux' | 'mutation' | 'minimisedSize' | 'foundAt'>, dir = FUZZ_FIXTURES_DIR): string {
  mkdirSync(dir, { recursive: true });
  const hash = createHash('sha256').update(input.data).update(input.aux ?? new Uint8Array(0)).digest('hex').slice(0, 12);
  const stem = `${input.target}-${meta.violation.kind}-${hash}`;
  const sidecar: SavedFailure = {
    target: input.target,
    options: input.options,
    ...(input.aux ? { aux: Buffer.from(input.aux).toString('base64') } : {}),
    seed: meta.seed,
    iteration: meta.iteration,
    ...(input.mutation ? { mutation: input.mutation } : {}),
    violation: meta.violation,
    originalSize: meta.originalSize,
    minimisedSize: input.data.length,
    foundAt: new Date().toISOString(),
  };
  writeFileSync(join(dir, `${stem}.bin`), input.data);
  writeFileSync(join(dir, `${stem}.json`), `${JSON.stringify(sidecar, null, 2)}\n`);
  return stem;
}

/** Every saved input, with its sidecar. */
export function loadFailures(dir = FUZZ_FIXTURES_DIR): Array<{ name: string; input: FuzzInput; saved: SavedFailure }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => loadFailure(join(dir, name)));
}

/** One saved input from its `.json` sidecar path. */
export function loadFailure(jsonPath: string): { name: string; input: FuzzInput; saved: SavedFailure } {
  const saved = JSON.parse(readFileSync(jsonPath, 'utf8')) as SavedFailure;
  const data = new Uint8Array(readFileSync(jsonPath.replace(/\.json$/, '.bin')));
  const input: FuzzInput = { target: saved.target, data, options: saved.options };
  if (saved.aux) input.aux = new Uint8Array(Buffer.from(saved.aux, 'base64'));
  return { name: jsonPath.split('/').pop()!.replace(/\.json$/, ''), input, saved };
}
