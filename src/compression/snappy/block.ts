/**
 * The Snappy block format: a bounds-checked decoder, and the compressor of golang/snappy (the library Loki
 * uses) so that our blocks are byte-identical to Loki's.
 */
import { writeUvarint } from '../../binary/byte-writer.js';
import { LokiChunkError } from '../../errors.js';
import { copyBytes, copyWords, viewOf } from '../lz-copy.js';

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
 * many bytes follow the tag, bit 14 set when those bytes are a literal's length - 1, bit 15 set for literals.
 * (C++ Snappy decodes with the same kind of table.)
 */
const TAG_TABLE = /*#__PURE__*/ buildTagTable();
/**
 * For each tag byte, the mask keeping the 0-4 bytes after it of a 32-bit little-endian load. Indexed by the tag
 * rather than by the trailer's length: one load less before the element's length is known, and a table this
 * size lives off the V8 heap, where the compiled decoder reads it as a constant, with no map check (the element
 * loop ~7% faster than with 8 masks by length).
 */
const TRAILER_MASKS = /*#__PURE__*/ buildTrailerMasks(TAG_TABLE);

function buildTagTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let tag = 0; tag < 256; tag++) {
    const kind = tag & 3;
    const upper = tag >>> 2;
    if (kind === TAG_LITERAL) {
      // 0-59: the length-1 is in the tag; 60-63: it follows in 1-4 bytes.
      table[tag] = 0x8000 | (upper < 60 ? upper + 1 : 0x4000 | ((upper - 59) << 11));
    } else if (kind === TAG_COPY_1) {
      table[tag] = (4 + (upper & 7)) | ((tag >>> 5) << 8) | (1 << 11);
    } else {
      table[tag] = (1 + upper) | ((kind === TAG_COPY_2 ? 2 : 4) << 11);
    }
  }
  return table;
}

function buildTrailerMasks(tagTable: Uint16Array): Int32Array {
  const byLength = [0, 0xff, 0xffff, 0xffffff, -1];
  return Int32Array.from(tagTable, (entry) => byLength[(entry >>> 11) & 7]!);
}

/**
 * Room left after the decoded bytes and after the elements in the work buffer: 16-byte copies may write up to
 * 16 bytes past an element's end, and read up to 16 bytes past a literal's (or 4 past a tag).
 */
const WORK_SLACK = 32;
/** The most one block may decode to: golang/snappy's `maxBlockSize`, the framing format's chunk limit. */
export const MAX_SNAPPY_BLOCK_DECODED = 65536;
/** The longest block golang/snappy's framing reader accepts: `MaxEncodedLen(maxBlockSize)`. */
export const MAX_SNAPPY_BLOCK_ENCODED = 32 + MAX_SNAPPY_BLOCK_DECODED + Math.floor(MAX_SNAPPY_BLOCK_DECODED / 6);
/** Decoded bytes, then the block's elements, each with its slack. */
const WORK_SIZE = MAX_SNAPPY_BLOCK_DECODED + WORK_SLACK + MAX_SNAPPY_BLOCK_ENCODED + WORK_SLACK;

/** Decodes the elements of a block copied into the work buffer (see {@link decodeSnappyBlock}). */
type ElementDecoder = (at: number, end: number, decodedLength: number, inputShift: number) => void;

let workBuffer: Uint8Array | undefined;
let elementDecoder: ElementDecoder | undefined;

/**
 * Decodes the elements of a Snappy block, `input[start, end)`, into `output[to, to + decodedLength)`; the caller
 * has read the length with {@link readSnappyBlockHeader} and made room for it. Every literal, copy offset and
 * copy length is checked against the block and the declared length, and the block must fill it exactly.
 *
 * The block is decoded in a work buffer that holds the decoded bytes, then the elements: with literals and
 * earlier output in one buffer, literals and copies are the same 16-byte copy from a source chosen with
 * arithmetic, not a branch on the element's kind (which log text makes unpredictable). All checks of an
 * element are folded into one sign test; {@link elementError} then names the failure. ~15% faster on log
 * text than decoding straight into `output`, even with the copies in and out. The work buffer has the one
 * size every framing chunk fits (~140 KiB, allocated on first use), so the decoder is made once, as a closure
 * over it, which V8 compiles with the buffer as a constant (~7% faster than passing it in).
 * @throws {LokiChunkError} `CORRUPT_STREAM`; offsets are positions in `input`
 */
