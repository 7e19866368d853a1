/**
 * Writing bitstreams that zstd reads backwards (RFC 8878 section 4.1): bits are appended little-endian, the
 * stream is closed by a 1 bit and zero padding to a byte boundary, and the reader starts from that marker.
 * Also used, without the marker, for the forward-read FSE table descriptions.
 */

/** A little-endian bit writer over a caller-sized buffer. */
export class BitWriter {
  /** Bytes written so far (complete bytes only; pending bits are in the container). */
  position: number;
  private container = 0;
  private pending = 0;

  constructor(
    readonly buffer: Uint8Array,
    start: number,
  ) {
    this.position = start;
  }

  /** Appends the low `count` bits of `value` (count <= 16, value < 2^count). */
  add(value: number, count: number): void {
    this.container |= value << this.pending;
    this.pending += count;
    if (this.pending >= 16) {
      this.buffer[this.position] = this.container;
      this.buffer[this.position + 1] = this.container >>> 8;
      this.position += 2;
      this.container >>>= 16;
      this.pending -= 16;
    }
  }

  /** Appends the low `count` bits of `value`, for any count <= 32. */
  addWide(value: number, count: number): void {
    if (count <= 16) {
      this.add(value, count);
    } else {
      this.add(value & 0xffff, 16);
      this.add(Math.floor(value / 0x10000) & ((1 << (count - 16)) - 1), count - 16);
    }
  }

  /** Writes the pending bits, padded with zeros to a byte; returns the end offset. */
  flush(): number {
    while (this.pending > 0) {
      this.buffer[this.position++] = this.container;
      this.container >>>= 8;
      this.pending = Math.max(0, this.pending - 8);
    }
    this.container = 0;
    return this.position;
  }

  /** Closes a backward-read stream: the 1 marker bit, padding, and returns the end offset. */
  close(): number {
    this.add(1, 1);
    return this.flush();
  }
}
