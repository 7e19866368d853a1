/**
 * Entropy coding of one compressed block (RFC 8878 section 3.1.1.3): the literals section (raw, RLE or
 * Huffman) and the sequences section (each of the three code streams with whichever table mode is
 * cheapest: predefined, RLE, a new FSE table, or the previous block's table).
 */
import { BitWriter } from './bit-writer.js';
import {
  buildFseEncoder,
  buildRleEncoder,
  chooseAccuracyLog,
  costInBytes,
  distributionCost,
  FseEncoder,
  flushState,
  initialState,
  normalizeCounts,
  writeNormalizedCounts,
} from './fse-encoder.js';
import { buildHuffmanEncoder, HuffmanEncoder, huffmanStreamBytes, writeHuffmanDescription, writeHuffmanStreams } from './huffman-encoder.js';
import type { SequenceBuffer } from './sequence-buffer.js';
import {
  highBit,
  LITERAL_LENGTH_BASE,
  LITERAL_LENGTH_BITS,
  MATCH_LENGTH_BASE,
  MATCH_LENGTH_BITS,
  PREDEFINED_LITERAL_LENGTH_LOG,
  PREDEFINED_LITERAL_LENGTHS,
  PREDEFINED_MATCH_LENGTH_LOG,
  PREDEFINED_MATCH_LENGTHS,
  PREDEFINED_OFFSET_LOG,
  PREDEFINED_OFFSETS,
} from '../tables.js';

const MODE_PREDEFINED = 0;
const MODE_RLE = 1;
const MODE_COMPRESSED = 2;
const MODE_REPEAT = 3;

/** Literal-length codes of lengths 0-63 (longer ones: highBit + 19). */
const LITERAL_LENGTH_CODE = /*#__PURE__*/ codeTable(LITERAL_LENGTH_BASE, 64, 0);
/** Match-length codes of (length - 3) 0-127 (longer ones: highBit + 36). */
const MATCH_LENGTH_CODE = /*#__PURE__*/ codeTable(MATCH_LENGTH_BASE, 128, 3);

function codeTable(bases: Uint32Array, size: number, bias: number): Uint8Array {
  const table = new Uint8Array(size);
  let code = 0;
  for (let value = 0; value < size; value++) {
    while (code + 1 < bases.length && bases[code + 1]! <= value + bias) code++;
    table[value] = code;
  }
  return table;
}

/** Per code, `extra bits << 24 | base`: one load for both in the bitstream loop. */
function extraTable(bases: Uint32Array, bits: Uint8Array): Uint32Array {
  const table = new Uint32Array(bases.length);
  for (let code = 0; code < bases.length; code++) table[code] = (bits[code]! << 24) | bases[code]!;
  return table;
}

const LITERAL_LENGTH_EXTRA = /*#__PURE__*/ extraTable(LITERAL_LENGTH_BASE, LITERAL_LENGTH_BITS);
const MATCH_LENGTH_EXTRA = /*#__PURE__*/ extraTable(MATCH_LENGTH_BASE, MATCH_LENGTH_BITS);

function literalLengthCode(length: number): number {
  return length < 64 ? LITERAL_LENGTH_CODE[length]! : highBit(length) + 19;
}

function matchLengthCode(length: number): number {
  const base = length - 3;
  return base < 128 ? MATCH_LENGTH_CODE[base]! : highBit(base) + 36;
}

/** Adds the byte histogram of `bytes[0, length)` to `counts` (a loop with nothing after it; see computeCodes). */
function countBytes(bytes: Uint8Array, length: number, counts: Uint32Array): void {
  for (let i = 0; i < length; i++) counts[bytes[i]!]!++;
}

/**
 * The literal-length, match-length and offset codes of every sequence, and their histograms. A function of
 * its own with nothing after its loop: V8's on-stack-replaced code for a long loop would otherwise hit
 * code it has no type feedback for and deoptimize on every call.
 */
