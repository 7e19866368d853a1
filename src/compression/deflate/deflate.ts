/**
 * Raw DEFLATE compression (RFC 1951) for the gzip and flate codecs, tuned for log text: zlib's `deflate_fast`
 * (levels 1-3) matcher — a hash of 5 bytes into a head table, a short chain through the previous positions with
 * the same hash, the longest match taken greedily — then one block per {@link BLOCK_SYMBOLS} symbols, written
 * with its own Huffman codes, the fixed codes, or stored, whichever is smallest. On log text the output is the
 * size of zlib level 3's, ~5% larger than Go's default level; one 256 KiB block compresses ~1.9x as fast as
 * fflate's level 2, which the codecs used before.
 */
import { buildCodeLengths, buildCodes } from './deflate-huffman.js';
import { CODE_LENGTH_ORDER } from './inflate.js';
import { DISTANCE_BASE, DISTANCE_EXTRA, LENGTH_BASE, LENGTH_EXTRA } from './inflate-tables.js';
import { viewOf } from '../lz-copy.js';
import { ReusedBuffer } from '../output-buffer.js';

const WINDOW_SIZE = 1 << 15;
const WINDOW_MASK = WINDOW_SIZE - 1;
/** 16 bits: on log blocks, fewer collisions outweigh the larger table (15 bits was 7% slower). */
const HASH_BITS = 16;
const HASH_SHIFT = 32 - HASH_BITS;
const MAX_MATCH = 258;

/**
 * Candidates looked at per position. On the benchmark's chunk blocks 4 was 5% faster and 0.8% larger, 1 15%
 * faster and 4% larger: the size target (within 5% of Go's) needs 8.
 */
const MAX_CHAIN = 8;
/** A match this long ends the search. */
const NICE_LENGTH = 32;
/**
 * The positions inside a match are hashed only when it is at most this long (zlib's `max_insert_length`).
 * Hashing all of them made the output 6% smaller but cost a quarter of the speed.
 */
const MAX_INSERT = 6;
/**
 * Text that does not repeat is where a search costs most and finds least: the v4 symbol table, a new request ID
 * per entry, is the case. So the compressor keeps a balance, the positions searched in vain less
 * {@link MATCH_CREDIT} per byte matched since; past {@link SKIP_AFTER}, every other position is taken as a literal
 * without a search. A balance rather than a reset at the next match: the table's IDs sit between names that
 * match for 10 bytes every few IDs, and IDs match each other by chance for 5-6 bytes, neither a sign that the
 * text repeats. On the benchmark's tables this compresses ~40% faster than searching everywhere (~25% faster
 * than a reset at every match of 7+ bytes did), the chunks +0.1-0.2% larger; the chunk blocks are barely touched.
 */
const SKIP_AFTER = 64;
const MATCH_CREDIT = 4;
/** Symbols per block: each block pays for its code description, and adapts its codes to its own text. */
const BLOCK_SYMBOLS = 1 << 15;
/** Bytes of a stored block (LEN is 16 bits). */
const MAX_STORED = 65535;

const LITLEN_SYMBOLS = 286;
const DISTANCE_SYMBOLS = 30;
const END_OF_BLOCK = 256;
const MAX_CODE_BITS = 15;
const MAX_CODE_LENGTH_BITS = 7;

/** Length code (0-28, symbol 257 + code) of each match length - 3. */
const LENGTH_CODE = /*#__PURE__*/ (() => {
  const codes = new Uint8Array(256);
  for (let code = 0; code < 28; code++) {
    for (let k = 0; k < 1 << LENGTH_EXTRA[code]!; k++) codes[LENGTH_BASE[code]! - 3 + k] = code;
  }
  codes[255] = 28; // 258 has its own code
  return codes;
})();

/** Distance code of each distance - 1 below 256, then of (distance - 1) >> 7 at 256 + (zlib's `dist_code`). */
const DISTANCE_CODE = /*#__PURE__*/ (() => {
  const codes = new Uint8Array(512);
  for (let code = 0; code < DISTANCE_SYMBOLS; code++) {
    for (let k = 0; k < 1 << DISTANCE_EXTRA[code]!; k++) {
      const d = DISTANCE_BASE[code]! - 1 + k;
      codes[d < 256 ? d : 256 + (d >>> 7)] = code;
    }
  }
  return codes;
})();

