/**
 * The one error type loki-chunk throws.
 *
 * Every failure, whether it is malformed input, a limit, a checksum or a misused API, surfaces as a
 * {@link LokiChunkError} with a stable {@link LokiChunkErrorCode}, so callers can branch on `code` rather
 * than parse messages. Errors raised by third-party libraries are wrapped, with the original kept as `cause`.
 */

/** Stable error codes. New codes may be added in minor releases; existing ones never change meaning. */
export type LokiChunkErrorCode =
  /** Input ended before a field or section it announced. */
  | 'TRUNCATED'
  /** The chunk does not start with Loki's magic number `0x012EE56A`. */
  | 'BAD_MAGIC'
  /** The chunk format version is not 1-4. */
  | 'UNSUPPORTED_VERSION'
  /** The codec byte is unknown, is Loki's never-supported `dumb` (2), or no codec is registered for it. */
  | 'UNSUPPORTED_ENCODING'
  /** A varint is longer than 10 bytes or does not fit 64 bits (Go's `binary.Uvarint` rejects it the same way). */
  | 'VARINT_OVERFLOW'
  /** A stored checksum (CRC-32C, CRC-32, XXH64, ...) does not match the data. */
  | 'CHECKSUM_MISMATCH'
  /** A compressed stream is malformed. */
  | 'CORRUPT_STREAM'
  /** An offset or length points outside the chunk or its section. */
  | 'OUT_OF_BOUNDS'
  /** A structural field has an impossible value (for example a block count larger than the metas could hold). */
  | 'MALFORMED'
  /** A structured-metadata symbol reference is outside the symbol table. */
  | 'BAD_SYMBOL'
  /** A configured limit (line length, decompressed size, entries, symbols, ...) would be exceeded. */
  | 'LIMIT_EXCEEDED'
  /** An ordered (v1/v2) chunk was given an entry older than its newest one. */
  | 'OUT_OF_ORDER'
  /** The object-store wrapper around a chunk is malformed. */
  | 'BAD_WRAPPER'
  /** An API was called with invalid arguments. */
  | 'INVALID_ARGUMENT'
  /** The operation is valid but not supported by this build or this codec. */
  | 'UNSUPPORTED'
  /** Reading from a byte source (file, Blob, HTTP) failed. */
  | 'IO_ERROR';

/** Where in the input an error was found. */
export interface LokiChunkErrorDetails {
  /** Absolute byte offset in the input where the problem was found. */
  offset?: number;
  /** Index of the block concerned, when there is one. */
  block?: number;
  /** The original error, when this one wraps another (for example from a compression library). */
  cause?: unknown;
}

/** The error type for every failure raised by loki-chunk. */
export class LokiChunkError extends Error {
  /** A stable machine-readable code. */
  readonly code: LokiChunkErrorCode;
  /** Absolute byte offset in the input, when known. */
  readonly offset: number | undefined;
  /** Block index, when the error concerns one block. */
  readonly block: number | undefined;

  constructor(code: LokiChunkErrorCode, message: string, details: LokiChunkErrorDetails = {}) {
    super(
      message,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.name = 'LokiChunkError';
    this.code = code;
    this.offset = details.offset;
    this.block = details.block;
  }

  /** A copy of this error located at `offset`/`block` (used when a section-relative error is re-raised). */
  at(details: { offset?: number; block?: number }): LokiChunkError {
    return new LokiChunkError(this.code, this.message, {
      offset: details.offset ?? this.offset,
      block: details.block ?? this.block,
      cause: this.cause,
    });
  }
}

/** True when `error` is a {@link LokiChunkError} (also across bundle copies of the library). */
export function isLokiChunkError(error: unknown): error is LokiChunkError {
  return (
    error instanceof LokiChunkError ||
    (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'LokiChunkError' &&
      typeof (error as { code?: unknown }).code === 'string')
  );
}

/**
 * Runs `fn`, turning any foreign exception into a {@link LokiChunkError} with `code` and `message`, the
 * original kept as `cause`. Our own errors pass through unchanged.
 */
export function wrapForeignErrors<T>(
  fn: () => T,
  code: LokiChunkErrorCode,
  message: string,
  details: Omit<LokiChunkErrorDetails, 'cause'> = {},
): T {
  try {
    return fn();
  } catch (error) {
    if (isLokiChunkError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new LokiChunkError(code, `${message}: ${reason}`, { ...details, cause: error });
  }
}
