/**
 * Huffman coding of literals on the encoding side: length-limited code lengths (at most 11 bits), the
 * canonical codes zstd's decoder expects, the tree description (direct 4-bit weights or FSE-compressed),
 * and the 1 or 4 backward streams.
 */
import { BitWriter } from './bit-writer.js';
import {
  buildFseEncoder,
  chooseAccuracyLog,
  encodeSymbol,
  FseEncoder,
  flushState,
  initialState,
  normalizeCounts,
  writeNormalizedCounts,
} from './fse-encoder.js';
import { minimumRedundancyLengths } from '../../huffman-lengths.js';
import { MAX_HUFFMAN_BITS } from '../tables.js';

/** A Huffman code for literals: per byte value, its code and length (0: absent). */
export class HuffmanEncoder {
  readonly lengths = new Uint8Array(256);
  /** Per byte value, `code << 4 | length`: one load per literal in the stream loop. */
  readonly packed = new Uint32Array(256);
  /** Longest code length: the decoder's table log. */
  maxBits = 0;
  /** Highest present symbol + 1. */
  symbolCount = 0;
}

const sortedSymbols = /*#__PURE__*/ new Uint16Array(256);
const sortKeys = /*#__PURE__*/ new Uint32Array(256);
const work = /*#__PURE__*/ new Int32Array(256);
const rankStart = /*#__PURE__*/ new Uint32Array(MAX_HUFFMAN_BITS + 2);

/**
 * Limits the lengths of `sortedSymbols[0, count)` (least frequent first) to `limit` bits and restores a complete
 * code (Kraft sum exactly 1), lengthening the least frequent short codes and shortening the most frequent.
 */
function limitLengths(lengths: Uint8Array, count: number, limit: number): void {
  const full = 1 << limit;
  let kraft = 0;
  for (let i = 0; i < count; i++) {
    const symbol = sortedSymbols[i]!;
    if (lengths[symbol]! > limit) lengths[symbol] = limit;
    kraft += 1 << (limit - lengths[symbol]!);
  }
  // Too many short codes: lengthen the least frequent of the longest codes still below the limit. Lengths
  // never grow along `sortedSymbols` (rarer symbols first), and this keeps it so: that code is the first one
  // below the limit, and the search for it can resume where it stopped.
  let next = 0;
  while (kraft > full) {
    while (lengths[sortedSymbols[next]!]! >= limit) next++;
    const chosen = sortedSymbols[next]!;
    kraft -= 1 << (limit - lengths[chosen]! - 1);
    lengths[chosen]!++;
  }
  // Room left: shorten the most frequent codes that fit the gap.
  for (let i = count - 1; i >= 0 && kraft < full; i--) {
    const symbol = sortedSymbols[i]!;
    while (lengths[symbol]! > 1 && kraft + (1 << (limit - lengths[symbol]!)) <= full) {
      kraft += 1 << (limit - lengths[symbol]!);
      lengths[symbol]!--;
    }
  }
}

/**
 * Builds a Huffman code for the byte histogram `counts` into `encoder`. Returns false when fewer than two
 * symbols are present (the literals are then raw or RLE).
 */