const FIXED_LITLEN_LENGTHS = /*#__PURE__*/ new Uint8Array(288).fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
const FIXED_DISTANCE_LENGTHS = /*#__PURE__*/ new Uint8Array(DISTANCE_SYMBOLS).fill(5);

/** Compressor scratch, allocated once: compression is synchronous, so calls never overlap. */
const head = /*#__PURE__*/ new Int32Array(1 << HASH_BITS);
const prev = /*#__PURE__*/ new Int32Array(WINDOW_SIZE);
/** A literal byte (< 256), or distance << 8 | length - 3. */
const symbols = /*#__PURE__*/ new Int32Array(BLOCK_SYMBOLS + 4);
const litlenFreqs = /*#__PURE__*/ new Int32Array(LITLEN_SYMBOLS);
const distanceFreqs = /*#__PURE__*/ new Int32Array(DISTANCE_SYMBOLS);
const litlenLengths = /*#__PURE__*/ new Uint8Array(288);
const distanceLengths = /*#__PURE__*/ new Uint8Array(DISTANCE_SYMBOLS);
const litlenCodes = /*#__PURE__*/ new Int32Array(288);
const distanceCodes = /*#__PURE__*/ new Int32Array(DISTANCE_SYMBOLS);
/** Per length - 3: its length code and extra bits as one value to write, and their bit count. */
const lengthBits = /*#__PURE__*/ new Int32Array(256);
const lengthBitCounts = /*#__PURE__*/ new Uint8Array(256);
/** Per literal: its code | its length << 16 (one load per literal). */
const literalBits = /*#__PURE__*/ new Int32Array(256);
/** Per distance code: its code bits less its base distance shifted past them, and its bit count with the extra bits. */
const distanceBits = /*#__PURE__*/ new Int32Array(32);
const distanceBitCounts = /*#__PURE__*/ new Int32Array(32);
/** Code lengths, run-length encoded: code-length symbol | extra bits << 5. */
const codeLengthRuns = /*#__PURE__*/ new Int32Array(LITLEN_SYMBOLS + DISTANCE_SYMBOLS);
const allLengths = /*#__PURE__*/ new Uint8Array(LITLEN_SYMBOLS + DISTANCE_SYMBOLS);
const codeLengthFreqs = /*#__PURE__*/ new Int32Array(19);
const codeLengthLengths = /*#__PURE__*/ new Uint8Array(19);
const codeLengthCodes = /*#__PURE__*/ new Int32Array(19);
const CODE_LENGTH_EXTRA = [2, 3, 7];

/** An LSB-first bit writer: whole 32-bit words go out at once. */
class BitWriter {
  pos = 0;
  buf = 0;
  count = 0;
  constructor(readonly out: Uint8Array) {}

  /** Writes the low `n` (< 32) bits of `value`, which has no higher bits set. */
  bits(value: number, n: number): void {
    this.buf |= value << this.count;
    const total = this.count + n;
    if (total >= 32) {
      this.word(this.buf);
      this.buf = value >>> (32 - this.count);
      this.count = total - 32;
    } else this.count = total;
  }

  word(word: number): void {
    const out = this.out;
    const pos = this.pos;
    out[pos] = word;
    out[pos + 1] = word >>> 8;
    out[pos + 2] = word >>> 16;
    out[pos + 3] = word >>> 24;
    this.pos = pos + 4;
  }

  /** Writes out the pending whole bytes, leaving fewer than 8 bits pending (as {@link writeSymbols} keeps them). */
  flushWords(): void {
    for (; this.count >= 8; this.count -= 8) {
      this.out[this.pos++] = this.buf;
      this.buf >>>= 8;
    }
  }

  /** Pads to a byte boundary with zero bits and writes out every pending bit. */
  align(): void {
    for (; this.count > 0; this.count -= 8) {
      this.out[this.pos++] = this.buf;
      this.buf >>>= 8;
    }
    this.buf = 0;
    this.count = 0;
  }
}

/** Where each stream is written before it is copied out. */
const output = /*#__PURE__*/ new ReusedBuffer();

/**
 * Finds the matches of the first `n` bytes of the work input and writes them, block by block, to `writer`
 * (all but the final block's closing bits).
 */
type MatchScanner = (n: number, writer: BitWriter) => void;

/** The work input's first size: larger than any Loki block or symbol table at Loki's defaults. */
const FIRST_WORK_INPUT = 4 << 20;
let workInput: Uint8Array | undefined;
let scanMatches: MatchScanner | undefined;

