/**
 * The LZ4 block format: a bounds-checked decoder that appends to one output buffer, and the compressor of
 * pierrec/lz4 v4 (the Go library Loki uses, "fast" level) so that our blocks are byte-identical to Loki's.
 */
import { LokiChunkError } from '../../errors.js';
import { copyBytes, copyLiteral, copyMatch, viewOf } from '../lz-copy.js';
import type { OutputBuffer } from '../output-buffer.js';

function corrupt(message: string, offset: number): LokiChunkError {
  return new LokiChunkError('CORRUPT_STREAM', `lz4: ${message}`, { offset });
}

/**
 * Decodes the LZ4 block `input[start, end)` onto the end of `output`.
 *
 * Every literal run, match offset and match length is checked: literals must lie inside the block, a match may
 * reach back no further than `windowStart` (the block's own start for independent blocks, the frame's for
 * linked ones) and the block may not produce more than `blockLimit` bytes.
 * @throws {LokiChunkError} `CORRUPT_STREAM` for a malformed block, `LIMIT_EXCEEDED` past `output.limit`;
 *   offsets are positions in `input`
 */
export function decodeLz4Block(
  input: Uint8Array,
  start: number,
  end: number,
  output: OutputBuffer,
  windowStart: number,
  blockLimit: number,
  inputView: DataView = viewOf(input),
): void {
  let out = output.bytes;
  let outView = viewOf(out);
  let to = output.length;
  const blockEnd = to + blockLimit;
  let at = start;
  for (;;) {
    if (at >= end) throw corrupt('block ends without its final literals', at);
    const token = input[at++]!;

    let literalLength = token >>> 4;
    if (literalLength === 15) {
      let extra: number;
      do {
        if (at >= end) throw corrupt('literal length runs past the block', at);
        extra = input[at++]!;
        literalLength += extra;
      } while (extra === 255);
    }
    // No branch for empty literal runs (three in five on log text): copying none costs less than a mispredict.
    if (literalLength > end - at) throw corrupt('literals run past the block', at);
    if (literalLength > blockEnd - to) throw corrupt('block decodes to more than its maximum size', at);
    if (literalLength > out.length - to) {
      output.length = to;
      out = output.reserve(literalLength, at);
      outView = viewOf(out);
    }
    copyLiteral(input, inputView, at, out, outView, to, literalLength);
    at += literalLength;
    to += literalLength;
    // The last sequence of a block is literals only.
    if (at === end) break;

    if (end - at < 2) throw corrupt('match offset runs past the block', at);
    const distance = input[at]! | (input[at + 1]! << 8);
    if (distance === 0 || distance > to - windowStart) throw corrupt(`match offset ${distance} is out of range`, at);
    at += 2;

    let matchLength = (token & 15) + 4;
    if (matchLength === 19) {
      let extra: number;
      do {
        if (at >= end) throw corrupt('match length runs past the block', at);
        extra = input[at++]!;
        matchLength += extra;
      } while (extra === 255);
    }
    if (matchLength > blockEnd - to) throw corrupt('block decodes to more than its maximum size', at);
    if (matchLength > out.length - to) {
      output.length = to;
      out = output.reserve(matchLength, at);
      outView = viewOf(out);
    }
    copyMatch(out, outView, to, distance, matchLength);
    to += matchLength;
  }
  output.length = to;
}

// ---- compressor (pierrec/lz4 v4 `CompressBlock`, reproduced for byte-identical output) ----

const MIN_MATCH = 4;
/** Matches reach at most 64 KiB back. */
const WINDOW_SIZE = 1 << 16;
const WINDOW_MASK = WINDOW_SIZE - 1;
/** The last match must start at least this many bytes before the end of the block. */
const MATCH_FINDER_LIMIT = 10 + MIN_MATCH;
/** Skip faster through data without matches: step = 1 + (bytes since last match >> this). */
const ADAPT_SKIP_LOG = 7;

/**
 * Position of the last 6-byte sequence with each hash, as its low 16 bits (pierrec's layout). Cleared for every
 * block: an unset entry then reads as 0, which is what pierrec's `inUse` bitmap makes it read as.
 */
const hashTable = /*#__PURE__*/ new Uint16Array(1 << 16);

// pierrec's hash: bits 48-63 of (the 6 bytes at the position << 16) * 227718039650203 mod 2^64, i.e. bits 32-47
// of X * PRIME mod 2^48 for the 48-bit value X. In 24-bit halves, X = XH * 2^24 + XL and PRIME = 0xcf1bbc * 2^24 +
// 0xdcbf9b, that is (MID * 2^24 + XL * 0xdcbf9b) mod 2^48 with MID = XH * 0xdcbf9b + XL * 0xcf1bbc mod 2^24 (the
// XH * 0xcf1bbc term is a multiple of 2^48); `Math.imul` gives MID exactly, as it keeps the low 32 bits of each
// product. With XL * 0xdcbf9b = H * 2^24 + L (L < 2^24), bits 32-47 of (MID + H) * 2^24 + L are bits 8-23 of
// MID + H: L cannot carry into them. H is the product scaled by 2^-24, exact in a double (below 2^48, it has at
// most 48 significant bits), then truncated. One double multiply in all: the hash ~17% faster than with the whole
// sum in doubles, which was ~4% faster than taking the high word of a 64-bit product from a double and
// correcting it. The constants are literals for the reason given in `makeBlockCompressor`.

