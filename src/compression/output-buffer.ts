/**
 * The growable output of a decompressor: one contiguous buffer that grows geometrically, never past the
 * caller's `maxOutputSize`, so a decompression bomb is refused before anything beyond the limit is allocated.
 */
import { LokiChunkError } from '../errors.js';
import type { DecompressOptions } from './codec.js';

/** Smallest buffer worth allocating when the output size is unknown. */
const MIN_CAPACITY = 1024;

/**
 * The output size to plan for from a caller's `sizeHint`: the hint with 1/8 headroom. A chunk's block meta counts
 * line bytes (and 8 per metadata pair), while the payload also holds timestamps and lengths (~2% more on the
 * benchmark data), and a first buffer too small costs a grown one and a copy of everything decoded so far.
 */
export function hintedOutputSize(sizeHint: number): number {
  return sizeHint + Math.floor(sizeHint / 8) + 1024;
}

/** Checks a `maxOutputSize` option. @throws {LokiChunkError} `INVALID_ARGUMENT` when it is not a size. */
export function checkedOutputLimit(options: DecompressOptions): number {
  const limit = options.maxOutputSize;
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new LokiChunkError('INVALID_ARGUMENT', `maxOutputSize must be a non-negative integer, got ${limit}`);
  }
  return limit;
}

/** The `LIMIT_EXCEEDED` error of a codec whose output would pass `limit` bytes. */
export function outputLimitError(codec: string, limit: number, offset?: number): LokiChunkError {
  return new LokiChunkError('LIMIT_EXCEEDED', `${codec} output exceeds maxOutputSize (${limit} bytes)`, { offset });
}

/** A decompressor's output: `bytes[0, length)` are written; `bytes` may be replaced when it grows. */
export class OutputBuffer {
  /** The buffer; only its first {@link length} bytes are output. Re-read it after {@link reserve}. */
  bytes: Uint8Array;
  /** Bytes written so far. */
  length = 0;

  /**
   * @param codec name used in errors
   * @param limit the caller's `maxOutputSize`
   * @param expectedSize a size guess (content size, hint or estimate); the first allocation is this, capped at
   *   `limit`
   */
  constructor(
    private readonly codec: string,
    readonly limit: number,
    expectedSize: number,
  ) {
    this.bytes = new Uint8Array(Math.min(limit, Math.max(0, Math.floor(expectedSize))));
  }

  /**
   * Makes room for `extra` bytes after {@link length} and returns the (possibly new) buffer.
   * @param offset input offset reported if the limit is hit
   * @throws {LokiChunkError} `LIMIT_EXCEEDED` when `length + extra` passes the limit
   */
  reserve(extra: number, offset?: number): Uint8Array {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return this.bytes;
    if (needed > this.limit) throw outputLimitError(this.codec, this.limit, offset);
    const grown = new Uint8Array(Math.min(this.limit, Math.max(needed, this.bytes.length * 2, MIN_CAPACITY)));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    return grown;
  }

  /** The output written, without copying when the buffer is exactly full. */
  result(): Uint8Array {
    return this.length === this.bytes.length ? this.bytes : this.bytes.subarray(0, this.length);
  }
}

/** The largest buffer a {@link ReusedBuffer} keeps: a chunk block's stream fits. */
const MAX_KEPT = 1 << 20;

/**
 * A compressor's work buffer, kept from call to call: a compressor writes its stream here, then copies out
 * exactly the bytes written, which saves allocating and zero-filling a buffer the size of the input on every
 * call. Requests above {@link MAX_KEPT} bytes get a fresh buffer, so one large input does not pin its memory.
 * Compression is synchronous, so calls never share it; each codec keeps its own (gzip's wraps deflate's).
 */
export class ReusedBuffer {
  private bytes = new Uint8Array(0);

  /** A buffer of at least `size` bytes. It holds whatever the previous call left: write every byte you read back. */
  get(size: number): Uint8Array {
    if (size > MAX_KEPT) return new Uint8Array(size);
    if (this.bytes.length < size) this.bytes = new Uint8Array(Math.max(size, Math.min(this.bytes.length * 2, MAX_KEPT)));
    return this.bytes;
  }
}