export function buildHuffmanEncoder(counts: Uint32Array, encoder: HuffmanEncoder): boolean {
  let present = 0;
  // Sort keys `count * 256 + symbol` (a block has at most 2^17 literals): a numeric typed-array sort, no
  // comparator calls, orders by count then symbol.
  for (let symbol = 0; symbol < 256; symbol++) if (counts[symbol]! > 0) sortKeys[present++] = counts[symbol]! * 256 + symbol;
  if (present < 2) return false;
  sortKeys.subarray(0, present).sort();
  const symbols = sortedSymbols;
  for (let i = 0; i < present; i++) {
    symbols[i] = sortKeys[i]! & 255;
    work[i] = sortKeys[i]! >>> 8;
  }
  minimumRedundancyLengths(work, present);
  const lengths = encoder.lengths;
  lengths.fill(0);
  for (let i = 0; i < present; i++) lengths[symbols[i]!] = work[i]!;
  limitLengths(lengths, present, MAX_HUFFMAN_BITS);

  let maxBits = 0;
  let symbolCount = 0;
  for (let symbol = 0; symbol < 256; symbol++) {
    const length = lengths[symbol]!;
    if (length === 0) continue;
    if (length > maxBits) maxBits = length;
    symbolCount = symbol + 1;
  }
  // Canonical codes as the decoder lays out its table: by ascending weight, then symbol.
  rankStart.fill(0);
  for (let symbol = 0; symbol < symbolCount; symbol++) {
    const length = lengths[symbol]!;
    if (length > 0) rankStart[maxBits + 1 - length]! += 1 << (maxBits - length);
  }
  let next = 0;
  for (let weight = 1; weight <= maxBits; weight++) {
    const size = rankStart[weight]!;
    rankStart[weight] = next;
    next += size;
  }
  for (let symbol = 0; symbol < symbolCount; symbol++) {
    const length = lengths[symbol]!;
    if (length === 0) continue;
    const weight = maxBits + 1 - length;
    encoder.packed[symbol] = ((rankStart[weight]! >>> (weight - 1)) << 4) | length;
    rankStart[weight]! += 1 << (weight - 1);
  }
  encoder.maxBits = maxBits;
  encoder.symbolCount = symbolCount;
  return true;
}

/** Bytes the literals `counts` take when coded with `encoder` (streams only, without jump table). */
export function huffmanStreamBytes(counts: Uint32Array, encoder: HuffmanEncoder): number {
  let bits = 0;
  for (let symbol = 0; symbol < encoder.symbolCount; symbol++) bits += counts[symbol]! * encoder.lengths[symbol]!;
  return Math.ceil(bits / 8);
}

const weights = /*#__PURE__*/ new Uint8Array(256);
const weightCounts = /*#__PURE__*/ new Uint32Array(16);
const weightNormalized = /*#__PURE__*/ new Int16Array(16);
const weightEncoder = /*#__PURE__*/ new FseEncoder();
const MAX_WEIGHT_LOG = 6;

/** Writes the weights FSE-compressed after a header byte at `at`; returns the end, or -1 if not possible. */
function writeCompressedWeights(count: number, maxBits: number, output: Uint8Array, at: number): number {
  weightCounts.fill(0);
  for (let i = 0; i < count; i++) weightCounts[weights[i]!]!++;
  const symbolCount = maxBits + 1;
  const log = chooseAccuracyLog(count, symbolCount, MAX_WEIGHT_LOG);
  // No count above half the table, so that every state reads a bit and the decoder finds the end.
  if (!normalizeCounts(weightCounts, symbolCount, count, log, weightNormalized, 1 << (log - 1))) return -1;
  buildFseEncoder(weightNormalized, symbolCount, log, weightEncoder);
  const writer = new BitWriter(output, at + 1);
  writeNormalizedCounts(writer, weightNormalized, symbolCount, log);
  // Two interleaved states: the first decodes even positions, the second odd ones.
  let index = count;
  let state1: number;
  let state2: number;
  if (count & 1) {
    state1 = initialState(weightEncoder, weights[--index]!);
    state2 = initialState(weightEncoder, weights[--index]!);
    state1 = encodeSymbol(weightEncoder, writer, state1, weights[--index]!);
  } else {
    state2 = initialState(weightEncoder, weights[--index]!);
    state1 = initialState(weightEncoder, weights[--index]!);
  }
  while (index > 0) {
    state2 = encodeSymbol(weightEncoder, writer, state2, weights[--index]!);
    state1 = encodeSymbol(weightEncoder, writer, state1, weights[--index]!);
  }
  flushState(weightEncoder, writer, state2);
  flushState(weightEncoder, writer, state1);
  const end = writer.close();
  const size = end - at - 1;
  if (size >= 128) return -1;
  output[at] = size;
  return end;
}

/**
 * Writes the tree description of `encoder` at `output[at]`, FSE-compressed or direct, whichever is smaller.
 * Returns the end offset, or -1 when neither form can describe this code.
 */
