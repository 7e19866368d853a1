/**
 * A growable byte buffer that writes Go's varints and big-endian fixed-width integers.
 */
import { grownBytes } from './grow.js';
import { int64ToHalves } from './int64.js';

const halves = new Int32Array(2);

/** Bytes of the uvarint of a non-negative int32. */
export function uvarintLength(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/**
 * Writes the uvarint of a non-negative int32 at `buf[at]` (the caller made room: at most 5 bytes); returns the
 * position after it.
 */
export function writeUvarint(buf: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    buf[at++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  buf[at++] = value;
  return at;
}

/**
 * Writes the uvarint of the unsigned 64-bit value with halves `lo`, `hi` at `buf[at]` (the caller made room: at
 * most 10 bytes); returns the position after it.
 */
export function writeUvarintHalves(buf: Uint8Array, at: number, lo: number, hi: number): number {
  lo >>>= 0;
  hi >>>= 0;
  while (hi !== 0 || lo >= 0x80) {
    buf[at++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  buf[at++] = lo;
  return at;
}

/** Writes the zig-zag varint of the int64 with halves `lo`, `hi` at `buf[at]` (room for 10 bytes); returns the end. */
export function writeVarintHalves(buf: Uint8Array, at: number, lo: number, hi: number): number {
  const mask = hi >> 31;
  return writeUvarintHalves(buf, at, (lo << 1) ^ mask, ((hi << 1) | (lo >>> 31)) ^ mask);
}

/** Appends binary fields to an internal buffer that doubles as needed. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** Number of bytes written so far. */
  length = 0;

  constructor(initialCapacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const needed = this.length + n;
    if (needed <= this.buf.length) return;
    this.buf = grownBytes(this.buf, this.length, needed);
    this.view = new DataView(this.buf.buffer);
  }

  /**
   * Makes room for `n` more bytes and returns the buffer, for a caller that writes them itself from
   * {@link length} on and then moves {@link length} past them.
   */
  room(n: number): Uint8Array {
    this.reserve(n);
    return this.buf;
  }

  /** Appends one byte. */
  u8(value: number): void {
    this.reserve(1);
    this.buf[this.length++] = value;
  }

  /** Appends a big-endian uint32. */
  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value >>> 0);
    this.length += 4;
  }

  /** Appends a big-endian uint64. */
  u64(value: bigint | number): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(value));
    this.length += 8;
  }

  /** Appends raw bytes. */
  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  /** Appends `source[start, end)`. */
  copyFrom(source: Uint8Array, start: number, end: number): void {
    const length = end - start;
    this.reserve(length);
    const buf = this.buf;
    let at = this.length;
    // A loop beats creating a subarray for the short runs this is called with (records of a few hundred bytes).
    if (length < 512) {
      for (let i = start; i < end; i++) buf[at++] = source[i]!;
    } else {
      buf.set(source.subarray(start, end), at);
    }
    this.length += length;
  }

  /** Appends a uvarint of a non-negative safe integer (counts, lengths, offsets). */
  uvarint(value: number): void {
    if (value < 0x80000000) {
      this.reserve(5);
      this.length = writeUvarint(this.buf, this.length, value);
      return;
    }
    this.uvarintHalves(value >>> 0, Math.floor(value / 0x100000000));
  }

  /** Appends a uvarint of the unsigned 64-bit value with halves `lo`, `hi`. */
  uvarintHalves(lo: number, hi: number): void {
    this.reserve(10);
    this.length = writeUvarintHalves(this.buf, this.length, lo, hi);
  }

  /** Appends a zig-zag varint of the int64 with halves `lo`, `hi`. */
  varintHalves(lo: number, hi: number): void {
    this.reserve(10);
    this.length = writeVarintHalves(this.buf, this.length, lo, hi);
  }

  /** Appends a zig-zag varint of an int64. */
  varint64(value: bigint): void {
    int64ToHalves(value, halves);
    this.varintHalves(halves[0]!, halves[1]!);
  }

  /** Appends a uvarint of an unsigned 64-bit `bigint`. */
  uvarint64(value: bigint): void {
    int64ToHalves(BigInt.asIntN(64, value), halves);
    this.uvarintHalves(halves[0]!, halves[1]!);
  }

  /** Overwrites a big-endian uint32 at `offset` (already written). */
  setU32(offset: number, value: number): void {
    this.view.setUint32(offset, value >>> 0);
  }

  /** Bytes `[start, end)` of those written (default: all), as a view into the internal buffer (valid until the next write). */
  subarray(start = 0, end = this.length): Uint8Array {
    return this.buf.subarray(start, end);
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  /** Forgets the contents, keeping the capacity. */
  reset(): void {
    this.length = 0;
  }
}
