/**
 * The Snappy block format: a bounds-checked decoder that writes straight into the caller's output, and the
 * compressor of golang/snappy (the library Loki uses) so that our blocks are byte-identical to Loki's.
 */
import { LokiChunkError } from '../errors.js';
import { copyBytes, copyLiteral, copyMatch, viewOf } from './lz-copy.js';

const TAG_LITERAL = 0;
const TAG_COPY_1 = 1;
const TAG_COPY_2 = 2;

function corrupt(message: string, offset: number): LokiChunkError {
  return new LokiChunkError('CORRUPT_STREAM', `snappy: ${message}`, { offset });
}

/** A block's decoded length (its leading uvarint) and where its elements start. */
export interface SnappyBlockHeader {
  decodedLength: number;
  elementsStart: number;
}

/**
 * Reads the uvarint decoded length at the start of the block `input[start, end)`.
 * @throws {LokiChunkError} `CORRUPT_STREAM` when it is missing or above 2^32 - 1 (golang/snappy's limit)
 */
export function readSnappyBlockHeader(input: Uint8Array, start: number, end: number): SnappyBlockHeader {
  let value = 0;
  let scale = 1;
  for (let at = start; at < end && at < start + 5; at++) {
    const byte = input[at]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      if (value > 0xffffffff) break;
      return { decodedLength: value, elementsStart: at + 1 };
    }
    scale *= 128;
  }
  throw corrupt('bad decoded-length varint', start);
}

/**
 * What each tag byte says, so that the decoder reads an element without branching on its kind: bits 0-7 the
 * length (0 for the literals whose length follows), bits 8-10 a copy-1 offset's high bits, bits 11-13 how
 * many bytes follow the tag, bit 15 set for literals. (C++ Snappy decodes with the same kind of table.)
 */
const TAG_LITERAL_BIT = 0x8000;
const TAG_TABLE = /*#__PURE__*/ buildTagTable();
/** Masks keeping the 0-4 bytes after the tag of a 32-bit little-endian load. */
const TRAILER_MASKS = /*#__PURE__*/ new Int32Array([0, 0xff, 0xffff, 0xffffff, -1]);

function buildTagTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let tag = 0; tag < 256; tag++) {
    const kind = tag & 3;
    const upper = tag >>> 2;
    if (kind === TAG_LITERAL) {
      // 0-59: the length-1 is in the tag; 60-63: it follows in 1-4 bytes.
      table[tag] = TAG_LITERAL_BIT | (upper < 60 ? upper + 1 : (upper - 59) << 11);
    } else if (kind === TAG_COPY_1) {
      table[tag] = (4 + (upper & 7)) | ((tag >>> 5) << 8) | (1 << 11);
    } else {
      table[tag] = (1 + upper) | ((kind === TAG_COPY_2 ? 2 : 4) << 11);
    }
  }
  return table;
}

/** The `count` bytes at `input[at, ...)` as a little-endian number, near the end of the input. */
function readTrailerBytes(input: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) value |= input[at + i]! << (8 * i);
  return value;
}

/**
 * Decodes the elements of a Snappy block, `input[start, end)`, into `output[to, to + decodedLength)`; the caller
 * has read the length with {@link readSnappyBlockHeader} and made room for it. Every literal, copy offset and
 * copy length is checked against the block and the declared length, and the block must fill it exactly. Bytes
 * of `output` after the block may be overwritten (see `lz-copy.ts`). Pass {@link viewOf} `input` and `output`
 * when decoding many blocks, to build them once.
 * @throws {LokiChunkError} `CORRUPT_STREAM`; offsets are positions in `input`
 */