/**
 * @internal The 16-bit hash of 6 bytes: `low` holds the first 4 (little-endian), the low 16 bits of `high` the
 * other 2. Exported for its test against 64-bit arithmetic.
 */
export function hashOf(low: number, high: number): number {
  const lowHalf = low & 0xffffff;
  const highHalf = (low >>> 24) | ((high & 0xffff) << 8);
  const mid = (Math.imul(highHalf, 0xdcbf9b) + Math.imul(lowHalf, 0xcf1bbc)) & 0xffffff;
  return ((mid + ((lowHalf * (0xdcbf9b / 0x1000000)) | 0)) >>> 8) & 0xffff;
}

/** Bytes of the 255-run that extends a length field of `value` (the 4-bit nibble already holds 15). */
function lengthExtensionSize(value: number): number {
  // Most lengths need no extension or one byte: no division for those (the compressor's loop has this inline).
  if (value < 15 + 255) return value >= 15 ? 1 : 0;
  return Math.floor((value - 15) / 255) + 1;
}

function writeLengthExtension(out: Uint8Array, at: number, value: number): number {
  let left = value - 15;
  for (; left >= 255; left -= 255) out[at++] = 255;
  out[at++] = left;
  return at;
}

/** The largest block an LZ4 frame holds (block maximum code 7). */
const MAX_BLOCK_SIZE = 4 << 20;

/** Compresses the first `length` bytes of the work input into the work output; returns the size, or 0. */
type BlockCompressor = (length: number) => number;

/** Room after the work buffers for literals copied by 8-byte words. */
const COPY_SLACK = 8;
let workInput: Uint8Array | undefined;
let workOutput: Uint8Array | undefined;
let blockCompressor: BlockCompressor | undefined;

/**
 * Compresses `source` (at most 4 MiB, the largest frame block) as one LZ4 block into `out` at `outStart`, using
 * at most `source.length` bytes there.
 *
 * Returns the compressed size, or 0 when the block does not compress into fewer bytes than it has (the frame
 * writer then stores it uncompressed), exactly when pierrec/lz4 does.
 *
 * The block is compressed from a work buffer into another, both of the largest block's size (allocated on first
 * use; only the pages a block touches become resident), by a compressor made once as a closure over them: V8
 * then compiles their views as constants, without a map, detach or length check on each load (~5-10% faster,
 * even with the copies in and out).
 */
export function compressLz4Block(source: Uint8Array, out: Uint8Array, outStart: number): number {
  if (source.length > MAX_BLOCK_SIZE) throw new RangeError(`lz4: a block holds at most ${MAX_BLOCK_SIZE} bytes`);
  if (workInput === undefined || workOutput === undefined || blockCompressor === undefined) {
    workInput = new Uint8Array(MAX_BLOCK_SIZE + COPY_SLACK);
    workOutput = new Uint8Array(MAX_BLOCK_SIZE + COPY_SLACK);
    blockCompressor = makeBlockCompressor(workInput, workOutput, hashTable);
  }
  workInput.set(source);
  const size = blockCompressor(source.length);
  if (size > 0) out.set(workOutput.subarray(0, size), outStart);
  return size;
}