export function writeHuffmanDescription(encoder: HuffmanEncoder, output: Uint8Array, at: number): number {
  const count = encoder.symbolCount - 1;
  for (let symbol = 0; symbol < count; symbol++) {
    const length = encoder.lengths[symbol]!;
    weights[symbol] = length === 0 ? 0 : encoder.maxBits + 1 - length;
  }
  const directSize = count <= 128 ? 1 + ((count + 1) >>> 1) : Infinity;
  const compressedEnd = count >= 2 ? writeCompressedWeights(count, encoder.maxBits, output, at) : -1;
  if (compressedEnd >= 0 && compressedEnd - at <= directSize) return compressedEnd;
  if (directSize === Infinity) return -1;
  output[at] = 127 + count;
  for (let i = 0; i < count; i += 2) output[at + 1 + (i >>> 1)] = (weights[i]! << 4) | (i + 1 < count ? weights[i + 1]! : 0);
  return at + directSize;
}

/** Writer state of {@link appendSymbols}: output position, pending bits, their count. */
const streamState = /*#__PURE__*/ new Int32Array(3);

/**
 * Appends the codes of `literals[start, end)`, last literal first (the decoder reads backwards), at
 * `view[streamState[0]]` with `streamState[1]` holding `streamState[2]` (< 8) pending bits, and leaves fewer
 * than 8 pending. Two codes (at most 22 bits) go in per step, then every whole byte is stored at once: a
 * 32-bit store and a shift instead of a branch per code. The output needs 4 bytes of slack after the stream.
 * The accumulator lives in locals, saved to `streamState` inside the loop: with nothing after the loop, V8's
 * on-stack-replaced code never reaches an operation it has no type feedback for (which would deoptimize it
 * on every call).
 */
function appendSymbols(literals: Uint8Array, start: number, end: number, packed: Uint32Array, view: DataView): void {
  // The module binding in a local: V8 re-reads and re-checks a module binding at every use (~1.5% of zstd encode).
  const state = streamState;
  let position = state[0]!;
  let bits = state[1]!;
  let pending = state[2]!;
  for (let i = end - 1; i >= start; i -= 2) {
    const last = packed[literals[i]!]!;
    bits |= (last >>> 4) << pending;
    pending += last & 15;
    if (i > start) {
      const before = packed[literals[i - 1]!]!;
      bits |= (before >>> 4) << pending;
      pending += before & 15;
    }
    view.setInt32(position, bits, true);
    const bytes = pending >>> 3;
    position += bytes;
    bits >>>= bytes << 3;
    pending &= 7;
    state[0] = position;
    state[1] = bits;
    state[2] = pending;
  }
}

/** Writes `literals[start, end)` as one backward Huffman stream at `output[at]`; returns the end. */
function writeStream(
  literals: Uint8Array,
  start: number,
  end: number,
  encoder: HuffmanEncoder,
  output: Uint8Array,
  view: DataView,
  at: number,
): number {
  streamState[0] = at;
  streamState[1] = 0;
  streamState[2] = 0;
  appendSymbols(literals, start, end, encoder.packed, view);
  const writer = new BitWriter(output, streamState[0]!);
  writer.add(streamState[1]!, streamState[2]!);
  return writer.close();
}

/**
 * Writes `literals[0, length)` Huffman-coded at `output[at]`: 1 stream, or 4 streams after a jump table.
 * Returns the end offset, or -1 when a stream is too large for the jump table. `output` needs 4 bytes of
 * room after the end.
 */
export function writeHuffmanStreams(
  literals: Uint8Array,
  length: number,
  fourStreams: boolean,
  encoder: HuffmanEncoder,
  output: Uint8Array,
  at: number,
): number {
  const view = new DataView(output.buffer, output.byteOffset, output.length);
  if (!fourStreams) return writeStream(literals, 0, length, encoder, output, view, at);
  const segment = (length + 3) >>> 2;
  let end = at + 6;
  for (let stream = 0; stream < 4; stream++) {
    const streamStart = end;
    end = writeStream(literals, stream * segment, Math.min(length, (stream + 1) * segment), encoder, output, view, streamStart);
    if (stream < 3) {
      const size = end - streamStart;
      if (size > 0xffff) return -1;
      output[at + 2 * stream] = size;
      output[at + 2 * stream + 1] = size >>> 8;
    }
  }
  return end;
}