export function decodeSnappyBlock(
  input: Uint8Array,
  start: number,
  end: number,
  output: Uint8Array,
  to: number,
  decodedLength: number,
  inputView: DataView = viewOf(input),
  outputView: DataView = viewOf(output),
): void {
  const blockStart = to;
  const blockEnd = to + decodedLength;
  // Where a 32-bit load of the bytes after a tag still fits in the input.
  const lastWordTag = input.length - 5;
  // Module constants in locals: V8 re-reads and re-checks a module binding on every use.
  const tagTable = TAG_TABLE;
  const trailerMasks = TRAILER_MASKS;
  let at = start;
  while (at < end) {
    const tag = input[at]!;
    const entry = tagTable[tag]!;
    const trailerLength = (entry >>> 11) & 7;
    if (end - at <= trailerLength) throw corrupt(`${tag & 3 ? 'copy' : 'literal length'} runs past the block`, at);
    // One load and a mask read the 0-4 bytes after the tag, whatever the element's kind.
    const trailer =
      (at <= lastWordTag ? inputView.getInt32(at + 1, true) : readTrailerBytes(input, at + 1, trailerLength)) &
      trailerMasks[trailerLength]!;
    at += 1 + trailerLength;

    if (entry & TAG_LITERAL_BIT) {
      const length = trailerLength === 0 ? entry & 0xff : (trailer >>> 0) + 1;
      if (length > end - at) throw corrupt('literal runs past the block', at);
      if (length > blockEnd - to) throw corrupt('block decodes to more than its declared length', at);
      copyLiteral(input, inputView, at, output, outputView, to, length);
      at += length;
      to += length;
      continue;
    }

    const length = entry & 0xff;
    const distance = ((entry & 0x700) + trailer) >>> 0;
    if (distance === 0 || distance > to - blockStart) throw corrupt(`copy offset ${distance} is out of range`, at);
    if (length > blockEnd - to) throw corrupt('block decodes to more than its declared length', at);
    copyMatch(output, outputView, to, distance, length);
    to += length;
  }
  if (to !== blockEnd) throw corrupt(`block decodes to ${to - blockStart} bytes, not the ${decodedLength} it declares`, end);
}

// ---- compressor (golang/snappy `Encode`, reproduced for byte-identical output) ----

/** golang/snappy keeps 15 bytes of input margin in its match loop. */
const INPUT_MARGIN = 15;
/** Blocks shorter than this are one literal. */
const MIN_NON_LITERAL_BLOCK_SIZE = 1 + 1 + INPUT_MARGIN;
const MAX_TABLE_SIZE = 1 << 14;
const TABLE_MASK = MAX_TABLE_SIZE - 1;
const HASH_MULTIPLIER = 0x1e35a7bd;

/** Last position of each hashed 4-byte sequence, relative to the block start. */
const hashTable = /*#__PURE__*/ new Uint16Array(MAX_TABLE_SIZE);

/** The most bytes {@link compressSnappyBlock} can write for `length` input bytes (golang/snappy's bound). */
export function maxSnappyBlockLength(length: number): number {
  return 32 + length + Math.floor(length / 6);
}

function emitLiteral(out: Uint8Array, to: number, source: Uint8Array, from: number, end: number): number {
  const lengthMinusOne = end - from - 1;
  if (lengthMinusOne < 60) {
    out[to++] = lengthMinusOne << 2;
  } else if (lengthMinusOne < 256) {
    out[to++] = 60 << 2;
    out[to++] = lengthMinusOne;
  } else {
    out[to++] = 61 << 2;
    out[to++] = lengthMinusOne & 0xff;
    out[to++] = lengthMinusOne >>> 8;
  }
  copyBytes(source, from, out, to, end - from);
  return to + end - from;
}

function emitCopy(out: Uint8Array, to: number, distance: number, length: number): number {
  // Lengths above 64 are split as golang/snappy splits them: 64s, then a 60 when 65-67 would be left.
  for (; length >= 68; length -= 64) {
    out[to++] = (63 << 2) | TAG_COPY_2;
    out[to++] = distance & 0xff;
    out[to++] = distance >>> 8;
  }
  if (length > 64) {
    out[to++] = (59 << 2) | TAG_COPY_2;
    out[to++] = distance & 0xff;
    out[to++] = distance >>> 8;
    length -= 60;
  }
  if (length >= 12 || distance >= 2048) {
    out[to++] = ((length - 1) << 2) | TAG_COPY_2;
    out[to++] = distance & 0xff;
    out[to++] = distance >>> 8;
    return to;
  }
  out[to++] = ((distance >>> 8) << 5) | ((length - 4) << 2) | TAG_COPY_1;
  out[to++] = distance & 0xff;
  return to;
}

/**
 * How many bytes from `a` and `b` onwards are equal, stopping at `end` (`a < b`). Compares 32-bit words while
 * they fit, then the differing word's low bytes (`Math.clz32(x & -x)` finds its lowest set bit).
 */