export function decodeSnappyBlock(
  input: Uint8Array,
  start: number,
  end: number,
  output: Uint8Array,
  to: number,
  decodedLength: number,
): void {
  if (decodedLength > MAX_SNAPPY_BLOCK_DECODED || end - start > MAX_SNAPPY_BLOCK_ENCODED) {
    throw corrupt(`block of ${end - start} bytes decoding to ${decodedLength} is larger than golang/snappy reads`, start);
  }
  if (workBuffer === undefined || elementDecoder === undefined) {
    workBuffer = new Uint8Array(WORK_SIZE);
    elementDecoder = makeElementDecoder(workBuffer);
  }
  const elementsAt = decodedLength + WORK_SLACK;
  workBuffer.set(input.subarray(start, end), elementsAt);
  elementDecoder(elementsAt, elementsAt + (end - start), decodedLength, start - elementsAt);
  output.set(workBuffer.subarray(0, decodedLength), to);
}

/**
 * The element decoder over the work buffer `buffer`: decodes the elements at `buffer[at, end)` into
 * `buffer[0, decodedLength)`; `inputShift` turns a position in `buffer` into one in the caller's input, for errors.
 * Called once.
 */
function makeElementDecoder(buffer: Uint8Array): ElementDecoder {
  const bufferView = viewOf(buffer);
  const tags = TAG_TABLE;
  const masks = TRAILER_MASKS;
  return (at, end, decodedLength, inputShift) => {
    // The closure's constants in locals, read once: read in the loops, the DataView kept a map check and a
    // length load at every access, as V8 did not see it as a constant there (~8% slower).
    const work = buffer;
    const view = bufferView;
    const tagTable = tags;
    const trailerMasks = masks;
    // Positions updated as `(a + b) | 0` (V8 then adds in int32, without an overflow check and deoptimisation
    // exit, ~2%); sums used only under `|` or `&` need no `| 0`, as those truncate them already.
    let to = 0;
    while (at < end) {
      const elementAt = at;
      const tag = work[at]!;
      const entry = tagTable[tag]!;
      const trailerLength = (entry >>> 11) & 7;
      // One load and a mask read the 0-4 bytes after the tag, whatever the element's kind.
      const trailer = view.getInt32((at + 1) | 0, true) & trailerMasks[tag]!;
      at = (at + 1 + trailerLength) | 0;
      // All ones for a literal (bit 15 spread by the arithmetic shift), else zero.
      const literal = (entry << 16) >> 31;
      const length = ((entry & 0xff) + ((trailer + 1) & -((entry >>> 14) & 1))) | 0;
      const distance = ((entry & 0x700) + trailer) | 0;
      const from = (at & literal) | ((to - distance) & ~literal);
      // Negative when the element does not fit: its tag bytes, its literal bytes in the block, its copy offset
      // (zero or before the block), its length in the declared length, or a literal length that overflowed.
      const fits =
        (end - at) |
        ((end - at - length) & literal) |
        ((from | (distance - 1)) & ~literal) |
        (decodedLength - to - length) |
        (length - 1);
      if (fits < 0) throw elementError(work, elementAt, end, to, decodedLength, inputShift);

      if (length <= 16 && ((distance - 8) & ~literal) >= 0) {
        // Every literal, and copies at least 8 back: exact once the next element overwrites the excess. The
        // fourth word only past 12 bytes: most elements are shorter (copy-1 holds 4-11), and that predicts well.
        view.setInt32(to, view.getInt32(from, true), true);
        view.setInt32((to + 4) | 0, view.getInt32((from + 4) | 0, true), true);
        view.setInt32((to + 8) | 0, view.getInt32((from + 8) | 0, true), true);
        if (length > 12) view.setInt32((to + 12) | 0, view.getInt32((from + 12) | 0, true), true);
      } else if (((distance - 8) & ~literal) >= 0) {
        // 8-byte strides: exact for copies at least 8 back, as each reads only bytes written before it.
        for (let done = 0; done < length; done = (done + 8) | 0) {
          view.setInt32((to + done) | 0, view.getInt32((from + done) | 0, true), true);
          view.setInt32((to + done + 4) | 0, view.getInt32((from + done + 4) | 0, true), true);
        }
      } else {
        // Copies fewer than 8 back repeat a short pattern: byte by byte.
        for (let i = 0; i < length; i = (i + 1) | 0) work[(to + i) | 0] = work[(from + i) | 0]!;
      }
      at = (at + (length & literal)) | 0;
      to = (to + length) | 0;
    }
    if (to !== decodedLength) {
      throw corrupt(`block decodes to ${to} bytes, not the ${decodedLength} it declares`, end + inputShift);
    }
  };
}

