/**
 * Huffman codes for the DEFLATE compressor: length-limited code lengths from symbol frequencies, and the
 * canonical codes (RFC 1951 3.2.2) bit-reversed for an LSB-first bit writer.
 */

import { minimumRedundancyLengths } from '../huffman-lengths.js';

/** Scratch for the sort and the in-place code length computation (the largest alphabet has 286 symbols). */
const sortKeys = /*#__PURE__*/ new Int32Array(288);
const work = /*#__PURE__*/ new Int32Array(288);
const lengthCounts = /*#__PURE__*/ new Int32Array(33);
const nextCode = /*#__PURE__*/ new Int32Array(17);

/** Frequencies fit 22 bits (a block holds far fewer symbols), symbols 9 bits: one sortable int per symbol. */
const SYMBOL_BITS = 9;

/**
 * Fills `lengths[0, count)` with optimal code lengths of at most `maxBits` for `freqs[0, count)`; unused
 * symbols get 0. At least two symbols always get a code (a lone symbol is paired with a dummy one), so every
 * code is complete, which every inflater accepts.
 */
export function buildCodeLengths(freqs: Int32Array, count: number, maxBits: number, lengths: Uint8Array): void {
  lengths.fill(0, 0, count);
  let used = 0;
  for (let symbol = 0; symbol < count; symbol++) {
    if (freqs[symbol]! > 0) sortKeys[used++] = (freqs[symbol]! << SYMBOL_BITS) | symbol;
  }
  if (used < 2) {
    // One or no symbol: two codes of length 1 (the used one, and symbol 0 or 1 as the dummy).
    const only = used === 1 ? sortKeys[0]! & 0x1ff : 0;
    lengths[only] = 1;
    lengths[only === 0 ? 1 : 0] = 1;
    return;
  }
  const keys = sortKeys.subarray(0, used);
  keys.sort();
  for (let i = 0; i < used; i++) work[i] = keys[i]! >>> SYMBOL_BITS;
  minimumRedundancyLengths(work, used);
  // work[i] is now the code length of the i-th least frequent symbol, non-increasing in i.
  lengthCounts.fill(0);
  for (let i = 0; i < used; i++) lengthCounts[work[i]!]!++;
  limitLengths(maxBits);
  // The longest codes go to the least frequent symbols.
  let i = 0;
  for (let length = maxBits; length > 0; length--) {
    for (let n = lengthCounts[length]!; n > 0; n--) lengths[keys[i++]! & 0x1ff] = length;
  }
}

/** Moves codes longer than `maxBits` in {@link lengthCounts} up to it, lengthening shorter codes to keep Kraft's sum at 1. */
function limitLengths(maxBits: number): void {
  let over = 0;
  for (let length = maxBits + 1; length < 33; length++) {
    over += lengthCounts[length]!;
    lengthCounts[length] = 0;
  }
  if (over === 0) return;
  lengthCounts[maxBits]! += over;
  let kraft = 0;
  for (let length = maxBits; length > 0; length--) kraft += lengthCounts[length]! << (maxBits - length);
  // Each step turns a leaf at `length` into a node with two children at `length + 1`, replacing a maxBits leaf.
  while (kraft > 1 << maxBits) {
    lengthCounts[maxBits]!--;
    for (let length = maxBits - 1; length > 0; length--) {
      if (lengthCounts[length]! > 0) {
        lengthCounts[length]!--;
        lengthCounts[length + 1]! += 2;
        break;
      }
    }
    kraft--;
  }
}

/** Bit reversal of the low `length` bits of `code`. */
function reverseBits(code: number, length: number): number {
  let reversed = 0;
  for (let bit = 0; bit < length; bit++) {
    reversed = (reversed << 1) | (code & 1);
    code >>>= 1;
  }
  return reversed;
}

/** Fills `codes[0, count)` with the canonical codes of `lengths`, bit-reversed (DEFLATE sends Huffman codes MSB first). */
export function buildCodes(lengths: Uint8Array, count: number, codes: Int32Array): void {
  nextCode.fill(0);
  for (let symbol = 0; symbol < count; symbol++) nextCode[lengths[symbol]!]!++;
  nextCode[0] = 0;
  let code = 0;
  let previous = 0;
  for (let length = 1; length <= 16; length++) {
    const n = nextCode[length]!;
    code = (code + previous) << 1;
    nextCode[length] = code;
    previous = n;
  }
  for (let symbol = 0; symbol < count; symbol++) {
    const length = lengths[symbol]!;
    codes[symbol] = length === 0 ? 0 : reverseBits(nextCode[length]!++, length);
  }
}
