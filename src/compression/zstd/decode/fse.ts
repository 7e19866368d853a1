/**
 * FSE (tANS) tables for decoding: the normalized-count description (RFC 8878 section 4.1.1) and the
 * decoding table built from it (section 4.1.1, "From normalized distribution to decoding tables").
 */
import { LokiChunkError } from '../../../errors.js';
import { highBit } from '../tables.js';

/** Largest accuracy log any zstd FSE table may use (literal and match lengths: 9). */
export const MAX_ACCURACY_LOG = 9;
const MAX_TABLE_SIZE = 1 << MAX_ACCURACY_LOG;

/**
 * An FSE decoding table: for each state, the symbol it decodes and how to reach the next state
 * (`baseline + next nbBits bits`). `value` and `extraBits` hold what the symbol means for sequences
 * (baseline and extra-bit count of a literal length, match length or offset code). Sized for the largest
 * table and reused.
 */
export class FseTable {
  accuracyLog = 0;
  readonly symbol = new Uint8Array(MAX_TABLE_SIZE);
  readonly nbBits = new Uint8Array(MAX_TABLE_SIZE);
  readonly baseline = new Uint16Array(MAX_TABLE_SIZE);
  readonly value = new Uint32Array(MAX_TABLE_SIZE);
  readonly extraBits = new Uint8Array(MAX_TABLE_SIZE);
  /** Per state, packed for the sequence loop: `extraBits | nbBits << 8 | baseline << 16`. */
  readonly packed = new Uint32Array(MAX_TABLE_SIZE);
}

/** Normalized counts as read from a stream: `counts[0, symbolCount)`, -1 meaning "less than 1". */
export interface NormalizedCounts {
  readonly counts: Int16Array;
  symbolCount: number;
  accuracyLog: number;
}

/** A reusable holder for {@link readNormalizedCounts}' result. */
export function newNormalizedCounts(): NormalizedCounts {
  return { counts: new Int16Array(256), symbolCount: 0, accuracyLog: 0 };
}

function corrupt(message: string, offset: number): LokiChunkError {
  return new LokiChunkError('CORRUPT_STREAM', `zstd ${message}`, { offset });
}

/** Reads `count` bits (<= 16) at forward bit position `bitPosition` of `source[start, end)`; bits past `end` are zero. */
function forwardBits(source: Uint8Array, end: number, bitPosition: number, count: number): number {
  const at = bitPosition >>> 3;
  let word = 0;
  for (let i = 0; i < 3; i++) {
    if (at + i < end) word |= source[at + i]! << (8 * i);
  }
  return (word >>> (bitPosition & 7)) & ((1 << count) - 1);
}

/**
 * Reads an FSE table description at `source[start, end)` into `into`, allowing symbols up to `maxSymbol` and
 * accuracy logs up to `maxAccuracyLog`. Returns the offset just after the description.
 * @throws {LokiChunkError} `CORRUPT_STREAM` for a malformed or truncated description.
 */