function computeCodes(
  sequences: SequenceBuffer,
  codes: Uint32Array,
  llCounts: Uint32Array,
  mlCounts: Uint32Array,
  ofCounts: Uint32Array,
): void {
  const { literalLengths, matchLengths, offsetValues, count } = sequences;
  for (let i = 0; i < count; i++) {
    const llCode = literalLengthCode(literalLengths[i]!);
    const mlCode = matchLengthCode(matchLengths[i]!);
    const ofCode = highBit(offsetValues[i]!);
    codes[i] = llCode | (mlCode << 8) | (ofCode << 16);
    llCounts[llCode]!++;
    mlCounts[mlCode]!++;
    ofCounts[ofCode]!++;
  }
}

/** One of the three sequence code streams: its alphabet, predefined table, and the tables it has used. */
class CodeStream {
  readonly counts: Uint32Array;
  /** Table of the last compressed block that had sequences (what Repeat mode reuses), if any. */
  previous: FseEncoder | undefined;
  /** Table chosen for the block being encoded (in RLE mode, a table that writes no bits). */
  chosen: FseEncoder;
  mode = MODE_PREDEFINED;
  private readonly owned = [new FseEncoder(), new FseEncoder()];
  private readonly rle = new FseEncoder();
  readonly predefined = new FseEncoder();
  private readonly normalized = new Int16Array(64);

  constructor(
    readonly alphabetSize: number,
    readonly maxLog: number,
    predefinedCounts: Int16Array,
    predefinedLog: number,
  ) {
    this.counts = new Uint32Array(alphabetSize);
    buildFseEncoder(predefinedCounts, predefinedCounts.length, predefinedLog, this.predefined);
    buildRleEncoder(this.rle);
    this.chosen = this.predefined;
  }

  /** Forgets the previous table (a new frame). */
  reset(): void {
    this.previous = undefined;
  }

  /** Makes the chosen table the one Repeat mode refers to (the block was emitted compressed). */
  commit(): void {
    // Repeat mode after an RLE block would repeat its symbol; the encoder simply never asks for that.
    this.previous = this.mode === MODE_RLE ? undefined : this.chosen;
  }

  /**
   * Chooses the cheapest mode for the histogram in `counts` over `total` codes and writes its table
   * description (if any) at `output[at]`; returns the offset after it.
   */
  choose(total: number, output: Uint8Array, at: number): number {
    const counts = this.counts;
    let symbolCount = 0;
    let distinct = 0;
    for (let symbol = 0; symbol < this.alphabetSize; symbol++) {
      if (counts[symbol]! > 0) {
        symbolCount = symbol + 1;
        distinct++;
      }
    }
    const predefined = this.predefined;
    const predefinedCost = costInBytes(
      distributionCost(counts, symbolCount, predefined.normalized, predefined.symbolCount, predefined.accuracyLog),
    );
    const previous = this.previous;
    const repeatCost = previous
      ? costInBytes(distributionCost(counts, symbolCount, previous.normalized, previous.symbolCount, previous.accuracyLog))
      : Infinity;
    if (distinct === 1) {
      if (!(Math.min(predefinedCost, repeatCost) <= 1)) {
        this.mode = MODE_RLE;
        this.chosen = this.rle;
        output[at] = symbolCount - 1;
        return at + 1;
      }
    }
    let compressedCost = Infinity;
    let descriptionSize = 0;
    if (distinct > 1) {
      const log = chooseAccuracyLog(total, symbolCount, this.maxLog);
      if (normalizeCounts(counts, symbolCount, total, log, this.normalized)) {
        const writer = new BitWriter(descriptionScratch, 0);
        writeNormalizedCounts(writer, this.normalized, symbolCount, log);
        descriptionSize = writer.position;
        compressedCost =
          costInBytes(distributionCost(counts, symbolCount, this.normalized, symbolCount, log)) + descriptionSize;
        if (compressedCost < predefinedCost && compressedCost < repeatCost) {
          this.mode = MODE_COMPRESSED;
          const table = this.owned[0] === previous ? this.owned[1]! : this.owned[0]!;
          buildFseEncoder(this.normalized, symbolCount, log, table);
          this.chosen = table;
          output.set(descriptionScratch.subarray(0, descriptionSize), at);
          return at + descriptionSize;
        }
      }
    }
    if (previous && repeatCost <= predefinedCost) {
      this.mode = MODE_REPEAT;
      this.chosen = previous;
    } else {
      this.mode = MODE_PREDEFINED;
      this.chosen = predefined;
    }
    return at;
  }
}