/**
 * The error of the element at `work[at]` that the decoder found not to fit, with the checks in the order (and
 * the offsets) of a decoder that tests them one by one.
 */
function elementError(
  work: Uint8Array,
  at: number,
  end: number,
  to: number,
  decodedLength: number,
  inputShift: number,
): LokiChunkError {
  const tag = work[at]!;
  const trailerLength = (TAG_TABLE[tag]! >>> 11) & 7;
  if (end - at <= trailerLength) {
    return corrupt(`${tag & 3 ? 'copy' : 'literal length'} runs past the block`, at + inputShift);
  }
  let trailer = 0;
  for (let i = trailerLength; i > 0; i--) trailer = trailer * 256 + work[at + i]!;
  const elementsAt = at + 1 + trailerLength;
  const offset = elementsAt + inputShift;
  if ((tag & 3) === TAG_LITERAL) {
    const length = trailerLength === 0 ? (tag >>> 2) + 1 : trailer + 1;
    if (length > end - elementsAt) return corrupt('literal runs past the block', offset);
  } else {
    const distance = (tag & 3) === TAG_COPY_1 ? ((tag >>> 5) << 8) | trailer : trailer;
    if (distance === 0 || distance > to) return corrupt(`copy offset ${distance} is out of range`, offset);
  }
  return corrupt('block decodes to more than its declared length', offset);
}

// ---- compressor (golang/snappy `Encode`, reproduced for byte-identical output) ----

/** golang/snappy keeps 15 bytes of input margin in its match loop. */
const INPUT_MARGIN = 15;
/** Blocks shorter than this are one literal. */
const MIN_NON_LITERAL_BLOCK_SIZE = 1 + 1 + INPUT_MARGIN;
const MAX_TABLE_BITS = 14;
const MAX_TABLE_SIZE = 1 << MAX_TABLE_BITS;
/** A hash is the top {@link MAX_TABLE_BITS} bits of the 32-bit product. */
const HASH_SHIFT = 32 - MAX_TABLE_BITS;
const HASH_MULTIPLIER = 0x1e35a7bd;

/** Last position of each hashed 4-byte sequence, relative to the block start. */
const hashTable = /*#__PURE__*/ new Uint16Array(MAX_TABLE_SIZE);

/** The most bytes {@link compressSnappyBlock} can write for `length` input bytes (golang/snappy's bound). */
export function maxSnappyBlockLength(length: number): number {
  return 32 + length + Math.floor(length / 6);
}

