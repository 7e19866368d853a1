/**
 * Huffman-coded literals (RFC 8878 sections 4.2 and 3.1.1.3.1): the tree description (weights, direct or
 * FSE-compressed), the single-lookup decoding table, and the decoding of 1 or 4 backward streams.
 */
import { LokiChunkError } from '../../../errors.js';
import { highBit, MAX_HUFFMAN_BITS } from '../tables.js';
import { backwardStreamEnd, bitsAt } from './bit-reader.js';
import { buildFseTable, FseTable, newNormalizedCounts, readNormalizedCounts } from './fse.js';

/**
 * A Huffman decoding table: indexed by the next `maxBits` bits of the stream, each entry holds
 * `symbol | (codeLength << 8)`. Valid once `maxBits > 0`.
 */
export class HuffmanTable {
  maxBits = 0;
  readonly entries = new Uint16Array(1 << MAX_HUFFMAN_BITS);
}

function corrupt(message: string, offset: number): LokiChunkError {
  return new LokiChunkError('CORRUPT_STREAM', `zstd ${message}`, { offset });
}

const weights = /*#__PURE__*/ new Uint8Array(256);
const weightCounts = /*#__PURE__*/ newNormalizedCounts();
const weightTable = /*#__PURE__*/ new FseTable();
const rankCount = /*#__PURE__*/ new Uint32Array(MAX_HUFFMAN_BITS + 2);
const rankStart = /*#__PURE__*/ new Uint32Array(MAX_HUFFMAN_BITS + 2);

/**
 * Decodes FSE-compressed weights from `source[start, end)` into `weights`; returns how many.
 * Two interleaved states share one table; decoding stops when a state update would read past the stream.
 */
function readCompressedWeights(source: Uint8Array, start: number, end: number): number {
  const tableEnd = readNormalizedCounts(source, start, end, 255, 6, weightCounts);
  buildFseTable(weightCounts, weightTable, start);
  const { symbol, nbBits, baseline, accuracyLog } = weightTable;
  const streamStart = tableEnd * 8;
  let position = backwardStreamEnd(source, tableEnd, end, 'Huffman weights');
  position -= 2 * accuracyLog;
  if (position < streamStart) throw corrupt('Huffman weights bitstream is too short', tableEnd);
  let state1 = bitsAt(source, position + accuracyLog, accuracyLog);
  let state2 = bitsAt(source, position, accuracyLog);
  let count = 0;
  for (;;) {
    if (count > 253) throw corrupt('Huffman description has too many weights', start);
    weights[count++] = symbol[state1]!;
    position -= nbBits[state1]!;
    if (position < streamStart) {
      weights[count++] = symbol[state2]!;
      break;
    }
    state1 = baseline[state1]! + bitsAt(source, position, nbBits[state1]!);
    if (count > 253) throw corrupt('Huffman description has too many weights', start);
    weights[count++] = symbol[state2]!;
    position -= nbBits[state2]!;
    if (position < streamStart) {
      weights[count++] = symbol[state1]!;
      break;
    }
    state2 = baseline[state2]! + bitsAt(source, position, nbBits[state2]!);
  }
  return count;
}

/**
 * Reads the Huffman tree description at `source[start, end)` into `table`; returns the offset after it.
 * @throws {LokiChunkError} `CORRUPT_STREAM` for a malformed description.
 */
export function readHuffmanTable(source: Uint8Array, start: number, end: number, table: HuffmanTable): number {
  if (start >= end) throw corrupt('Huffman description is missing', start);
  const header = source[start]!;
  let weightCount: number;
  let descriptionEnd: number;
  if (header < 128) {
    descriptionEnd = start + 1 + header;
    if (descriptionEnd > end) throw corrupt('Huffman description is truncated', start);
    weightCount = readCompressedWeights(source, start + 1, descriptionEnd);
  } else {
    weightCount = header - 127;
    descriptionEnd = start + 1 + ((weightCount + 1) >>> 1);
    if (descriptionEnd > end) throw corrupt('Huffman description is truncated', start);
    for (let i = 0; i < weightCount; i++) {
      const byte = source[start + 1 + (i >>> 1)]!;
      weights[i] = i & 1 ? byte & 15 : byte >>> 4;
    }
  }
  buildHuffmanTable(weightCount, table, start);
  return descriptionEnd;
}

