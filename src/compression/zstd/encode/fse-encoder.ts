/**
 * FSE (tANS) on the encoding side: normalizing a histogram to a power-of-two total, writing the table
 * description the decoder reads (`readNormalizedCounts`), building the encoding table, and estimating costs
 * to choose between table modes.
 */
import { highBit } from '../tables.js';
import { BitWriter } from './bit-writer.js';

/** Bits of precision of the cost estimates (costs are in 1/256 bit). */
const COST_SCALE = 256;

/** `COST_SCALE * log2(i)` for i up to 4096, to estimate symbol costs without Math.log2 in loops. */
const LOG2_SCALED = /*#__PURE__*/ (() => {
  const table = new Uint32Array(4097);
  for (let i = 1; i <= 4096; i++) table[i] = Math.round(Math.log2(i) * COST_SCALE);
  return table;
})();

/**
 * Normalizes `counts[0, symbolCount)` (summing to `total` > 0) to `1 << accuracyLog` into `normalized`:
 * every present symbol gets at least 1 (or -1, "less than 1", for very rare ones), rounding errors go to
 * the symbols that lose least. `maxShare` caps any single count (callers use half the table so that every
 * state reads at least one bit). Returns false when no such distribution exists (the caller then uses
 * another mode).
 */
export function normalizeCounts(
  counts: Uint32Array,
  symbolCount: number,
  total: number,
  accuracyLog: number,
  normalized: Int16Array,
  maxShare = 1 << accuracyLog,
): boolean {
  const tableSize = 1 << accuracyLog;
  const scale = tableSize / total;
  let distributed = 0;
  for (let symbol = 0; symbol < symbolCount; symbol++) {
    const count = counts[symbol]!;
    if (count === 0) {
      normalized[symbol] = 0;
      continue;
    }
    const share = count * scale;
    if (share < 0.5 && count * 2 < total) {
      normalized[symbol] = -1;
      distributed += 1;
    } else {
      const rounded = Math.min(maxShare, Math.max(1, Math.round(share)));
      normalized[symbol] = rounded;
      distributed += rounded;
    }
  }
  // Fix the rounding one step at a time, on the symbol where the change costs least (or gains most) bits.
  while (distributed !== tableSize) {
    const grow = distributed < tableSize;
    let best = -1;
    let bestCost = Infinity;
    for (let symbol = 0; symbol < symbolCount; symbol++) {
      const current = normalized[symbol]!;
      if (current <= 0 || (grow ? current >= maxShare : current <= 1)) continue;
      const count = counts[symbol]!;
      // Bits this symbol's occurrences cost more (or, negative, less) after the change.
      const cost = grow ? -count * Math.log2((current + 1) / current) : count * Math.log2(current / (current - 1));
      if (cost < bestCost) {
        bestCost = cost;
        best = symbol;
      }
    }
    if (best < 0) {
      // Only "less than 1" symbols are left to grow: give one two slots.
      best = grow ? normalized.indexOf(-1) : -1;
      if (best < 0 || best >= symbolCount) return false;
      normalized[best] = 2;
      distributed += 1;
      continue;
    }
    normalized[best] = normalized[best]! + (grow ? 1 : -1);
    distributed += grow ? 1 : -1;
  }
  return true;
}

/** The smallest accuracy log that gives every present symbol a slot, and the best one for `total` samples. */
export function chooseAccuracyLog(total: number, symbolCount: number, maxLog: number): number {
  // As zstd does: no more states than about a quarter of the samples, no fewer than the alphabet needs.
  const minBySamples = highBit(Math.max(1, total - 1)) + 1;
  const minBySymbols = highBit(Math.max(1, symbolCount - 1)) + 2;
  let log = Math.min(maxLog, Math.max(5, highBit(Math.max(1, total - 1)) - 2));
  log = Math.max(log, Math.min(minBySamples, minBySymbols));
  return Math.max(5, Math.min(maxLog, log));
}

/**
 * Writes the table description of `normalized[0, symbolCount)` at `accuracyLog` (RFC 8878 section 4.1.1)
 * at `writer`, ending on a byte boundary.
 */
export function writeNormalizedCounts(
  writer: BitWriter,
  normalized: Int16Array,
  symbolCount: number,
  accuracyLog: number,
): void {
  const tableSize = 1 << accuracyLog;
  writer.add(accuracyLog - 5, 4);
  let remaining = tableSize + 1;
  let threshold = tableSize;
  let fieldBits = accuracyLog + 1;
  let symbol = 0;
  let previousWasZero = false;
  while (symbol < symbolCount && remaining > 1) {
    if (previousWasZero) {
      let start = symbol;
      while (symbol < symbolCount && normalized[symbol] === 0) symbol++;
      while (symbol >= start + 24) {
        start += 24;
        writer.add(0xffff, 16);
      }
      while (symbol >= start + 3) {
        start += 3;
        writer.add(3, 2);
      }
      writer.add(symbol - start, 2);
    }
    let count = normalized[symbol++]!;
    const largest = 2 * threshold - 1 - remaining;
    remaining -= count < 0 ? -count : count;
    count++;
    if (count >= threshold) count += largest;
    writer.add(count, count < largest ? fieldBits - 1 : fieldBits);
    previousWasZero = count === 1;
    while (remaining < threshold) {
      fieldBits--;
      threshold >>= 1;
    }
  }
  writer.flush();
}

