/**
 * Runs one fuzz input through its target under the allocation guard and judges the result: a Violation from the
 * oracle, an allocation above the input's ceiling, or one larger than the decompression needed. Shared by the fuzz
 * worker and the regression test. Install the guard (`alloc-guard.ts`) before importing this module.
 */
import { allocationGuard, resetAllocationGuard } from './alloc-guard.js';
import { DEFAULT_LIMITS } from '../src/chunk/limits.js';
import { Violation, TIGHT_LIMITS, outputRecord, resetOutputRecord } from './oracle.js';
import { targetNamed, type FuzzInput } from './targets.js';

/** What running one input gave. */
export type RunResult = { ok: true; outcomes: string[]; ms: number } | { ok: false; kind: string; message: string; ms: number };

/** Targets whose decompression all goes through the oracle's checking codecs (so their output is recorded). */
const OUTPUT_CHECKED_TARGETS = new Set(['chunk', 'wrapped', 'checkpoint', 'codec', 'openChunk']);

/** Largest single allocation an input may cause: its limits' output size plus a multiple of its own size. */
export function allocationCeiling(input: FuzzInput): number {
  const maxOutput =
    input.target === 'codec'
      ? input.options.roundTrip
        ? input.data.length
        : Number(input.options.maxOutputSize)
      : input.options.tightLimits
        ? TIGHT_LIMITS.maxDecompressedBlockSize
        : DEFAULT_LIMITS.maxDecompressedBlockSize;
  const inputSize = input.data.length + (input.aux?.length ?? 0);
  return Math.max(16 * 1024 * 1024, 2 * maxOutput + 16 * inputSize);
}

const frames = (stack: string) => stack.split('\n').slice(2, 8).join('\n');

/** Runs `input` and judges it (the deadline is the caller's). */
export async function runGuarded(input: FuzzInput): Promise<RunResult> {
  const started = performance.now();
  resetAllocationGuard(allocationCeiling(input));
  resetOutputRecord();
  let result: RunResult;
  try {
    const outcomes = await targetNamed(input.target).execute(input);
    result = { ok: true, outcomes, ms: 0 };
  } catch (error) {
    if (error instanceof Violation) result = { ok: false, kind: error.kind, message: error.message, ms: 0 };
    else result = { ok: false, kind: 'foreign-error', message: `the oracle itself threw: ${error instanceof Error ? error.stack : String(error)}`, ms: 0 };
  }
  const exceeded = allocationGuard.exceeded;
  const largest = allocationGuard.largest;
  resetAllocationGuard(Number.POSITIVE_INFINITY);
  if (exceeded) {
    result = { ok: false, kind: 'limit', message: `allocation of ${exceeded.bytes} bytes (${exceeded.type}) above the ceiling for this input\n${frames(exceeded.stack)}`, ms: 0 };
  } else if (result.ok && OUTPUT_CHECKED_TARGETS.has(input.target)) {
    // What the codec calls justify (see recordOutput), or 16x the input for the reader's own structures.
    const justified = Math.max(outputRecord.justified, 16 * (input.data.length + (input.aux?.length ?? 0))) + 1024 * 1024;
    if (largest.bytes > justified) {
      result = {
        ok: false,
        kind: 'limit',
        message: `allocation of ${largest.bytes} bytes (${largest.type}) although the largest output was ${outputRecord.largest} bytes\n${frames(largest.stack)}`,
        ms: 0,
      };
    }
  }
  result.ms = performance.now() - started;
  return result;
}