/** Builds `table` from `weights[0, weightCount)` plus the implied last weight. */
function buildHuffmanTable(weightCount: number, table: HuffmanTable, offset: number): void {
  rankCount.fill(0);
  let total = 0;
  for (let i = 0; i < weightCount; i++) {
    const weight = weights[i]!;
    if (weight > MAX_HUFFMAN_BITS) throw corrupt(`Huffman weight ${weight} is too large`, offset);
    rankCount[weight]!++;
    if (weight > 0) total += 1 << (weight - 1);
  }
  if (total === 0) throw corrupt('Huffman description has no symbols', offset);
  const maxBits = highBit(total) + 1;
  if (maxBits > MAX_HUFFMAN_BITS) throw corrupt('Huffman codes are longer than 11 bits', offset);
  // The last symbol's weight completes the total to a power of two.
  const rest = (1 << maxBits) - total;
  if ((rest & (rest - 1)) !== 0) throw corrupt('Huffman weights do not complete a power of two', offset);
  const lastWeight = highBit(rest) + 1;
  weights[weightCount] = lastWeight;
  rankCount[lastWeight]!++;
  if (rankCount[1]! < 2 || (rankCount[1]! & 1) !== 0) throw corrupt('Huffman weights are inconsistent', offset);
  // Symbols take table ranges by ascending weight, then symbol order.
  let next = 0;
  for (let weight = 1; weight <= maxBits; weight++) {
    rankStart[weight] = next;
    next += rankCount[weight]! << (weight - 1);
  }
  const entries = table.entries;
  for (let symbol = 0; symbol <= weightCount; symbol++) {
    const weight = weights[symbol]!;
    if (weight === 0) continue;
    const length = 1 << (weight - 1);
    const entry = symbol | ((maxBits + 1 - weight) << 8);
    const first = rankStart[weight]!;
    const last = first + length;
    // A loop, not `fill`: most ranges are a few entries, and `fill` is a call into the runtime each time.
    for (let i = first; i < last; i++) entries[i] = entry;
    rankStart[weight] = last;
  }
  table.maxBits = maxBits;
}

/** Decodes a block's Huffman-coded literals; see {@link createHuffmanDecoder}. */
export type HuffmanDecoder = (
  source: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  fourStreams: boolean,
  regeneratedSize: number,
) => void;

/**
 * The decoder of Huffman-coded literals with `table` into `output`: given 1 or 4 streams in `source[start, end)`
 * (`view` sees the same bytes), it decodes `regeneratedSize` literals, or throws `CORRUPT_STREAM` for a malformed
 * jump table or stream. Made once per zstd decoder (its literal state), so V8 treats the table and output it
 * closes over as constants: no map check or base load per lookup.
 */