/**
 * Raw DEFLATE of `data`: a valid stream for any input, the empty one included.
 *
 * `data` is copied into a work buffer and compressed from there by a scanner made as a closure over it and the
 * compressor's tables: V8 then compiles them as constants, without a map, detach or length check on each load
 * (~14% faster, even with the copy). The buffer is allocated on first use, 4 MiB of which only the pages an
 * input touches become resident; a larger input replaces it, and the scanner with it, which V8 then compiles
 * without the constants (correct, ~14% slower, from then on).
 */
export function deflateRaw(data: Uint8Array): Uint8Array {
  const n = data.length;
  // Every block costs at most its stored size: the bytes, 5 per 64 KiB and a few bits; blocks are >= 32 KiB.
  const writer = new BitWriter(output.get(n + (n >>> 10) + 64));
  head.fill(-1);
  litlenFreqs.fill(0);
  distanceFreqs.fill(0);
  if (workInput === undefined || scanMatches === undefined || workInput.length < n) {
    workInput = new Uint8Array(Math.max(n, FIRST_WORK_INPUT));
    scanMatches = makeMatchScanner(workInput, head, prev, symbols, litlenFreqs, distanceFreqs);
  }
  workInput.set(data);
  scanMatches(n, writer);
  writer.align();
  return writer.out.slice(0, writer.pos);
}

/** The match scanner over the work input `input` and the compressor's tables. */
function makeMatchScanner(
  input: Uint8Array,
  headTable: Int32Array,
  previousTable: Int32Array,
  symbolTable: Int32Array,
  litlenCountTable: Int32Array,
  distanceCountTable: Int32Array,
): MatchScanner {
  const inputView = viewOf(input);
  // The module's constants copied into this scope, for V8 to fold them in as it does the buffers (~7% faster;
  // why: see `makeElementEncoder` in `snappy/block.ts`).
  const hashShift = HASH_SHIFT;
  const windowSize = WINDOW_SIZE;
  const windowMask = WINDOW_MASK;
  const maxMatch = MAX_MATCH;
  const niceLength = NICE_LENGTH;
  const maxChain = MAX_CHAIN;
  const maxInsert = MAX_INSERT;
  const matchCredit = MATCH_CREDIT;
  const skipAfter = SKIP_AFTER;
  const blockSymbols = BLOCK_SYMBOLS;

  /**
   * Hash of the 5 bytes at `at`, whose first 4 are `first4`. Five, not four: on log blocks the chains then hold
   * fewer 4-byte matches that lose to a literal run, and the output is 0.5% smaller and 4% faster.
   */
  const hashAt = (at: number, first4: number): number =>
    Math.imul(first4 ^ Math.imul(inputView.getUint8(at + 4), 0x85ebca6b), 0x9e3779b1) >>> hashShift;

  return (n, writer) => {
    let symbolCount = 0;
    let blockStart = 0;
    // Positions that have the 5 bytes to hash.
    const hashEnd = n - 4;
    // The buffers and tables in locals, as the decoders have them (measured faster there). 4-byte loads: V8
    // compiles DataView reads to one unaligned load each.
    const data = input;
    const view = inputView;
    const headOf = headTable;
    const previous = previousTable;
    const out = symbolTable;
    const litlenCounts = litlenCountTable;
    const distanceCounts = distanceCountTable;
    const lengthCode = LENGTH_CODE;
    const distanceCode = DISTANCE_CODE;
    let i = 0;
    /** Positions searched in vain, less {@link matchCredit} per byte matched since (never below 0). */
    let misses = 0;
    while (i < hashEnd) {
      const current = view.getInt32(i, true);
      const hash = hashAt(i, current);
      let candidate = headOf[hash]!;
      headOf[hash] = i;
      previous[i & windowMask] = candidate;
      let bestLength = 3;
      let bestDistance = 0;
      // The match limits are worked out only when there is a candidate: on text with few matches (the symbol
      // table's IDs) most positions have none. (An empty head is -1, below any `low`.)
      const low = i > windowSize ? i - windowSize : 0;
      if (candidate >= low) {
        const maxLength = n - i < maxMatch ? n - i : maxMatch;
        const enough = maxLength < niceLength ? maxLength : niceLength;
        for (let chain = maxChain; ; ) {
          if (
            data[candidate + bestLength] === data[i + bestLength] &&
            view.getInt32(candidate, true) === current
          ) {
            let length = 4;
            // 4 bytes per step; the first differing byte is the lowest set byte of the XOR (little-endian).
            for (;;) {
              if (length + 4 > maxLength) {
                while (length < maxLength && data[candidate + length] === data[i + length]) length++;
                break;
              }
              const diff = view.getInt32(candidate + length, true) ^ view.getInt32(i + length, true);
              if (diff !== 0) {
                length += (31 - Math.clz32(diff & -diff)) >>> 3;
                break;
              }
              length += 4;
            }
            if (length > bestLength) {
              bestLength = length;
              bestDistance = i - candidate;
              if (length >= enough) break;
            }
          }
          if (--chain === 0) break;
          candidate = previous[candidate & windowMask]!;
          if (candidate < low) break;
        }
      }
      if (bestDistance !== 0) {
        out[symbolCount++] = (bestDistance << 8) | (bestLength - 3);
        litlenCounts[257 + lengthCode[bestLength - 3]!]!++;
        const d = bestDistance - 1;
        distanceCounts[d < 256 ? distanceCode[d]! : distanceCode[256 + (d >>> 7)]!]!++;
        const matchEnd = i + bestLength;
        if (bestLength <= maxInsert) {
          const insertEnd = matchEnd < hashEnd ? matchEnd : hashEnd;
          for (let j = i + 1; j < insertEnd; j++) {
            const h = hashAt(j, view.getInt32(j, true));
            previous[j & windowMask] = headOf[h]!;
            headOf[h] = j;
          }
        }
        i = matchEnd;
        misses = misses > bestLength * matchCredit ? misses - bestLength * matchCredit : 0;
      } else {
        const literal = data[i]!;
        out[symbolCount++] = literal;
        litlenCounts[literal]!++;
        i++;
        if (++misses > skipAfter && i < hashEnd && symbolCount < blockSymbols) {
          // Deep in text that does not repeat: the next byte goes out as a literal without a search from it.
          const skipped = data[i]!;
          out[symbolCount++] = skipped;
          litlenCounts[skipped]!++;
          i++;
        }
      }
      if (symbolCount === blockSymbols) {
        writeBlock(writer, data, blockStart, i, symbolCount, false);
        blockStart = i;
        symbolCount = 0;
        litlenCounts.fill(0);
        distanceCounts.fill(0);
      }
    }
    // The last 4 bytes cannot start a match; the symbol buffer has room for them.
    for (; i < n; i++) {
      out[symbolCount++] = data[i]!;
      litlenCounts[data[i]!]!++;
    }
    writeBlock(writer, data, blockStart, n, symbolCount, true);
  };
}