/** Room for one FSE table description (at most about 70 bytes for 53 symbols at log 9). */
const descriptionScratch = /*#__PURE__*/ new Uint8Array(256);

/** Entropy state carried from block to block within a frame. */
export class BlockEncoder {
  private readonly literalCounts = new Uint32Array(256);
  private readonly huffman = new HuffmanEncoder();
  private readonly literalLengths = new CodeStream(36, 9, PREDEFINED_LITERAL_LENGTHS, PREDEFINED_LITERAL_LENGTH_LOG);
  private readonly offsets = new CodeStream(32, 8, PREDEFINED_OFFSETS, PREDEFINED_OFFSET_LOG);
  private readonly matchLengths = new CodeStream(53, 9, PREDEFINED_MATCH_LENGTHS, PREDEFINED_MATCH_LENGTH_LOG);
  /** Per sequence, its codes: `literal length | match length << 8 | offset << 16`. */
  private readonly codes = new Uint32Array(0x10000);

  /** Starts a new frame: no previous tables. */
  reset(): void {
    this.literalLengths.reset();
    this.offsets.reset();
    this.matchLengths.reset();
  }

  /** Records that the block just encoded was emitted compressed, so its tables become the previous ones. */
  commit(sequenceCount: number): void {
    if (sequenceCount === 0) return;
    this.literalLengths.commit();
    this.offsets.commit();
    this.matchLengths.commit();
  }

  /**
   * Writes the block content (literals and sequences sections) for `sequences` at `output[at]`; returns
   * the end offset. The caller compares the size with a raw block.
   */
  encode(sequences: SequenceBuffer, output: Uint8Array, at: number): number {
    const end = this.writeLiterals(sequences.literals, sequences.literalCount, output, at);
    return this.writeSequences(sequences, output, end);
  }

  private writeLiterals(literals: Uint8Array, length: number, output: Uint8Array, at: number): number {
    const counts = this.literalCounts;
    counts.fill(0);
    countBytes(literals, length, counts);
    if (length > 0 && counts[literals[0]!] === length && length > 2) {
      const end = writeLiteralsHeader(1, length, output, at);
      output[end] = literals[0]!;
      return end + 1;
    }
    if (length >= 64 && buildHuffmanEncoder(counts, this.huffman)) {
      const end = this.writeHuffmanLiterals(literals, length, output, at);
      if (end >= 0) return end;
    }
    const start = writeLiteralsHeader(0, length, output, at);
    output.set(literals.subarray(0, length), start);
    return start + length;
  }

  /** Huffman-coded literals, or -1 when they would not be smaller than raw ones. */
  private writeHuffmanLiterals(literals: Uint8Array, length: number, output: Uint8Array, at: number): number {
    const fourStreams = length > 256;
    const streamBytes = huffmanStreamBytes(this.literalCounts, this.huffman);
    // Description (at most 129 bytes), jump table and per-stream padding bound the compressed size.
    const bound = streamBytes + 129 + (fourStreams ? 11 : 1);
    if (bound - 129 >= length) return -1;
    const sizeFormat = !fourStreams ? 0 : Math.max(length, bound) <= 1023 ? 1 : Math.max(length, bound) <= 16383 ? 2 : 3;
    const headerSize = sizeFormat <= 1 ? 3 : sizeFormat === 2 ? 4 : 5;
    const descriptionStart = at + headerSize;
    const streamsStart = writeHuffmanDescription(this.huffman, output, descriptionStart);
    if (streamsStart < 0) return -1;
    const end = writeHuffmanStreams(literals, length, fourStreams, this.huffman, output, streamsStart);
    if (end < 0) return -1;
    const compressedSize = end - descriptionStart;
    if (end - at >= length + (length < 4096 ? 2 : 3)) return -1;
    // Type 2 (compressed), size format, regenerated and compressed sizes, little-endian.
    const low = 2 | (sizeFormat << 2);
    if (sizeFormat <= 1) {
      const header = low | (length << 4) | (compressedSize << 14);
      output[at] = header;
      output[at + 1] = header >>> 8;
      output[at + 2] = header >>> 16;
    } else if (sizeFormat === 2) {
      const header = (low | (length << 4) | (compressedSize << 18)) >>> 0;
      output[at] = header;
      output[at + 1] = header >>> 8;
      output[at + 2] = header >>> 16;
      output[at + 3] = header >>> 24;
    } else {
      const header = (low | (length << 4) | (compressedSize << 22)) >>> 0;
      output[at] = header;
      output[at + 1] = header >>> 8;
      output[at + 2] = header >>> 16;
      output[at + 3] = header >>> 24;
      output[at + 4] = compressedSize >>> 10;
    }
    return end;
  }