export function createHuffmanDecoder(table: HuffmanTable, output: Uint8Array): HuffmanDecoder {
  const entries = table.entries;
  // Larger than they need to be: a typed array of 64 bytes or less lives on the V8 heap, where the compiled loop
  // reloads its length and base at every access; a larger one is off-heap, and a constant there.
  const streamStarts = new Int32Array(32);
  const streamPositions = new Int32Array(32);

  /**
   * Decodes one backward Huffman stream `source[start, end)` into `output[outStart, outEnd)`, continuing from
   * bit `position` (the stream's end marker when `position` < 0); throws unless the stream is consumed exactly.
   */
  const decodeStream = (
    source: Uint8Array,
    view: DataView,
    start: number,
    end: number,
    outStart: number,
    outEnd: number,
    position: number,
  ): void => {
    const maxBits = table.maxBits;
    const mask = (1 << maxBits) - 1;
    const streamStart = start * 8;
    if (position < 0) position = backwardStreamEnd(source, start, end, 'literals');
    let out = outStart;
    // The table index is the next maxBits bits; bits below the stream start only pad the last lookups.
    while (out < outEnd && position >= streamStart) {
      const at = position - maxBits;
      const entry = entries[(view.getUint32(at >> 3, true) >>> (at & 7)) & mask]!;
      output[out++] = entry;
      position -= entry >>> 8;
    }
    if (out !== outEnd || position !== streamStart) {
      throw corrupt('literals Huffman stream does not match its size', start);
    }
  };

  /**
   * Decodes `lastSize` literals from each of the four streams starting at `streamStarts` in one loop, one symbol
   * from each in turn, so the four independent bit positions keep the processor busy; stream k writes at
   * `output[k * segment]` on. The bit positions go in and out through `streamPositions`, updated inside the
   * loop: with nothing but `return` after it, V8's on-stack-replaced code never reaches an operation it has no
   * type feedback for (which would deoptimize it on every call). Returns how many symbols each stream decoded.
   */
  const decodeFourInterleaved = (view: DataView, segment: number, lastSize: number): number => {
    const maxBits = table.maxBits;
    const mask = (1 << maxBits) - 1;
    const positions = streamPositions;
    const start1 = streamStarts[0]! * 8;
    const start2 = streamStarts[1]! * 8;
    const start3 = streamStarts[2]! * 8;
    const start4 = streamStarts[3]! * 8;
    let position1 = positions[0]!;
    let position2 = positions[1]!;
    let position3 = positions[2]!;
    let position4 = positions[3]!;
    let out = 0;
    // Stop as soon as any position passes its stream start (the OR of the differences turns negative).
    while (out < lastSize && ((position1 - start1) | (position2 - start2) | (position3 - start3) | (position4 - start4)) >= 0) {
      let at = position1 - maxBits;
      let entry = entries[(view.getUint32(at >> 3, true) >>> (at & 7)) & mask]!;
      output[out] = entry;
      position1 -= entry >>> 8;
      at = position2 - maxBits;
      entry = entries[(view.getUint32(at >> 3, true) >>> (at & 7)) & mask]!;
      output[out + segment] = entry;
      position2 -= entry >>> 8;
      at = position3 - maxBits;
      entry = entries[(view.getUint32(at >> 3, true) >>> (at & 7)) & mask]!;
      output[out + 2 * segment] = entry;
      position3 -= entry >>> 8;
      at = position4 - maxBits;
      entry = entries[(view.getUint32(at >> 3, true) >>> (at & 7)) & mask]!;
      output[out + 3 * segment] = entry;
      position4 -= entry >>> 8;
      positions[0] = position1;
      positions[1] = position2;
      positions[2] = position3;
      positions[3] = position4;
      out++;
    }
    return out;
  };

  return (source, view, start, end, fourStreams, regeneratedSize) => {
    if (!fourStreams) {
      decodeStream(source, view, start, end, 0, regeneratedSize, -1);
      return;
    }
    if (end - start < 10 || regeneratedSize < 6) throw corrupt('4-stream literals are too small', start);
    const size1 = source[start]! | (source[start + 1]! << 8);
    const size2 = source[start + 2]! | (source[start + 3]! << 8);
    const size3 = source[start + 4]! | (source[start + 5]! << 8);
    const start1 = start + 6;
    const start2 = start1 + size1;
    const start3 = start2 + size2;
    const start4 = start3 + size3;
    if (start4 >= end) throw corrupt('literals jump table points past the streams', start);
    const segment = (regeneratedSize + 3) >>> 2;
    const lastSize = regeneratedSize - 3 * segment;
    streamStarts[0] = start1;
    streamStarts[1] = start2;
    streamStarts[2] = start3;
    streamStarts[3] = start4;
    streamStarts[4] = end;
    for (let stream = 0; stream < 4; stream++) {
      streamPositions[stream] = backwardStreamEnd(source, streamStarts[stream]!, streamStarts[stream + 1]!, 'literals');
    }
    const decoded = decodeFourInterleaved(view, segment, lastSize);
    if (decoded !== lastSize) throw corrupt('literals Huffman stream does not match its size', start);
    // The first three streams have up to 3 more literals than the fourth.
    for (let stream = 0; stream < 4; stream++) {
      const outStart = stream * segment;
      const outEnd = stream === 3 ? outStart + lastSize : outStart + segment;
      decodeStream(source, view, streamStarts[stream]!, streamStarts[stream + 1]!, outStart + decoded, outEnd, streamPositions[stream]!);
    }
  };
}