/**
 * Writes `symbols[0, symbolCount)`, the DEFLATE of `data[start, end)`, as one block (stored as several when
 * stored is smallest), from the frequencies counted for it.
 */
function writeBlock(writer: BitWriter, data: Uint8Array, start: number, end: number, symbolCount: number, final: boolean): void {
  litlenFreqs[END_OF_BLOCK] = 1;
  buildCodeLengths(litlenFreqs, LITLEN_SYMBOLS, MAX_CODE_BITS, litlenLengths);
  buildCodeLengths(distanceFreqs, DISTANCE_SYMBOLS, MAX_CODE_BITS, distanceLengths);
  let litlenCount = LITLEN_SYMBOLS;
  while (litlenCount > 257 && litlenLengths[litlenCount - 1] === 0) litlenCount--;
  let distanceCount = DISTANCE_SYMBOLS;
  while (distanceCount > 1 && distanceLengths[distanceCount - 1] === 0) distanceCount--;
  const runCount = runLengthEncode(litlenCount, distanceCount);
  buildCodeLengths(codeLengthFreqs, 19, MAX_CODE_LENGTH_BITS, codeLengthLengths);
  let codeLengthCount = 19;
  while (codeLengthCount > 4 && codeLengthLengths[CODE_LENGTH_ORDER[codeLengthCount - 1]!] === 0) codeLengthCount--;

  let dynamicBits = 3 + 5 + 5 + 4 + 3 * codeLengthCount;
  for (let symbol = 0; symbol < 19; symbol++) dynamicBits += codeLengthFreqs[symbol]! * codeLengthLengths[symbol]!;
  for (let k = 0; k < runCount; k++) {
    const symbol = codeLengthRuns[k]! & 31;
    if (symbol >= 16) dynamicBits += CODE_LENGTH_EXTRA[symbol - 16]!;
  }
  let fixedBits = 3;
  let extraBits = 0;
  for (let symbol = 0; symbol < LITLEN_SYMBOLS; symbol++) {
    const freq = litlenFreqs[symbol]!;
    if (freq === 0) continue;
    dynamicBits += freq * litlenLengths[symbol]!;
    fixedBits += freq * FIXED_LITLEN_LENGTHS[symbol]!;
    if (symbol > 256) extraBits += freq * LENGTH_EXTRA[symbol - 257]!;
  }
  for (let symbol = 0; symbol < DISTANCE_SYMBOLS; symbol++) {
    const freq = distanceFreqs[symbol]!;
    dynamicBits += freq * distanceLengths[symbol]!;
    fixedBits += freq * 5;
    extraBits += freq * DISTANCE_EXTRA[symbol]!;
  }
  dynamicBits += extraBits;
  fixedBits += extraBits;
  const storedBits = (end - start) * 8 + Math.max(1, Math.ceil((end - start) / MAX_STORED)) * 42;

  if (storedBits <= dynamicBits && storedBits <= fixedBits) {
    writeStored(writer, data, start, end, final);
    return;
  }
  if (fixedBits <= dynamicBits) {
    writer.bits((final ? 1 : 0) | (1 << 1), 3);
    buildCodes(FIXED_LITLEN_LENGTHS, 288, litlenCodes);
    buildCodes(FIXED_DISTANCE_LENGTHS, DISTANCE_SYMBOLS, distanceCodes);
    writeSymbols(writer, symbolCount, FIXED_LITLEN_LENGTHS, FIXED_DISTANCE_LENGTHS);
    return;
  }
  writer.bits((final ? 1 : 0) | (2 << 1), 3);
  writer.bits(litlenCount - 257, 5);
  writer.bits(distanceCount - 1, 5);
  writer.bits(codeLengthCount - 4, 4);
  for (let k = 0; k < codeLengthCount; k++) writer.bits(codeLengthLengths[CODE_LENGTH_ORDER[k]!]!, 3);
  buildCodes(codeLengthLengths, 19, codeLengthCodes);
  for (let k = 0; k < runCount; k++) {
    const symbol = codeLengthRuns[k]! & 31;
    writer.bits(codeLengthCodes[symbol]!, codeLengthLengths[symbol]!);
    if (symbol >= 16) writer.bits(codeLengthRuns[k]! >>> 5, CODE_LENGTH_EXTRA[symbol - 16]!);
  }
  buildCodes(litlenLengths, LITLEN_SYMBOLS, litlenCodes);
  buildCodes(distanceLengths, DISTANCE_SYMBOLS, distanceCodes);
  writeSymbols(writer, symbolCount, litlenLengths, distanceLengths);
}