export function readNormalizedCounts(
  source: Uint8Array,
  start: number,
  end: number,
  maxSymbol: number,
  maxAccuracyLog: number,
  into: NormalizedCounts,
): number {
  if (start >= end) throw corrupt('FSE table description is missing', start);
  const accuracyLog = (source[start]! & 15) + 5;
  if (accuracyLog > maxAccuracyLog) {
    throw corrupt(`FSE accuracy log ${accuracyLog} exceeds ${maxAccuracyLog}`, start);
  }
  const counts = into.counts;
  const endBits = end * 8;
  let bitPosition = start * 8 + 4;
  let remaining = (1 << accuracyLog) + 1;
  let threshold = 1 << accuracyLog;
  let fieldBits = accuracyLog + 1;
  let symbol = 0;
  let previousWasZero = false;
  while (remaining > 1) {
    if (previousWasZero) {
      // Runs of zero probabilities: 2-bit repeat counts, 3 meaning "3 more, and another count follows".
      for (;;) {
        if (bitPosition + 2 > endBits) throw corrupt('FSE table description is truncated', start);
        const repeat = forwardBits(source, end, bitPosition, 2);
        bitPosition += 2;
        for (let i = 0; i < repeat; i++) {
          if (symbol > maxSymbol) throw corrupt('FSE table describes too many symbols', start);
          counts[symbol++] = 0;
        }
        if (repeat !== 3) break;
      }
    }
    if (symbol > maxSymbol) throw corrupt('FSE table describes too many symbols', start);
    const largest = 2 * threshold - 1 - remaining;
    const field = forwardBits(source, end, bitPosition, fieldBits);
    let value: number;
    if ((field & (threshold - 1)) < largest) {
      value = field & (threshold - 1);
      bitPosition += fieldBits - 1;
    } else {
      value = field;
      if (value >= threshold) value -= largest;
      bitPosition += fieldBits;
    }
    if (bitPosition > endBits) throw corrupt('FSE table description is truncated', start);
    const count = value - 1;
    remaining -= count < 0 ? -count : count;
    counts[symbol++] = count;
    previousWasZero = count === 0;
    while (remaining < threshold) {
      fieldBits--;
      threshold >>= 1;
    }
  }
  if (remaining !== 1) throw corrupt('FSE table probabilities do not add up', start);
  into.symbolCount = symbol;
  into.accuracyLog = accuracyLog;
  return (bitPosition + 7) >>> 3;
}

const scratchNextState = /*#__PURE__*/ new Uint16Array(256);

/**
 * Builds the decoding table for `normalized` into `table` (symbol, nbBits and baseline of every state).
 * @throws {LokiChunkError} `CORRUPT_STREAM` when the distribution cannot fill the table (reported at `offset`).
 */
export function buildFseTable(normalized: NormalizedCounts, table: FseTable, offset: number): void {
  const { counts, symbolCount, accuracyLog } = normalized;
  const tableSize = 1 << accuracyLog;
  const mask = tableSize - 1;
  const symbols = table.symbol;
  let highThreshold = tableSize - 1;
  // "Less than 1" symbols take one state each, from the top of the table down.
  for (let symbol = 0; symbol < symbolCount; symbol++) {
    const count = counts[symbol]!;
    if (count === -1) {
      symbols[highThreshold--] = symbol;
      scratchNextState[symbol] = 1;
    } else {
      scratchNextState[symbol] = count;
    }
  }
  const step = (tableSize >>> 1) + (tableSize >>> 3) + 3;
  let position = 0;
  for (let symbol = 0; symbol < symbolCount; symbol++) {
    const count = counts[symbol]!;
    for (let i = 0; i < count; i++) {
      symbols[position] = symbol;
      do position = (position + step) & mask;
      while (position > highThreshold);
    }
  }
  if (position !== 0) throw corrupt('FSE distribution does not fill its table', offset);
  const nbBits = table.nbBits;
  const baseline = table.baseline;
  for (let state = 0; state < tableSize; state++) {
    const next = scratchNextState[symbols[state]!]!++;
    const bits = accuracyLog - highBit(next);
    nbBits[state] = bits;
    baseline[state] = (next << bits) - tableSize;
  }
  table.accuracyLog = accuracyLog;
}

/** Makes `table` the one-state table of RLE mode: every state decodes `symbol` and reads no bits. */
export function buildRleTable(symbol: number, table: FseTable): void {
  table.accuracyLog = 0;
  table.symbol[0] = symbol;
  table.nbBits[0] = 0;
  table.baseline[0] = 0;
}

/** Makes `into` a copy of `table` (every per-state array, up to its size). */
export function copyFseTable(table: FseTable, into: FseTable): void {
  const size = 1 << table.accuracyLog;
  into.accuracyLog = table.accuracyLog;
  into.symbol.set(table.symbol.subarray(0, size));
  into.nbBits.set(table.nbBits.subarray(0, size));
  into.baseline.set(table.baseline.subarray(0, size));
  into.value.set(table.value.subarray(0, size));
  into.extraBits.set(table.extraBits.subarray(0, size));
  into.packed.set(table.packed.subarray(0, size));
}
