/**
 * Limits that bound what a reader allocates. Every length read from the input is checked against these before
 * anything is allocated from it, so memory is bounded by the input and these numbers, never by the input alone.
 */

/** Reader limits; every field is optional in options and defaults to {@link DEFAULT_LIMITS}. */
export interface ChunkLimits {
  /** Largest chunk accepted (bytes). Default 512 MiB; Loki's chunks are usually ~1.5 MiB. */
  maxChunkSize: number;
  /** Largest decompressed block or symbol stream (bytes). Default 128 MiB; Loki's blocks are ~256 KiB. */
  maxDecompressedBlockSize: number;
  /** Longest line (bytes); Loki itself refuses 1 GiB or more. Default 64 MiB. */
  maxLineLength: number;
  /** Most entries decoded from one block. Default 16,777,216. */
  maxEntriesPerBlock: number;
  /** Most symbols in a v4 structured-metadata table. Default 16,777,216. */
  maxSymbols: number;
  /** Most structured-metadata pairs on one entry. Default 65,536. */
  maxPairsPerEntry: number;
  /** Most blocks in one chunk. Default 1,048,576. */
  maxBlocks: number;
}

/** The defaults for {@link ChunkLimits}. */
export const DEFAULT_LIMITS: Readonly<ChunkLimits> = Object.freeze({
  maxChunkSize: 512 * 1024 * 1024,
  maxDecompressedBlockSize: 128 * 1024 * 1024,
  maxLineLength: 64 * 1024 * 1024,
  maxEntriesPerBlock: 1 << 24,
  maxSymbols: 1 << 24,
  maxPairsPerEntry: 1 << 16,
  maxBlocks: 1 << 20,
});

/** Fills in defaults for the limits a caller left out. */
export function resolveLimits(partial: Partial<ChunkLimits> | undefined): ChunkLimits {
  return partial ? { ...DEFAULT_LIMITS, ...partial } : { ...DEFAULT_LIMITS };
}
