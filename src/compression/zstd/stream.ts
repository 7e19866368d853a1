/** Helpers shared by the zstd decoders: skippable frames, the output limit, joining frame outputs. */
import { LokiChunkError } from '../../errors.js';
import { readU32LE } from './frame.js';

/**
 * Skips the skippable frame at `offset` (magic, 4-byte little-endian length, content) and returns the offset
 * after it.
 * @throws {LokiChunkError} `TRUNCATED` when the frame is cut short.
 */
export function skipSkippableFrame(data: Uint8Array, offset: number): number {
  if (offset + 8 > data.length) {
    throw new LokiChunkError('TRUNCATED', 'zstd stream ends inside a skippable frame header', { offset });
  }
  const end = offset + 8 + readU32LE(data, offset + 4);
  if (end > data.length) throw new LokiChunkError('TRUNCATED', 'zstd stream ends inside a skippable frame', { offset });
  return end;
}

/** The error for output that would pass `maxOutputSize`, found in the frame at `offset`. */
export function limitExceeded(maxOutputSize: number, offset: number): LokiChunkError {
  return new LokiChunkError('LIMIT_EXCEEDED', `zstd output exceeds the limit of ${maxOutputSize} bytes`, { offset });
}

/** Joins `chunks` (of `total` bytes in all); a single chunk is returned as it is. */
export function concatChunks(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const joined = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.length;
  }
  return joined;
}