  private writeSequences(sequences: SequenceBuffer, output: Uint8Array, at: number): number {
    const count = sequences.count;
    let position = at;
    if (count < 128) {
      output[position++] = count;
    } else if (count < 0x7f00) {
      output[position++] = (count >>> 8) + 128;
      output[position++] = count;
    } else {
      output[position++] = 255;
      output[position++] = count - 0x7f00;
      output[position++] = (count - 0x7f00) >>> 8;
    }
    if (count === 0) return position;

    const llStream = this.literalLengths;
    const ofStream = this.offsets;
    const mlStream = this.matchLengths;
    llStream.counts.fill(0);
    ofStream.counts.fill(0);
    mlStream.counts.fill(0);
    computeCodes(sequences, this.codes, llStream.counts, mlStream.counts, ofStream.counts);
    const modesAt = position++;
    position = llStream.choose(count, output, position);
    position = ofStream.choose(count, output, position);
    position = mlStream.choose(count, output, position);
    output[modesAt] = (llStream.mode << 6) | (ofStream.mode << 4) | (mlStream.mode << 2);
    return this.writeSequenceBitstream(sequences, output, position);
  }

  /**
   * Writes the sequences bitstream at `output[start]`; returns its end. The bit accumulator lives in
   * locals (this loop runs once per sequence): `bits` holds `pending` unwritten bits. After each group of
   * fields every whole byte is stored at once (a 32-bit store, then a shift) instead of a branch per field,
   * which leaves fewer than 8 bits pending: room for up to 24 more before the next store. `output` needs 4 bytes
   * of room past the end (the block scratch has far more).
   */
  private writeSequenceBitstream(sequences: SequenceBuffer, output: Uint8Array, start: number): number {
    const count = sequences.count;
    const { literalLengths, matchLengths, offsetValues } = sequences;
    const view = new DataView(output.buffer, output.byteOffset, output.length);
    const codes = this.codes;
    const llTable = this.literalLengths.chosen;
    const ofTable = this.offsets.chosen;
    const mlTable = this.matchLengths.chosen;
    const llStates = llTable.stateTable;
    const llDeltaBits = llTable.deltaNbBits;
    const llDeltaState = llTable.deltaFindState;
    const ofStates = ofTable.stateTable;
    const ofDeltaBits = ofTable.deltaNbBits;
    const ofDeltaState = ofTable.deltaFindState;
    const mlStates = mlTable.stateTable;
    const mlDeltaBits = mlTable.deltaNbBits;
    const mlDeltaState = mlTable.deltaFindState;
    let position = start;
    let bits = 0;
    let pending = 0;
    let bytes = 0;
    // The decoder reads backwards: the last sequence is written first, the first states last.
    const last = count - 1;
    const lastCodes = codes[last]!;
    let mlState = initialState(mlTable, (lastCodes >>> 8) & 0xff);
    let ofState = initialState(ofTable, lastCodes >>> 16);
    let llState = initialState(llTable, lastCodes & 0xff);
    for (let i = last; i >= 0; i--) {
      const sequenceCodes = codes[i]!;
      const llCode = sequenceCodes & 0xff;
      const mlCode = (sequenceCodes >>> 8) & 0xff;
      const ofCode = sequenceCodes >>> 16;
      const llExtra = LITERAL_LENGTH_EXTRA[llCode]!;
      const mlExtra = MATCH_LENGTH_EXTRA[mlCode]!;
      if (i < last) {
        // FSE transitions: emit the low bits of each state, then move to the state of this code. The
        // offset and match-length states (at most 8 + 9 bits) go in together.
        const ofBits = (ofState + ofDeltaBits[ofCode]!) >> 16;
        const mlBits = (mlState + mlDeltaBits[mlCode]!) >> 16;
        const llBits = (llState + llDeltaBits[llCode]!) >> 16;
        bits |= ((ofState & ((1 << ofBits) - 1)) | ((mlState & ((1 << mlBits) - 1)) << ofBits)) << pending;
        pending += ofBits + mlBits;
        ofState = ofStates[(ofState >> ofBits) + ofDeltaState[ofCode]!]!;
        mlState = mlStates[(mlState >> mlBits) + mlDeltaState[mlCode]!]!;
        view.setInt32(position, bits, true);
        bytes = pending >>> 3;
        position += bytes;
        bits >>>= bytes << 3;
        pending &= 7;
        bits |= (llState & ((1 << llBits) - 1)) << pending;
        pending += llBits;
        llState = llStates[(llState >> llBits) + llDeltaState[llCode]!]!;
        if (llCode === 35) {
          // The one literal-length code with 16 extra bits: they would overflow 32 after the state.
          view.setInt32(position, bits, true);
          bytes = pending >>> 3;
          position += bytes;
          bits >>>= bytes << 3;
          pending &= 7;
        }
      }
      // Extra bits: literal length (with the state above, at most 7 + 9 + 15 bits), match length, offset.
      bits |= (literalLengths[i]! - (llExtra & 0xffffff)) << pending;
      pending += llExtra >>> 24;
      view.setInt32(position, bits, true);
      bytes = pending >>> 3;
      position += bytes;
      bits >>>= bytes << 3;
      pending &= 7;
      bits |= (matchLengths[i]! - (mlExtra & 0xffffff)) << pending;
      pending += mlExtra >>> 24;
      const offsetExtra = offsetValues[i]! - ((1 << ofCode) >>> 0);
      if (pending + ofCode > 31) {
        view.setInt32(position, bits, true);
        bytes = pending >>> 3;
        position += bytes;
        bits >>>= bytes << 3;
        pending &= 7;
        if (ofCode > 24) {
          // Distances past 16 MiB (large windows only): the low 16 bits first.
          bits |= (offsetExtra & 0xffff) << pending;
          pending += 16;
          view.setInt32(position, bits, true);
          bytes = pending >>> 3;
          position += bytes;
          bits >>>= bytes << 3;
          pending &= 7;
          bits |= Math.floor(offsetExtra / 0x10000) << pending;
          pending += ofCode - 16;
        } else {
          bits |= offsetExtra << pending;
          pending += ofCode;
        }
      } else {
        bits |= offsetExtra << pending;
        pending += ofCode;
      }
      view.setInt32(position, bits, true);
      bytes = pending >>> 3;
      position += bytes;
      bits >>>= bytes << 3;
      pending &= 7;
    }
    const writer = new BitWriter(output, position);
    writer.add(bits, pending);
    flushState(mlTable, writer, mlState);
    flushState(ofTable, writer, ofState);
    flushState(llTable, writer, llState);
    return writer.close();
  }
}

/** Writes a raw (type 0) or RLE (type 1) literals header for `length` literals; returns its end. */
function writeLiteralsHeader(type: number, length: number, output: Uint8Array, at: number): number {
  if (length < 32) {
    output[at] = type | (length << 3);
    return at + 1;
  }
  if (length < 4096) {
    const header = type | (1 << 2) | (length << 4);
    output[at] = header;
    output[at + 1] = header >>> 8;
    return at + 2;
  }
  const header = type | (3 << 2) | (length << 4);
  output[at] = header;
  output[at + 1] = header >>> 8;
  output[at + 2] = header >>> 16;
  return at + 3;
}