function matchLength(source: Uint8Array, view: DataView, a: number, b: number, end: number): number {
  const start = b;
  for (; b + 4 <= end; a += 4, b += 4) {
    const difference = view.getInt32(a, true) ^ view.getInt32(b, true);
    if (difference !== 0) return b - start + ((31 - Math.clz32(difference & -difference)) >>> 3);
  }
  while (b < end && source[a] === source[b]) {
    a++;
    b++;
  }
  return b - start;
}

/** Length-prefixed elements of `source[start, end)` (at most 65536 bytes) written at `out[to]`; returns the end. */
function encodeElements(source: Uint8Array, view: DataView, start: number, end: number, out: Uint8Array, to: number): number {
  const length = end - start;
  let shift = 32 - 8;
  let tableSize = 1 << 8;
  while (tableSize < MAX_TABLE_SIZE && tableSize < length) {
    shift--;
    tableSize *= 2;
  }
  // A module binding in a local: V8 re-reads and re-checks a module binding on every use.
  const table = hashTable;
  table.fill(0, 0, tableSize);

  // Positions below are relative to `start`; the match search stops INPUT_MARGIN bytes before the end, so
  // every 32-bit load (at most `searchLimit + 1 + 4` bytes in) stays inside the block.
  const searchLimit = length - INPUT_MARGIN;
  let nextEmit = 0;
  let at = 1;
  let nextHash = Math.imul(view.getInt32(start + at, true), HASH_MULTIPLIER) >>> shift;

  search: for (;;) {
    // Skip faster the longer nothing matches: every 32 misses, step one byte further.
    let skip = 32;
    let next = at;
    let candidate = 0;
    for (;;) {
      at = next;
      const step = skip >> 5;
      next = at + step;
      skip += step;
      if (next > searchLimit) break search;
      candidate = table[nextHash & TABLE_MASK]!;
      table[nextHash & TABLE_MASK] = at;
      nextHash = Math.imul(view.getInt32(start + next, true), HASH_MULTIPLIER) >>> shift;
      if (view.getInt32(start + at, true) === view.getInt32(start + candidate, true)) break;
    }

    to = emitLiteral(out, to, source, start + nextEmit, start + at);

    // Emit copies for as long as the bytes right after one copy match again.
    for (;;) {
      const matchStart = at;
      at += 4 + matchLength(source, view, start + candidate + 4, start + at + 4, end);
      to = emitCopy(out, to, matchStart - candidate, at - matchStart);
      nextEmit = at;
      if (at >= searchLimit) break search;

      table[(Math.imul(view.getInt32(start + at - 1, true), HASH_MULTIPLIER) >>> shift) & TABLE_MASK] = at - 1;
      const here = view.getInt32(start + at, true);
      const currentHash = (Math.imul(here, HASH_MULTIPLIER) >>> shift) & TABLE_MASK;
      candidate = table[currentHash]!;
      table[currentHash] = at;
      if (here !== view.getInt32(start + candidate, true)) {
        nextHash = Math.imul(view.getInt32(start + at + 1, true), HASH_MULTIPLIER) >>> shift;
        at++;
        break;
      }
    }
  }

  if (nextEmit < length) to = emitLiteral(out, to, source, start + nextEmit, end);
  return to;
}

/**
 * Compresses `source[start, end)` (at most 65536 bytes, one framing-format chunk) as one Snappy block at
 * `out[to]`, exactly as golang/snappy's `Encode` does; `out` must have {@link maxSnappyBlockLength} bytes of room.
 * Returns the offset after the block. Pass {@link viewOf} `source` when compressing many blocks, to build it once.
 */
export function compressSnappyBlock(
  source: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  to: number,
  sourceView: DataView = viewOf(source),
): number {
  let length = end - start;
  while (length >= 0x80) {
    out[to++] = (length & 0x7f) | 0x80;
    length >>>= 7;
  }
  out[to++] = length;
  if (end - start === 0) return to;
  if (end - start < MIN_NON_LITERAL_BLOCK_SIZE) return emitLiteral(out, to, source, start, end);
  return encodeElements(source, sourceView, start, end, out, to);
}
