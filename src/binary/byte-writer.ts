/**
 * A growable byte buffer that writes Go's varints and big-endian fixed-width integers.
 */
import { int64ToHalves } from './int64.js';

const halves = new Int32Array(2);

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
    let capacity = this.buf.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
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

  /** Appends a uvarint of a non-negative safe integer (counts, lengths, offsets). */
  uvarint(value: number): void {
    this.reserve(10);
    const buf = this.buf;
    let pos = this.length;
    if (value < 0x80000000) {
      while (value >= 0x80) {
        buf[pos++] = (value & 0x7f) | 0x80;
        value >>>= 7;
      }
      buf[pos++] = value;
      this.length = pos;
      return;
    }
    this.length = pos;
    this.uvarintHalves(value >>> 0, Math.floor(value / 0x100000000));
  }

  /** Appends a uvarint of the unsigned 64-bit value with halves `lo`, `hi`. */
  uvarintHalves(lo: number, hi: number): void {
    this.reserve(10);
    const buf = this.buf;
    let pos = this.length;
    lo >>>= 0;
    hi >>>= 0;
    while (hi !== 0 || lo >= 0x80) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[pos++] = lo;
    this.length = pos;
  }

  /** Appends a zig-zag varint of the int64 with halves `lo`, `hi`. */
  varintHalves(lo: number, hi: number): void {
    const mask = hi >> 31;
    this.uvarintHalves((lo << 1) ^ mask, ((hi << 1) | (lo >>> 31)) ^ mask);
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

  /** The bytes written so far, as a view into the internal buffer (valid until the next write). */
  subarray(): Uint8Array {
    return this.buf.subarray(0, this.length);
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