/** The block compressor over the work buffers `input` and `output` and the hash table `hashes`. Called once. */
function makeBlockCompressor(input: Uint8Array, output: Uint8Array, hashes: Uint16Array): BlockCompressor {
  const inputView = viewOf(input);
  const outputView = viewOf(output);
  // The module's constants copied into this scope, for V8 to fold them in as it does the buffers (~14% faster;
  // why: see `makeElementEncoder` in `snappy/block.ts`).
  const windowSize = WINDOW_SIZE;
  const windowMask = WINDOW_MASK;
  const matchFinderLimit = MATCH_FINDER_LIMIT;
  const adaptSkipLog = ADAPT_SKIP_LOG;
  const minMatch = MIN_MATCH;

  /** The candidate position for `hash` at `position`: the stored low 16 bits, placed in the window before it. */
  const candidateFor = (hash: number, position: number): number => {
    const candidate = (position & ~windowMask) + hashes[hash]!;
    // One window back when at or past `position`, without a branch: past the first 64 KiB of a block that is
    // random, and the branch cost the compressor ~15% on 256 KiB blocks.
    return candidate - (((position - candidate - 1) >> 31) & windowSize);
  };

  /** Whether `candidate` starts a match of at least 4 bytes for `at`, whose 4 bytes are `value`, within the window. */
  const matchesAt = (at: number, value: number, candidate: number): boolean => {
    const distance = at - candidate;
    return distance > 0 && distance < windowSize && value === inputView.getInt32(candidate, true);
  };

  return (length) => {
    // The buffers in locals, as the decoders have them (measured faster there).
    const source = input;
    const view = inputView;
    const outView = outputView;
    const out = output;
    const table = hashes;
    table.fill(0);
    const scanEnd = length - matchFinderLimit;
    let at = 0;
    let to = 0;
    let anchor = 0;

    while (at < scanEnd) {
      // Try a match at `at`, `at + 1` and `at + 2`, taking the first.
      // Bytes at+0..7 in two loads; the hashes at `at`, `at + 1` and `at + 2` are shifts of them.
      const first = view.getInt32(at, true);
      const second = view.getInt32(at + 4, true);
      const hash = hashOf(first, second);
      const atPlus1 = (first >>> 8) | (second << 24);
      const hash2 = hashOf(atPlus1, second >>> 8);
      const candidate = candidateFor(hash, at);
      const candidate2 = candidateFor(hash2, at + 1);
      table[hash] = at;
      table[hash2] = at + 1;

      let distance: number;
      if (matchesAt(at, first, candidate)) {
        distance = at - candidate;
      } else {
        const atPlus2 = (first >>> 16) | (second << 16);
        const hash3 = hashOf(atPlus2, second >>> 16);
        const candidate3 = candidateFor(hash3, at + 2);
        at += 1;
        if (matchesAt(at, atPlus1, candidate2)) {
          distance = at - candidate2;
        } else {
          at += 1;
          table[hash3] = at;
          if (!matchesAt(at, atPlus2, candidate3)) {
            at += 2 + ((at - anchor) >> adaptSkipLog);
            continue;
          }
          distance = at - candidate3;
        }
      }

      // A 4-byte match: extend it backwards over the pending literals, then forwards 8 bytes at a time.
      let literalLength = at - anchor;
      let matchLength = minMatch;
      for (let back = at - distance - 1; literalLength > 0 && back >= 0 && source[at - 1] === source[back]; back--) {
        at--;
        literalLength--;
        matchLength++;
      }
      const matchCounted = at + minMatch;
      at += matchLength;
      // Two 32-bit compares per 8 bytes; a differing word's lowest set bit says how many of its bytes match.
      while (at + 8 <= scanEnd) {
        let difference = view.getInt32(at, true) ^ view.getInt32(at - distance, true);
        if (difference === 0) {
          difference = view.getInt32(at + 4, true) ^ view.getInt32(at + 4 - distance, true);
          if (difference === 0) {
            at += 8;
            continue;
          }
          at += 4;
        }
        at += (31 - Math.clz32(difference & -difference)) >>> 3;
        break;
      }
      const extraMatch = at - matchCounted;

      // Lengths below 15 + 255 written out: the compressor is too large for V8 to inline the helper.
      const literalExtension = literalLength < 15 ? 0 : literalLength < 15 + 255 ? 1 : lengthExtensionSize(literalLength);
      const matchExtension = extraMatch < 15 ? 0 : extraMatch < 15 + 255 ? 1 : lengthExtensionSize(extraMatch);
      const sequenceSize = 1 + literalExtension + literalLength + 2 + matchExtension;
      if (to + sequenceSize > length) return 0;
      const tokenAt = to++;
      out[tokenAt] = (Math.min(literalLength, 15) << 4) | Math.min(extraMatch, 15);
      if (literalLength >= 15) to = writeLengthExtension(out, to, literalLength);
      // By 8-byte words, past the literal's end into what comes next or the slack (~6% faster than bytes). The
      // loop of `copyWords` written out: V8 does not inline it into a function this large (~4% slower).
      for (let done = 0; done < literalLength; done += 8) {
        outView.setInt32(to + done, view.getInt32(anchor + done, true), true);
        outView.setInt32(to + done + 4, view.getInt32(anchor + done + 4, true), true);
      }
      to += literalLength;
      out[to++] = distance & 0xff;
      out[to++] = distance >>> 8;
      if (extraMatch >= 15) to = writeLengthExtension(out, to, extraMatch);
      anchor = at;

      if (at >= scanEnd) break;
      // The 6 bytes at `at - 2`, read here rather than through a helper, for the same reason.
      table[hashOf(view.getInt32(at - 2, true), view.getUint16(at + 2, true))] = at - 2;
    }

    // Nothing matched: pierrec reports the block incompressible.
    if (anchor === 0) return 0;
    const literalLength = length - anchor;
    const tokenSize = 1 + lengthExtensionSize(literalLength);
    if (to + tokenSize >= anchor || to + tokenSize + literalLength > length) return 0;
    out[to++] = Math.min(literalLength, 15) << 4;
    if (literalLength >= 15) to = writeLengthExtension(out, to, literalLength);
    copyBytes(source, anchor, out, to, literalLength);
    return to + literalLength;
  };
}