/**
 * Run-length encodes the literal/length code lengths `[0, litlenCount)` and distance code lengths
 * `[0, distanceCount)` as one sequence into {@link codeLengthRuns}, counting {@link codeLengthFreqs}; returns
 * the number of runs.
 */
function runLengthEncode(litlenCount: number, distanceCount: number): number {
  allLengths.set(litlenLengths.subarray(0, litlenCount));
  allLengths.set(distanceLengths.subarray(0, distanceCount), litlenCount);
  const total = litlenCount + distanceCount;
  codeLengthFreqs.fill(0);
  let runs = 0;
  const emit = (symbol: number, extra: number): void => {
    codeLengthRuns[runs++] = symbol | (extra << 5);
    codeLengthFreqs[symbol]!++;
  };
  for (let i = 0; i < total; ) {
    const length = allLengths[i]!;
    let run = 1;
    while (i + run < total && allLengths[i + run] === length) run++;
    i += run;
    if (length === 0) {
      for (; run >= 11; ) {
        const take = run < 138 ? run : 138;
        emit(18, take - 11);
        run -= take;
      }
      if (run >= 3) {
        emit(17, run - 3);
        run = 0;
      }
    } else {
      emit(length, 0);
      run--;
      for (; run >= 3; ) {
        const take = run < 6 ? run : 6;
        emit(16, take - 3);
        run -= take;
      }
    }
    for (; run > 0; run--) emit(length, 0);
  }
  return runs;
}

