/** A byte source over bytes already in memory: reads are views, no copies, and cost no I/O. */
import { LokiChunkError } from '../errors.js';
import { BaseByteSource, type MeteredByteSource } from './byte-source.js';

/** A {@link MeteredByteSource} over a `Uint8Array`. */
class BytesSource extends BaseByteSource {
  readonly size: number;

  constructor(private readonly bytes: Uint8Array) {
    super();
    this.size = bytes.length;
  }

  protected readRange(offset: number, length: number): Promise<Uint8Array> {
    this.countTransfer(length);
    return Promise.resolve(this.bytes.subarray(offset, offset + length));
  }
}

/**
 * A source over `bytes`. Reads return views into `bytes` (no copy); the counters still record every read, which
 * makes this source the way to see what a query would fetch from a slower one.
 * @throws {LokiChunkError} `INVALID_ARGUMENT` when `bytes` is not a `Uint8Array`.
 */
export function bytesSource(bytes: Uint8Array): MeteredByteSource {
  if (!(bytes instanceof Uint8Array)) throw new LokiChunkError('INVALID_ARGUMENT', 'bytesSource expects a Uint8Array');
  return new BytesSource(bytes);
}