/** Writes the tag of a literal of `length` bytes at `out[to]`; returns where its bytes go. */
function emitLiteralTag(out: Uint8Array, to: number, length: number): number {
  const lengthMinusOne = length - 1;
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
  return to;
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
  // All ones for a copy-1 (length 4-11, distance below 2048), else zero: chosen with arithmetic, as a branch on
  // it mispredicts on log text (~3%). A copy-1's third byte lands in the output's slack or under the next element.
  const short = ((length - 12) & (distance - 2048)) >> 31;
  out[to] = ((((distance >>> 8) << 5) | ((length - 4) << 2) | TAG_COPY_1) & short) | ((((length - 1) << 2) | TAG_COPY_2) & ~short);
  out[to + 1] = distance & 0xff;
  out[to + 2] = distance >>> 8;
  return to + 3 + short;
}

/**
 * How many bytes from `a` and `b` onwards are equal, stopping at `end` (`a < b`). Compares 32-bit words while
 * they fit, then the differing word's low bytes (`Math.clz32(x & -x)` finds its lowest set bit).
 */
function matchLength(source: Uint8Array, view: DataView, a: number, b: number, end: number): number {
  const start = b;
  for (; ((b + 4) | 0) <= end; a = (a + 4) | 0, b = (b + 4) | 0) {
    const difference = view.getInt32(a, true) ^ view.getInt32(b, true);
    if (difference !== 0) return ((b - start) | 0) + ((31 - Math.clz32(difference & -difference)) >>> 3);
  }
  while (b < end && source[a] === source[b]) {
    a++;
    b++;
  }
  return b - start;
}

/**
 * Compresses the first `length` bytes of the work input into elements at the start of the work output; returns
 * their end.
 */
type ElementEncoder = (length: number) => number;

/** Room after the work buffers for literals copied by 8-byte words. */
const COPY_SLACK = 8;
let encoderInput: Uint8Array | undefined;
let encoderOutput: Uint8Array | undefined;
let elementEncoder: ElementEncoder | undefined;

/**
 * Writes the elements of `source[start, end)` (17-65536 bytes) at `out[to]`; returns their end.
 *
 * The block is compressed from a work buffer into another, both of the largest block's size, by an encoder made
 * once as a closure over them and the hash table: V8 then compiles their views as constants, without a map,
 * detach or length check on each load. ~13% faster than reading and writing the caller's arrays, even with the
 * two copies.
 */
function encodeElements(source: Uint8Array, start: number, end: number, out: Uint8Array, to: number): number {
  if (encoderInput === undefined || encoderOutput === undefined || elementEncoder === undefined) {
    encoderInput = new Uint8Array(MAX_SNAPPY_BLOCK_DECODED + COPY_SLACK);
    encoderOutput = new Uint8Array(maxSnappyBlockLength(MAX_SNAPPY_BLOCK_DECODED) + COPY_SLACK);
    elementEncoder = makeElementEncoder(encoderInput, encoderOutput, hashTable);
  }
  encoderInput.set(source.subarray(start, end));
  const written = elementEncoder(end - start);
  out.set(encoderOutput.subarray(0, written), to);
  return to + written;
}