/**
 * Writes `symbols[0, count)` and the end of block with the codes in {@link litlenCodes} and {@link distanceCodes}.
 *
 * The bit buffer is flushed without a branch after every code: its 32-bit word is stored whole and the output
 * position advanced by the complete bytes it held, leaving fewer than 8 bits pending. A flush only when 32 bits
 * had gathered was a branch taken every few codes in no pattern the CPU could learn.
 */
function writeSymbols(writer: BitWriter, count: number, litlenLengthsOf: Uint8Array, distanceLengthsOf: Uint8Array): void {
  for (let k = 0; k < 256; k++) {
    const code = LENGTH_CODE[k]!;
    const length = litlenLengthsOf[257 + code]!;
    lengthBits[k] = litlenCodes[257 + code]! | ((k + 3 - LENGTH_BASE[code]!) << length);
    lengthBitCounts[k] = length + LENGTH_EXTRA[code]!;
  }
  for (let k = 0; k < 256; k++) literalBits[k] = litlenCodes[k]! | (litlenLengthsOf[k]! << 16);
  for (let code = 0; code < DISTANCE_SYMBOLS; code++) {
    // The code's bits minus its base's extra bits: adding `distance << length` gives the code and extra bits.
    distanceBits[code] = distanceCodes[code]! - (DISTANCE_BASE[code]! << distanceLengthsOf[code]!);
    distanceBitCounts[code] = distanceLengthsOf[code]! + DISTANCE_EXTRA[code]!;
  }
  writer.flushWords();
  // The module's tables and the bit writer's state in locals: this loop writes every code of the block.
  const view = viewOf(writer.out);
  const input = symbols;
  const literals = literalBits;
  const lengths = lengthBits;
  const lengthCounts = lengthBitCounts;
  const distanceCodeOf = DISTANCE_CODE;
  const distanceValues = distanceBits;
  const distanceCounts = distanceBitCounts;
  let pos = writer.pos;
  let buf = writer.buf;
  let bitCount = writer.count;
  for (let k = 0; k < count; k++) {
    const symbol = input[k]!;
    if (symbol < 256) {
      // At most 15 bits onto at most 7.
      const entry = literals[symbol]!;
      buf |= (entry & 0xffff) << bitCount;
      bitCount += entry >>> 16;
    } else {
      // The length's code and extra bits (at most 20) onto at most 7 pending, flushed...
      const lengthIndex = symbol & 255;
      buf |= lengths[lengthIndex]! << bitCount;
      bitCount += lengthCounts[lengthIndex]!;
      view.setInt32(pos, buf, true);
      pos += bitCount >>> 3;
      buf >>>= bitCount & 24;
      bitCount &= 7;
      // ...then the distance's (at most 28): in two parts when they would pass 32 bits.
      const distance = symbol >>> 8;
      const d = distance - 1;
      const code = d < 256 ? distanceCodeOf[d]! : distanceCodeOf[256 + (d >>> 7)]!;
      const value = distanceValues[code]! + (distance << distanceLengthsOf[code]!);
      const n = distanceCounts[code]!;
      if (bitCount + n > 32) {
        buf |= (value & 0xffff) << bitCount;
        bitCount += 16;
        view.setInt32(pos, buf, true);
        pos += bitCount >>> 3;
        buf >>>= bitCount & 24;
        bitCount &= 7;
        buf |= (value >>> 16) << bitCount;
        bitCount += n - 16;
      } else {
        buf |= value << bitCount;
        bitCount += n;
      }
    }
    view.setInt32(pos, buf, true);
    pos += bitCount >>> 3;
    buf >>>= bitCount & 24;
    bitCount &= 7;
  }
  writer.pos = pos;
  writer.buf = buf;
  writer.count = bitCount;
  writer.bits(litlenCodes[END_OF_BLOCK]!, litlenLengthsOf[END_OF_BLOCK]!);
}

/** Writes `data[start, end)` as stored blocks of at most 65535 bytes, the last one final if `final`. */
function writeStored(writer: BitWriter, data: Uint8Array, start: number, end: number, final: boolean): void {
  do {
    const length = Math.min(end - start, MAX_STORED);
    const last = start + length === end;
    writer.bits(final && last ? 1 : 0, 3);
    writer.align();
    const out = writer.out;
    let pos = writer.pos;
    out[pos++] = length;
    out[pos++] = length >>> 8;
    out[pos++] = ~length;
    out[pos++] = ~length >>> 8;
    out.set(data.subarray(start, start + length), pos);
    writer.pos = pos + length;
    start += length;
  } while (start < end);
}