/** An FSE encoding table (the mirror of `FseTable`), sized for the largest table and reused. */
export class FseEncoder {
  accuracyLog = 0;
  /** Next-state values (`tableSize + decoder state`), grouped by symbol. */
  readonly stateTable = new Uint16Array(512);
  /** Per symbol: `(maxBitsOut << 16) - minStatePlus`, from which the bits to output are derived. */
  readonly deltaNbBits = new Int32Array(256);
  /** Per symbol: offset of its group in `stateTable`, minus its count. */
  readonly deltaFindState = new Int32Array(256);
  /** Per symbol: its normalized count, 0 when it cannot be coded. */
  readonly normalized = new Int16Array(256);
  symbolCount = 0;
}

const spread = /*#__PURE__*/ new Uint8Array(512);
const cumulative = /*#__PURE__*/ new Uint32Array(257);

/** Builds `encoder` from `normalized[0, symbolCount)` at `accuracyLog`. */
export function buildFseEncoder(
  normalized: Int16Array,
  symbolCount: number,
  accuracyLog: number,
  encoder: FseEncoder,
): void {
  const tableSize = 1 << accuracyLog;
  const mask = tableSize - 1;
  let highThreshold = tableSize - 1;
  cumulative[0] = 0;
  for (let symbol = 0; symbol < symbolCount; symbol++) {
    const count = normalized[symbol]!;
    encoder.normalized[symbol] = count;
    if (count === -1) {
      cumulative[symbol + 1] = cumulative[symbol]! + 1;
      spread[highThreshold--] = symbol;
    } else {
      cumulative[symbol + 1] = cumulative[symbol]! + count;
    }
  }
  encoder.normalized.fill(0, symbolCount);
  // Spread symbols exactly as the decoder does.
  const step = (tableSize >>> 1) + (tableSize >>> 3) + 3;
  let position = 0;
  for (let symbol = 0; symbol < symbolCount; symbol++) {
    const count = normalized[symbol]!;
    for (let i = 0; i < count; i++) {
      spread[position] = symbol;
      do position = (position + step) & mask;
      while (position > highThreshold);
    }
  }
  for (let state = 0; state < tableSize; state++) {
    const symbol = spread[state]!;
    encoder.stateTable[cumulative[symbol]!++] = tableSize + state;
  }
  let total = 0;
  for (let symbol = 0; symbol < symbolCount; symbol++) {
    const count = normalized[symbol]!;
    if (count === 0) {
      encoder.deltaNbBits[symbol] = ((accuracyLog + 1) << 16) - tableSize;
    } else if (count === -1 || count === 1) {
      encoder.deltaNbBits[symbol] = (accuracyLog << 16) - tableSize;
      encoder.deltaFindState[symbol] = total - 1;
      total += 1;
    } else {
      const maxBitsOut = accuracyLog - highBit(count - 1);
      encoder.deltaNbBits[symbol] = (maxBitsOut << 16) - (count << maxBitsOut);
      encoder.deltaFindState[symbol] = total - count;
      total += count;
    }
  }
  encoder.accuracyLog = accuracyLog;
  encoder.symbolCount = symbolCount;
}

/**
 * Makes `encoder` the stand-in for RLE mode: every symbol is coded with zero bits from state 0, so the
 * sequence loop needs no special case.
 */
export function buildRleEncoder(encoder: FseEncoder): void {
  encoder.accuracyLog = 0;
  encoder.stateTable[0] = 0;
  encoder.deltaNbBits.fill(0);
  encoder.deltaFindState.fill(0);
  encoder.normalized.fill(0);
  encoder.symbolCount = 0;
}

/** The first state when the first symbol encoded (the last decoded) is `symbol`. */
export function initialState(encoder: FseEncoder, symbol: number): number {
  const deltaNbBits = encoder.deltaNbBits[symbol]!;
  const nbBitsOut = (deltaNbBits + (1 << 15)) >> 16;
  const value = (nbBitsOut << 16) - deltaNbBits;
  return encoder.stateTable[(value >> nbBitsOut) + encoder.deltaFindState[symbol]!]!;
}

/** Encodes `symbol` from `state`: writes the state's low bits and returns the next state. */
export function encodeSymbol(encoder: FseEncoder, writer: BitWriter, state: number, symbol: number): number {
  const nbBitsOut = (state + encoder.deltaNbBits[symbol]!) >> 16;
  writer.add(state & ((1 << nbBitsOut) - 1), nbBitsOut);
  return encoder.stateTable[(state >> nbBitsOut) + encoder.deltaFindState[symbol]!]!;
}

/** Writes the final state, which the decoder reads first. */
export function flushState(encoder: FseEncoder, writer: BitWriter, state: number): void {
  writer.add(state & ((1 << encoder.accuracyLog) - 1), encoder.accuracyLog);
}

/**
 * Estimated cost in 1/256 bits of coding the histogram `counts[0, symbolCount)` with the distribution
 * `normalized` at `accuracyLog`, or Infinity when a present symbol has no probability.
 */
export function distributionCost(
  counts: Uint32Array,
  symbolCount: number,
  normalized: Int16Array,
  normalizedCount: number,
  accuracyLog: number,
): number {
  const full = accuracyLog * COST_SCALE;
  let cost = 0;
  for (let symbol = 0; symbol < symbolCount; symbol++) {
    const count = counts[symbol]!;
    if (count === 0) continue;
    if (symbol >= normalizedCount) return Infinity;
    const probability = normalized[symbol]!;
    if (probability === 0) return Infinity;
    cost += count * (probability === -1 ? full : full - LOG2_SCALED[probability]!);
  }
  return cost;
}

/** Converts a cost from {@link distributionCost} to bytes. */
export function costInBytes(cost: number): number {
  return cost / (8 * COST_SCALE);
}
