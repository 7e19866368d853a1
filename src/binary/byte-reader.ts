/**
 * A cursor over a `Uint8Array` that reads Go's varints and big-endian fixed-width integers, raising
 * {@link LokiChunkError} with the absolute offset on truncation or overflow.
 */
import { LokiChunkError } from '../errors.js';
import { int64FromHalves } from './int64.js';

/** Reads Go-compatible binary fields. Offsets in errors are `base + position`. */
export class ByteReader {
  /** The bytes being read. */
  readonly bytes: Uint8Array;
  /** Current position, relative to `bytes`. */
  pos: number;
  /** Position at which reading must stop (exclusive). */
  readonly end: number;
  /** Absolute offset of `bytes[0]` in the whole input, for error messages. */
  readonly base: number;
  /** Low int32 half of the last value read by {@link varint64Halves} or {@link uvarint64Halves}. */
  lo = 0;
  /** High int32 half of the last value read by {@link varint64Halves} or {@link uvarint64Halves}. */
  hi = 0;
  private readonly view: DataView;
  private readonly buffer: ArrayBufferLike;
  private readonly byteOffset: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length, base = 0) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.base = base;
    this.buffer = bytes.buffer;
    this.byteOffset = bytes.byteOffset;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Absolute offset of the cursor. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Throws `TRUNCATED` unless `n` more bytes are available. */
  need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new LokiChunkError(
        'TRUNCATED',
        `truncated ${what}: needs ${n} bytes at offset ${this.offset}, ${this.end - this.pos} left`,
        { offset: this.offset },
      );
    }
  }

  /** Reads one byte. */
  u8(what = 'byte'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  /** Reads a big-endian uint32. */
  u32(what = 'uint32'): number {
    this.need(4, what);
    const value = this.view.getUint32(this.pos);
    this.pos += 4;
    return value;
  }

  /** Reads a big-endian uint64 as a `bigint`. */
  u64(what = 'uint64'): bigint {
    this.need(8, what);
    const value = this.view.getBigUint64(this.pos);
    this.pos += 8;
    return value;
  }

  /** Returns the next `n` bytes as a plain `Uint8Array` view (no copy) and advances past them. */
  take(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    // A view on the buffer fetched once: 2x cheaper than `subarray`, which looks up the species constructor
    // (and the entry decoder takes one view per line).
    const out = new Uint8Array(this.buffer, this.byteOffset + this.pos, n);
    this.pos += n;
    return out;
  }

  /**
   * Reads a uvarint into {@link lo}/{@link hi}. Accepts what Go's `binary.Uvarint` accepts (including
   * non-minimal encodings) and rejects what it rejects: more than 10 bytes, or a 10th byte above 1.
   */
  uvarint64Halves(what = 'uvarint'): void {
    const bytes = this.bytes;
    const end = this.end;
    let pos = this.pos;
    if (pos >= end) this.truncatedVarint(what, pos);
    let b = bytes[pos++]!;
    if (b < 0x80) {
      this.lo = b;
      this.hi = 0;
      this.pos = pos;
      return;
    }
    let lo = b & 0x7f;
    let hi = 0;
    let shift = 7;
    // Bytes 2-4 fill bits 7..27 of the low half.
    for (; shift < 28; shift += 7) {
      if (pos >= end) this.truncatedVarint(what, pos);
      b = bytes[pos++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.lo = lo;
        this.hi = 0;
        this.pos = pos;
        return;
      }
    }
    // Byte 5 straddles the halves: 4 bits low, 3 bits high.
    if (pos >= end) this.truncatedVarint(what, pos);
    b = bytes[pos++]!;
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      // Bytes 6-9 fill bits 3..30 of the high half; byte 10 may only contribute bit 31.
      for (shift = 3; ; shift += 7) {
        if (pos >= end) this.truncatedVarint(what, pos);
        b = bytes[pos++]!;
        if (shift === 31) {
          if (b > 1) {
            const at = this.base + pos - 1;
            throw new LokiChunkError('VARINT_OVERFLOW', `${what} overflows 64 bits at offset ${at}`, { offset: at });
          }
          hi |= b << 31;
          break;
        }
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    this.lo = lo;
    this.hi = hi;
    this.pos = pos;
  }

  /** Reads a zig-zag varint (Go's `binary.Varint`) into {@link lo}/{@link hi} as a signed int64. */
  varint64Halves(what = 'varint'): void {
    this.uvarint64Halves(what);
    const mask = -(this.lo & 1);
    const lo = ((this.lo >>> 1) | (this.hi << 31)) ^ mask;
    this.hi = (this.hi >>> 1) ^ mask;
    this.lo = lo;
  }

  /** Reads a uvarint as a `bigint` (0 .. 2^64-1). */
  uvarint64(what = 'uvarint'): bigint {
    this.uvarint64Halves(what);
    return BigInt.asUintN(64, int64FromHalves(this.lo, this.hi));
  }

  /** Reads a zig-zag varint as a signed `bigint`. */
  varint64(what = 'varint'): bigint {
    this.varint64Halves(what);
    return int64FromHalves(this.lo, this.hi);
  }

  /**
   * Reads a uvarint that must fit a JavaScript number (counts, lengths, offsets). Values of 2^53 or more
   * cannot describe anything inside a real input and are rejected as `MALFORMED`.
   */
  uvarint(what = 'uvarint'): number {
    const bytes = this.bytes;
    const pos = this.pos;
    // Fast path: one or two bytes cover nearly every length and count.
    if (pos + 1 < this.end) {
      const b0 = bytes[pos]!;
      if (b0 < 0x80) {
        this.pos = pos + 1;
        return b0;
      }
      const b1 = bytes[pos + 1]!;
      if (b1 < 0x80) {
        this.pos = pos + 2;
        return (b0 & 0x7f) | (b1 << 7);
      }
    }
    return this.uvarintSlow(what);
  }

  /** Three bytes or more, or near the end: kept out of {@link uvarint} so that stays small enough to inline. */
  private uvarintSlow(what: string): number {
    const start = this.offset;
    this.uvarint64Halves(what);
    const hi = this.hi >>> 0;
    if (hi >= 0x200000) {
      throw new LokiChunkError('MALFORMED', `${what} at offset ${start} is too large (>= 2^53)`, { offset: start });
    }
    return hi * 0x100000000 + (this.lo >>> 0);
  }

  private truncatedVarint(what: string, pos: number): never {
    throw new LokiChunkError('TRUNCATED', `truncated ${what} at offset ${this.base + pos}`, {
      offset: this.base + pos,
    });
  }
}
