/**
 * Where a block really is: its CRC checked at the offset the metas give, and Loki's recovery when that fails
 * (retry right after the previous block, else skip the block). Both readers decide here: `readChunk` over the
 * whole chunk up front, `openChunk` over the ranges it fetched, block by block.
 */
import { LokiChunkError } from '../errors.js';
import { CHECKSUM_LENGTH } from './constants.js';
import { checkSectionCrc, type BlockMeta, type ChecksumCheck } from './layout.js';
import { checksumError } from './sections.js';

/** A block checked at one offset. */
export interface BlockInspection {
  /** The absolute offset checked. */
  offset: number;
  /** Stored and computed CRC (both 0 when the block does not fit in the chunk there). */
  checksum: ChecksumCheck;
  /** Why the block cannot be used there, or `null`. */
  problem: 'bounds' | 'checksum' | null;
  /** The `OUT_OF_BOUNDS` error, when `problem` is `bounds`. */
  boundsError: LokiChunkError | null;
}

/** A block Loki's recovery dropped. */
export interface SkippedBlock {
  /** The block's metas entry. */
  meta: BlockMeta;
  /** Why it was dropped. */
  error: LokiChunkError;
}

/** What a reader does with a block: keep it at an offset, or skip it (lenient reading only). */
export type BlockPlacement =
  | { kept: true; offset: number; checksum: ChecksumCheck }
  | { kept: false; skipped: SkippedBlock };

/** How a reader treats bad blocks. */
export interface PlacementOptions {
  /** Loki's recovery: retry at the expected offset, else skip. */
  lenient: boolean;
  /** Strict reading only: raise `CHECKSUM_MISMATCH` (else keep the block and record the mismatch). */
  verify: boolean;
}

/** The `OUT_OF_BOUNDS` error for a block that does not fit at `offset`, or `null` when it fits. */
export function blockBoundsError(meta: BlockMeta, offset: number, chunkLength: number): LokiChunkError | null {
  if (offset + meta.length + CHECKSUM_LENGTH <= chunkLength) return null;
  return new LokiChunkError(
    'OUT_OF_BOUNDS',
    `block ${meta.metaIndex}: offset ${offset} + length ${meta.length} + checksum exceeds the chunk (${chunkLength} bytes)`,
    // The error's offset must lie in the input: where the block would start, or the chunk's end past it.
    { offset: Math.min(offset, chunkLength), block: meta.metaIndex },
  );
}

/**
 * Checks the block `meta` at `offset`. `window` holds chunk bytes from absolute offset `windowStart` and covers
 * the block and its CRC whenever they fit in the chunk (`chunkLength` bytes).
 */
export function inspectBlock(window: Uint8Array, windowStart: number, chunkLength: number, meta: BlockMeta, offset: number): BlockInspection {
  const boundsError = blockBoundsError(meta, offset, chunkLength);
  if (boundsError) return { offset, checksum: { stored: 0, computed: 0, ok: false }, problem: 'bounds', boundsError };
  const start = offset - windowStart;
  const checksum = checkSectionCrc(window.subarray(start, start + meta.length + CHECKSUM_LENGTH));
  return { offset, checksum, problem: checksum.ok ? null : 'checksum', boundsError: null };
}

/** Whether Loki retries the block at `expectedOffset` (right after the previous block) after `stored` failed. */
export function needsRetry(stored: BlockInspection, meta: BlockMeta, expectedOffset: number, options: PlacementOptions): boolean {
  return options.lenient && stored.problem !== null && meta.offset !== expectedOffset;
}

/**
 * Loki's decision for one block from its inspection at the stored offset and, when {@link needsRetry} says so,
 * at the expected offset. `index` is the block's position as reported in a strict checksum error.
 * @throws {LokiChunkError} `OUT_OF_BOUNDS` when the block does not fit (lenient too, as in Loki), or
 *   `CHECKSUM_MISMATCH` when strict and verifying.
 */
export function placeBlock(
  meta: BlockMeta,
  stored: BlockInspection,
  retry: BlockInspection | null,
  index: number,
  options: PlacementOptions,
): BlockPlacement {
  if (stored.problem === null) return { kept: true, offset: stored.offset, checksum: stored.checksum };
  if (options.lenient && retry && retry.problem === null) return { kept: true, offset: retry.offset, checksum: retry.checksum };
  // The decision rests on the first failure's kind, as in Loki.
  if (stored.boundsError) throw stored.boundsError;
  if (options.lenient) {
    return { kept: false, skipped: { meta, error: checksumError(`block ${meta.metaIndex}`, meta.offset, stored.checksum, meta.metaIndex) } };
  }
  if (options.verify) throw checksumError(`block ${index}`, stored.offset, stored.checksum, index);
  return { kept: true, offset: stored.offset, checksum: stored.checksum };
}

/** Where Loki expects the block after `meta`, given where `meta` was expected and what became of it. */
export function nextExpectedOffset(placement: BlockPlacement, meta: BlockMeta, expectedOffset: number): number {
  return (placement.kept ? placement.offset : expectedOffset) + meta.length + CHECKSUM_LENGTH;
}
