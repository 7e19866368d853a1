/**
 * Random-access byte sources: what `openChunk` reads a chunk through. A source knows its size and reads any
 * range asynchronously; the built-in sources also count what they fetched, so tools can show it.
 */
import { LokiChunkError, isLokiChunkError } from '../errors.js';

/** Something that holds `size` bytes and reads any range of them. */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Reads `length` bytes at `offset`; the result has exactly `length` bytes.
   * @throws {LokiChunkError} `OUT_OF_BOUNDS` for a range outside `[0, size)`, `TRUNCATED` when fewer bytes
   *   than announced exist, `IO_ERROR` when the underlying read fails.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** What a source has fetched so far. */
export interface ByteSourceStats {
  /** Bytes transferred from the underlying storage (file, Blob, network). */
  readonly bytesRead: number;
  /** Reads issued to the underlying storage (HTTP requests, file reads, Blob slices). */
  readonly requests: number;
}

/** A source that counts what it fetches: every built-in source is one. */
export interface MeteredByteSource extends ByteSource, ByteSourceStats {}

/**
 * The shared part of the built-in sources: argument and bounds checks, exact-length results, counters, and
 * foreign errors wrapped as `IO_ERROR`. Subclasses implement {@link readRange} and call {@link countTransfer}.
 */
export abstract class BaseByteSource implements MeteredByteSource {
  abstract readonly size: number;
  private transferredBytes = 0;
  private transfers = 0;

  get bytesRead(): number {
    return this.transferredBytes;
  }

  get requests(): number {
    return this.transfers;
  }

  /**
   * Reads `length` bytes at `offset`.
   * @throws {LokiChunkError} `INVALID_ARGUMENT`, `OUT_OF_BOUNDS`, `TRUNCATED` or `IO_ERROR`.
   */
  async read(offset: number, length: number): Promise<Uint8Array> {
    checkReadRange(this.size, offset, length);
    if (length === 0) return new Uint8Array(0);
    let bytes: Uint8Array;
    try {
      bytes = await this.readRange(offset, length);
    } catch (error) {
      throw asIoError(error, `reading ${length} bytes at offset ${offset}`, offset);
    }
    return checkedLength(bytes, offset, length);
  }

  /** Reads a non-empty range already checked to lie inside the source. */
  protected abstract readRange(offset: number, length: number): Promise<Uint8Array>;

  /** Records one transfer of `byteCount` bytes from the underlying storage. */
  protected countTransfer(byteCount: number): void {
    this.transfers++;
    this.transferredBytes += byteCount;
  }
}

/**
 * Checks a read request against a source of `size` bytes.
 * @throws {LokiChunkError} `INVALID_ARGUMENT` for a non-integer or negative offset or length, `OUT_OF_BOUNDS`
 *   when the range ends past `size`.
 */
export function checkReadRange(size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new LokiChunkError('INVALID_ARGUMENT', `cannot read ${length} bytes at offset ${offset}: not a valid range`);
  }
  if (offset + length > size) {
    throw new LokiChunkError('OUT_OF_BOUNDS', `cannot read ${length} bytes at offset ${offset}: the source holds ${size} bytes`, {
      offset: Math.min(offset, size),
    });
  }
}

/**
 * Reads through any {@link ByteSource}, including one written by a caller: checks the range first and the result
 * after (a `Uint8Array` of exactly `length` bytes), and wraps foreign errors as `IO_ERROR`.
 * @throws {LokiChunkError} as {@link ByteSource.read}; `what` names the read in messages.
 */
export async function readExactly(source: ByteSource, offset: number, length: number, what: string): Promise<Uint8Array> {
  checkReadRange(source.size, offset, length);
  let bytes: unknown;
  try {
    bytes = await source.read(offset, length);
  } catch (error) {
    throw asIoError(error, `reading the ${what} (${length} bytes at offset ${offset})`, offset);
  }
  if (!(bytes instanceof Uint8Array)) {
    throw new LokiChunkError('IO_ERROR', `reading the ${what}: the source returned ${typeof bytes}, not a Uint8Array`, { offset });
  }
  return checkedLength(bytes, offset, length);
}

/**
 * A window `[start, start + length)` of `source` seen as a source of its own (a chunk inside a storage-wrapped
 * object). Reads go to `source`, which keeps counting them.
 */
export function sliceSource(source: ByteSource, start: number, length: number): ByteSource {
  checkReadRange(source.size, start, length);
  return {
    size: length,
    async read(offset: number, count: number): Promise<Uint8Array> {
      checkReadRange(length, offset, count);
      return source.read(start + offset, count);
    },
  };
}

/** `bytes` when it has exactly `length` bytes; `TRUNCATED` when shorter, `IO_ERROR` when longer. */
function checkedLength(bytes: Uint8Array, offset: number, length: number): Uint8Array {
  if (bytes.length === length) return bytes;
  if (bytes.length < length) {
    throw new LokiChunkError('TRUNCATED', `asked for ${length} bytes at offset ${offset}, the source returned ${bytes.length}`, {
      offset: offset + bytes.length,
    });
  }
  throw new LokiChunkError('IO_ERROR', `asked for ${length} bytes at offset ${offset}, the source returned ${bytes.length}`, { offset });
}

/** `error` as a {@link LokiChunkError}: ours pass through, anything else becomes `IO_ERROR` with it as `cause`. */
export function asIoError(error: unknown, doing: string, offset: number): LokiChunkError {
  if (isLokiChunkError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new LokiChunkError('IO_ERROR', `${doing}: ${reason}`, { offset, cause: error });
}