/** The element encoder over the work buffers `input` and `output` and the hash table `hashes`. Called once. */
function makeElementEncoder(input: Uint8Array, output: Uint8Array, hashes: Uint16Array): ElementEncoder {
  const inputView = viewOf(input);
  const outputView = viewOf(output);
  // The module's constants copied into this scope. In an ES module (and in the bundles esbuild makes of one), a
  // module-level constant is a module variable, which V8 reloads and checks at every use; copied here, the
  // encoder sees them as constants, as it sees the buffers (~15% faster).
  const multiplier = HASH_MULTIPLIER;
  const hashShift = HASH_SHIFT;
  // Position arithmetic in the loops is written `(a + b) | 0`: V8 then adds in int32 with no overflow check and
  // deoptimisation exit (positions stay below 2^17), which took ~8% off the encoder on the benchmark payloads.
  // `matchLength` is written the same way.
  /** Writes the literal `input[from, end)` at `output[to]`, copying 8-byte words past its end into the slack. */
  const emitLiteral = (to: number, from: number, end: number): number => {
    to = emitLiteralTag(output, to, end - from);
    copyWords(inputView, from, outputView, to, end - from);
    return to + end - from;
  };
  return (length) => {
    // The buffers in locals, as the decoders have them (measured faster there).
    const source = input;
    const view = inputView;
    const out = output;
    const table = hashes;
    // golang/snappy sizes its table to the block (2^8 to 2^14 slots) and takes a slot from the top bits of the
    // product. Here every hash has the top 14 bits, shifted by a constant (a shift by a variable costs V8 a
    // register juggle and extra uops in the probe loop, ~2% of the encoder), and a smaller table's slot is the same
    // top bits kept in place: `slotMask` clears the low bits it does not have. The same positions then share a
    // slot as in golang/snappy, so the output is the same.
    let tableBits = 8;
    while (tableBits < MAX_TABLE_BITS && 1 << tableBits < length) tableBits++;
    const slotMask = (MAX_TABLE_SIZE - 1) & ~((1 << (MAX_TABLE_BITS - tableBits)) - 1);
    table.fill(0);

    // The match search stops INPUT_MARGIN bytes before the end, so every 32-bit load (at most
    // `searchLimit + 1 + 4` bytes in) stays inside the block.
    const searchLimit = length - INPUT_MARGIN;
    let to = 0;
    let nextEmit = 0;
    let at = 1;
    // The 4 bytes at the next position to try, and their hash: each is loaded once.
    let nextValue = view.getInt32(at, true);
    let nextHash = Math.imul(nextValue, multiplier) >>> hashShift;

    search: for (;;) {
      // Skip faster the longer nothing matches: every 32 misses, step one byte further.
      let skip = 32;
      let next = at;
      let candidate = 0;
      for (;;) {
        at = next;
        const value = nextValue;
        const step = skip >> 5;
        next = (at + step) | 0;
        skip = (skip + step) | 0;
        if (next > searchLimit) break search;
        candidate = table[nextHash & slotMask]!;
        table[nextHash & slotMask] = at;
        nextValue = view.getInt32(next, true);
        nextHash = Math.imul(nextValue, multiplier) >>> hashShift;
        if (value === view.getInt32(candidate, true)) break;
      }

      to = emitLiteral(to, nextEmit, at);

      // Emit copies for as long as the bytes right after one copy match again.
      for (;;) {
        const matchStart = at;
        at = (at + 4 + matchLength(source, view, (candidate + 4) | 0, (at + 4) | 0, length)) | 0;
        to = emitCopy(out, to, (matchStart - candidate) | 0, (at - matchStart) | 0);
        nextEmit = at;
        if (at >= searchLimit) break search;

        table[(Math.imul(view.getInt32((at - 1) | 0, true), multiplier) >>> hashShift) & slotMask] = (at - 1) | 0;
        const here = view.getInt32(at, true);
        const currentHash = (Math.imul(here, multiplier) >>> hashShift) & slotMask;
        candidate = table[currentHash]!;
        table[currentHash] = at;
        if (here !== view.getInt32(candidate, true)) {
          at = (at + 1) | 0;
          nextValue = view.getInt32(at, true);
          nextHash = Math.imul(nextValue, multiplier) >>> hashShift;
          break;
        }
      }
    }

    if (nextEmit < length) to = emitLiteral(to, nextEmit, length);
    return to;
  };
}

/**
 * Compresses `source[start, end)` (at most 65536 bytes, one framing-format chunk) as one Snappy block at
 * `out[to]`, exactly as golang/snappy's `Encode` does; `out` must have {@link maxSnappyBlockLength} bytes of room.
 * Returns the offset after the block.
 */
export function compressSnappyBlock(source: Uint8Array, start: number, end: number, out: Uint8Array, to: number): number {
  to = writeUvarint(out, to, end - start);
  if (end - start === 0) return to;
  if (end - start < MIN_NON_LITERAL_BLOCK_SIZE) {
    to = emitLiteralTag(out, to, end - start);
    copyBytes(source, start, out, to, end - start);
    return to + end - start;
  }
  return encodeElements(source, start, end, out, to);
}
