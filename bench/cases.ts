/** The list of every benchmark case, in the order they run and print. */
import { codecChunkCases, decodeCases, GO_SNAPPY, nodeZlibChunkCases, OURS_ZSTD_VIA_FZSTD, queryCases } from './cases-chunk.js';
import { checksumCases, codecCases } from './cases-codec.js';
import { processCases } from './cases-process.js';
import { varintCases } from './cases-varint.js';
import type { BenchCase } from './harness.js';

/** Every case (cheap to build: inputs are loaded by each case's setup). */
export function allCases(): BenchCase[] {
  return [
    ...varintCases(),
    ...checksumCases(),
    ...codecCases(),
    ...codecChunkCases(),
    ...decodeCases(OURS_ZSTD_VIA_FZSTD, false),
    ...nodeZlibChunkCases(),
    ...decodeCases(GO_SNAPPY),
    ...queryCases(),
    ...processCases(),
  ];
}
