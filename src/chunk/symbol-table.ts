/** The v4 structured-metadata symbol table: `uvarint #symbols`, then `(uvarint len | bytes)*`, compressed. */
import { ByteReader } from '../binary/byte-reader.js';
import type { Codec } from '../compression/codec.js';
import { LokiChunkError } from '../errors.js';
import type { ChunkLimits } from './limits.js';

const utf8 = /*#__PURE__*/ new TextDecoder('utf-8');

/**
 * Decodes the symbol table from its section (without the CRC) at absolute `offset`. `codec` is the chunk codec;
 * `null` for WAL checkpoint chunks, which store the symbols uncompressed.
 */
export function decodeSymbolTable(
  section: Uint8Array,
  offset: number,
  codec: Codec | null,
  limits: ChunkLimits,
): string[] {
  const head = new ByteReader(section, 0, section.length, offset);
  const count = head.uvarint('symbol count');
  if (count > limits.maxSymbols) {
    throw new LokiChunkError('LIMIT_EXCEEDED', `chunk claims ${count} symbols (maxSymbols ${limits.maxSymbols})`, { offset });
  }
  let table: ByteReader;
  const streamOffset = head.offset;
  if (codec === null) {
    table = head;
  } else {
    let decompressed: Uint8Array;
    try {
      decompressed = codec.decompress(section.subarray(head.pos), { maxOutputSize: limits.maxDecompressedBlockSize });
    } catch (error) {
      throw relocate(error, streamOffset, 'structured-metadata symbols');
    }
    // Positions in the decompressed table (errors are re-raised at the stream's offset below).
    table = new ByteReader(decompressed, 0, decompressed.length, 0);
  }
  // Every symbol takes at least its one-byte length: a larger count is a lie, refused before allocating.
  if (count > table.remaining) {
    throw new LokiChunkError('TRUNCATED', `symbol table claims ${count} symbols but holds ${table.remaining} bytes`, { offset });
  }
  // Locate every symbol first (the checks and errors of a one-by-one read), then decode them all at once.
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  try {
    for (let i = 0; i < count; i++) {
      const length = table.uvarint('symbol length');
      starts[i] = table.pos;
      table.take(length, 'symbol');
      ends[i] = table.pos;
    }
  } catch (error) {
    // Uncompressed, positions in the table are positions in the chunk; compressed, only the stream's start is.
    if (codec === null || codec.id === 0 || !(error instanceof LokiChunkError)) throw error;
    throw new LokiChunkError(error.code, `structured-metadata symbols at offset ${streamOffset}: ${error.message} (in the decompressed table)`, {
      offset: streamOffset,
      cause: error,
    });
  }
  return decodeSymbols(table.bytes, starts, ends);
}

/**
 * The symbols at `starts[i]..ends[i]` of `bytes`. One `TextDecoder` call for the whole table costs a third of
 * one call per symbol (Loki's tables hold many short strings). When every byte of the table became exactly one
 * UTF-16 unit (ASCII text and short lengths, in practice), string offsets are byte offsets, and a byte that
 * decodes alone decodes the same inside a symbol: each symbol is a slice. Otherwise each is decoded alone.
 */
function decodeSymbols(bytes: Uint8Array, starts: Int32Array, ends: Int32Array): string[] {
  const count = starts.length;
  const symbols = new Array<string>(count);
  if (count === 0) return symbols;
  const first = starts[0]!;
  const last = ends[count - 1]!;
  const text = utf8.decode(bytes.subarray(first, last));
  const onePerByte = text.length === last - first;
  for (let i = 0; i < count; i++) {
    symbols[i] = onePerByte
      ? text.slice(starts[i]! - first, ends[i]! - first)
      : utf8.decode(bytes.subarray(starts[i]!, ends[i]!));
  }
  return symbols;
}

/** Re-raises a codec error (offsets relative to the stream) at the stream's absolute offset. */
export function relocate(error: unknown, streamOffset: number, what: string, block?: number): LokiChunkError {
  if (error instanceof LokiChunkError) {
    const where = block === undefined ? what : `block ${block}`;
    return new LokiChunkError(error.code, `${where} at offset ${streamOffset}: ${error.message}`, {
      offset: streamOffset + (error.offset ?? 0),
      block,
      cause: error.cause ?? error,
    });
  }
  return new LokiChunkError('CORRUPT_STREAM', `${what} at offset ${streamOffset}: ${String(error)}`, {
    offset: streamOffset,
    block,
    cause: error,
  });
}
