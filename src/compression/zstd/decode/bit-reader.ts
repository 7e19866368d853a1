/**
 * Reading zstd's backward bitstreams (RFC 8878 section 4.1): the writer appends bits little-endian from the
 * first byte on, then a 1 bit and zero padding; the reader starts at that marker and reads towards the first
 * byte. Positions here are absolute bit offsets in the source array; a field of `count` bits that ends at
 * `position` occupies bits [position - count, position).
 *
 * Callers guarantee the 4-byte window read by {@link bitsAt} stays inside the array (the decoder keeps at
 * least 3 readable bytes after every stream and checks positions against the stream start), so the hot
 * loops read typed arrays in bounds only.
 */
import { LokiChunkError } from '../../../errors.js';

/**
 * The `count` bits (0..25) starting at absolute bit `bitOffset`, as a little-endian number.
 * Reads the 4 bytes from `bitOffset >> 3`.
 */
export function bitsAt(source: Uint8Array, bitOffset: number, count: number): number {
  const at = bitOffset >>> 3;
  const word = source[at]! | (source[at + 1]! << 8) | (source[at + 2]! << 16) | (source[at + 3]! << 24);
  return (word >>> (bitOffset & 7)) & ((1 << count) - 1);
}

/**
 * {@link bitsAt} through a `DataView` of the same bytes: one unaligned 32-bit load instead of four byte
 * loads, for the hot sequence loop. The caller guarantees `bitOffset >> 3` is at least 0 and at most the
 * view's length minus 4.
 */
export function viewBitsAt(view: DataView, bitOffset: number, count: number): number {
  return (view.getUint32(bitOffset >>> 3, true) >>> (bitOffset & 7)) & ((1 << count) - 1);
}

/** Like {@link bitsAt} for up to 32 bits (offsets in large windows need more than 25). */
export function wideBitsAt(source: Uint8Array, bitOffset: number, count: number): number {
  if (count <= 24) return bitsAt(source, bitOffset, count);
  return bitsAt(source, bitOffset, 24) + bitsAt(source, bitOffset + 24, count - 24) * 0x1000000;
}

/**
 * The bit position where the useful bits of the backward stream `source[start, end)` end: just below the
 * marker bit in its last byte.
 * @throws {LokiChunkError} `CORRUPT_STREAM` when the stream is empty or its last byte is zero.
 */
export function backwardStreamEnd(source: Uint8Array, start: number, end: number, what: string): number {
  const last = end > start ? source[end - 1]! : 0;
  if (last === 0) {
    throw new LokiChunkError('CORRUPT_STREAM', `zstd ${what} bitstream has no end marker`, { offset: end - 1 });
  }
  return (end - 1) * 8 + (31 - Math.clz32(last));
}
