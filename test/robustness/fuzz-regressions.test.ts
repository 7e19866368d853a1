/**
 * Replays every failing input the fuzzer ever saved (fixtures/fuzz/*.bin with its .json sidecar): each must now
 * pass the oracle that once caught it. `npm run fuzz -- --replay fixtures/fuzz/<name>.json` replays one with the
 * fuzzer's deadline and allocation guard.
 */
import { describe, expect, it } from 'vitest';
import { loadFailures } from '../../fuzz/artifacts.js';
import { targetNamed } from '../../fuzz/targets.js';

const failures = loadFailures();

describe('fuzz regressions', () => {
  it('has saved inputs, each with its seed', () => {
    expect(failures.length).toBeGreaterThan(0);
    for (const { saved } of failures) expect(saved.seed).toBeTruthy();
  });

  it.each(failures.map((failure) => [failure.name, failure] as const))('%s', async (_name, { input }) => {
    const outcomes = await targetNamed(input.target).execute(input);
    expect(outcomes.length).toBeGreaterThan(0);
  });
});
