/**
 * Replays every failing input the fuzzer ever saved (fixtures/fuzz/*.bin with its .json sidecar) the way the fuzz
 * worker runs it: the oracle, plus the allocation guard and its rule (no buffer larger than the decompression
 * needed). Each must now pass. `npm run fuzz -- --replay fixtures/fuzz/<name>.json` replays one with the deadline.
 */
import { describe, expect, it } from 'vitest';
import { installAllocationGuard } from '../../fuzz/alloc-guard.js';
import { loadFailures } from '../../fuzz/artifacts.js';

installAllocationGuard();
// Imported after the guard so that codec libraries capture the guarded constructors.
const { runGuarded } = await import('../../fuzz/execute.js');

const failures = loadFailures();

describe('fuzz regressions', () => {
  it('has saved inputs, each with the seed and iteration that found it', () => {
    expect(failures.length).toBeGreaterThan(0);
    for (const { saved } of failures) {
      expect(saved.seed).toBeTruthy();
      expect(saved.iteration).toBeGreaterThanOrEqual(0);
    }
  });

  it.each(failures.map((failure) => [failure.name, failure] as const))('%s', async (_name, { input }) => {
    const result = await runGuarded(input);
    expect(result.ok ? 'passes' : `${result.kind}: ${result.message}`).toBe('passes');
  });
});
