/** A byte source over a `Blob` or `File` (browsers, Node >= 18): each read slices the Blob and reads that slice. */
import { LokiChunkError } from '../errors.js';
import { BaseByteSource, type MeteredByteSource } from './byte-source.js';

/** A {@link MeteredByteSource} over a `Blob`. */
class BlobSource extends BaseByteSource {
  readonly size: number;

  constructor(private readonly blob: Blob) {
    super();
    this.size = blob.size;
  }

  protected async readRange(offset: number, length: number): Promise<Uint8Array> {
    const buffer = await this.blob.slice(offset, offset + length).arrayBuffer();
    this.countTransfer(buffer.byteLength);
    return new Uint8Array(buffer);
  }
}

/**
 * A source over a `Blob` or `File` (for example from `<input type="file">` or a drop): only the ranges a query
 * needs are read, so a large file is never loaded whole.
 * @throws {LokiChunkError} `INVALID_ARGUMENT` when `blob` is not a Blob.
 */
export function blobSource(blob: Blob): MeteredByteSource {
  if (typeof blob !== 'object' || blob === null || typeof blob.slice !== 'function' || typeof blob.size !== 'number') {
    throw new LokiChunkError('INVALID_ARGUMENT', 'blobSource expects a Blob or File');
  }
  return new BlobSource(blob);
}
