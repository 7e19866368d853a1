/**
 * The LZ4 block format: a bounds-checked decoder that appends to one output buffer, and the compressor of
 * pierrec/lz4 v4 (the Go library Loki uses, "fast" level) so that our blocks are byte-identical to Loki's.
 */
import { LokiChunkError } from '../errors.js';
import { copyBytes, copyLiteral, copyMatch, viewOf } from './lz-copy.js';
import type { OutputBuffer } from './output-buffer.js';

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

/** Position of the last 6-byte sequence with each hash, as its low 16 bits (pierrec's layout). */
const hashTable = /*#__PURE__*/ new Uint16Array(1 << 16);
/** Which {@link hashTable} entries are set in the current block, one bit each. */
const hashInUse = /*#__PURE__*/ new Uint32Array((1 << 16) / 32);

// pierrec's hash: bits 48-63 of (the 6 bytes at the position << 16) * 227718039650203, computed exactly in
// 32-bit pieces: the prime is PRIME_HIGH * 2^32 + PRIME_LOW, PRIME_LOW is split again into 16-bit halves.
const PRIME_HIGH = 0xcf1b;
const PRIME_LOW = 0xbcdcbf9b;
const PRIME_LOW_HIGH = PRIME_LOW >>> 16;
const PRIME_LOW_LOW = PRIME_LOW & 0xffff;

/** The 16-bit hash of `data[at, at + 6)`. */
function hash6(data: Uint8Array, at: number): number {
  const low = (data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24)) >>> 0;
  const high = data[at + 4]! | (data[at + 5]! << 8);
  // floor(low * PRIME_LOW / 2^32), exact: both partial products stay below 2^48.
  const carry = Math.floor((low * PRIME_LOW_HIGH + Math.floor((low * PRIME_LOW_LOW) / 0x10000)) / 0x10000);
  return (carry + Math.imul(low, PRIME_HIGH) + Math.imul(high, PRIME_LOW)) & 0xffff;
}

/** The candidate position for `hash` at `position`: the stored low 16 bits, placed in the window before it. */
function candidateFor(hash: number, position: number): number {
  let candidate = position & ~WINDOW_MASK;
  if ((hashInUse[hash >>> 5]! & (1 << (hash & 31))) !== 0) candidate += hashTable[hash]!;
  return candidate >= position ? candidate - WINDOW_SIZE : candidate;
}

function remember(hash: number, position: number): void {
  hashTable[hash] = position;
  hashInUse[hash >>> 5]! |= 1 << (hash & 31);
}

function sameUint32(data: Uint8Array, a: number, b: number): boolean {
  return data[a] === data[b] && data[a + 1] === data[b + 1] && data[a + 2] === data[b + 2] && data[a + 3] === data[b + 3];
}

/** Bytes of the 255-run that extends a length field of `value` (the 4-bit nibble already holds 15). */
function lengthExtensionSize(value: number): number {
  return value >= 15 ? Math.floor((value - 15) / 255) + 1 : 0;
}

function writeLengthExtension(out: Uint8Array, at: number, value: number): number {
  let left = value - 15;
  for (; left >= 255; left -= 255) out[at++] = 255;
  out[at++] = left;
  return at;
}

/**
 * Compresses `source` as one LZ4 block into `out` at `outStart`, using at most `source.length` bytes there.
 *
 * Returns the compressed size, or 0 when the block does not compress into fewer bytes than it has (the frame
 * writer then stores it uncompressed), exactly when pierrec/lz4 does.
 */
export function compressLz4Block(source: Uint8Array, out: Uint8Array, outStart: number): number {
  const outEnd = outStart + source.length;
  hashInUse.fill(0);
  const scanEnd = source.length - MATCH_FINDER_LIMIT;
  let at = 0;
  let to = outStart;
  let anchor = 0;

  while (at < scanEnd) {
    // Try a match at `at`, `at + 1` and `at + 2`, taking the first.
    const hash = hash6(source, at);
    const hash2 = hash6(source, at + 1);
    const candidate = candidateFor(hash, at);
    const candidate2 = candidateFor(hash2, at + 1);
    remember(hash, at);
    remember(hash2, at + 1);

    let distance = at - candidate;
    if (distance <= 0 || distance >= WINDOW_SIZE || !sameUint32(source, at, candidate)) {
      const hash3 = hash6(source, at + 2);
      const candidate3 = candidateFor(hash3, at + 2);
      at += 1;
      distance = at - candidate2;
      if (distance <= 0 || distance >= WINDOW_SIZE || !sameUint32(source, at, candidate2)) {
        at += 1;
        distance = at - candidate3;
        remember(hash3, at);
        if (distance <= 0 || distance >= WINDOW_SIZE || !sameUint32(source, at, candidate3)) {
          at += 2 + ((at - anchor) >> ADAPT_SKIP_LOG);
          continue;
        }
      }
    }

    // A 4-byte match: extend it backwards over the pending literals, then forwards 8 bytes at a time.
    let literalLength = at - anchor;
    let matchLength = MIN_MATCH;
    for (let back = at - distance - 1; literalLength > 0 && back >= 0 && source[at - 1] === source[back]; back--) {
      at--;
      literalLength--;
      matchLength++;
    }
    const matchCounted = at + MIN_MATCH;
    at += matchLength;
    while (at + 8 <= scanEnd) {
      let same = 0;
      while (same < 8 && source[at + same] === source[at + same - distance]) same++;
      at += same;
      if (same < 8) break;
    }
    const extraMatch = at - matchCounted;

    const sequenceSize =
      1 + lengthExtensionSize(literalLength) + literalLength + 2 + lengthExtensionSize(extraMatch);
    if (to + sequenceSize > outEnd) return 0;
    const tokenAt = to++;
    out[tokenAt] = (Math.min(literalLength, 15) << 4) | Math.min(extraMatch, 15);
    if (literalLength >= 15) to = writeLengthExtension(out, to, literalLength);
    copyBytes(source, anchor, out, to, literalLength);
    to += literalLength;
    out[to++] = distance & 0xff;
    out[to++] = distance >>> 8;
    if (extraMatch >= 15) to = writeLengthExtension(out, to, extraMatch);
    anchor = at;

    if (at >= scanEnd) break;
    remember(hash6(source, at - 2), at - 2);
  }

  // Nothing matched: pierrec reports the block incompressible.
  if (anchor === 0) return 0;
  const literalLength = source.length - anchor;
  const tokenSize = 1 + lengthExtensionSize(literalLength);
  if (to + tokenSize - outStart >= anchor || to + tokenSize + literalLength > outEnd) return 0;
  out[to++] = Math.min(literalLength, 15) << 4;
  if (literalLength >= 15) to = writeLengthExtension(out, to, literalLength);
  copyBytes(source, anchor, out, to, literalLength);
  return to + literalLength - outStart;
}
