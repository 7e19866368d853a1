/** Format constants of Loki chunks (`pkg/chunkenc`). */

/** Magic number at the start of every chunk. */
export const CHUNK_MAGIC = 0x012ee56a;

/** Chunk format versions Loki has written. */
export type ChunkFormat = 1 | 2 | 3 | 4;

/** Head block formats (`HeadBlockFmt`): how the in-memory head of a chunk was organised. */
export const HeadBlockFormat = {
  ordered: 3,
  unordered: 4,
  unorderedWithStructuredMetadata: 5,
} as const;

/** Loki's head block format for a chunk format (`ChunkHeadFormatFor`). */
export function headBlockFormatFor(format: ChunkFormat): number {
  if (format <= 2) return HeadBlockFormat.ordered;
  return format === 3 ? HeadBlockFormat.unordered : HeadBlockFormat.unorderedWithStructuredMetadata;
}

/** Loki's name for a head block format (`HeadBlockFmt.String()`). */
export function headBlockFormatName(headFormat: number): string {
  switch (headFormat) {
    case HeadBlockFormat.ordered:
      return 'ordered';
    case HeadBlockFormat.unordered:
      return 'unordered';
    case HeadBlockFormat.unorderedWithStructuredMetadata:
      return 'unordered with structured metadata';
    default:
      return `unknown (${headFormat})`;
  }
}

/** Bytes before the first section: magic, version and (v2+) the codec byte. */
export function headerLength(format: ChunkFormat): number {
  return format === 1 ? 5 : 6;
}

/** Bytes of the footer: one u64 for v1-v3, four for v4. */
export function footerLength(format: ChunkFormat): number {
  return format === 4 ? 32 : 8;
}

/** Every section (SM, block, metas) is followed by a big-endian CRC-32C. */
export const CHECKSUM_LENGTH = 4;

/** Loki refuses lines of 1 GiB or more when reading. */
export const LOKI_MAX_LINE_LENGTH = 1 << 30;

/** Loki's default block size: 256 KiB of uncompressed line bytes. */
export const DEFAULT_BLOCK_SIZE = 256 * 1024;
/** Loki's default target chunk size: 1.5 MiB compressed. */
export const DEFAULT_TARGET_SIZE = 1536 * 1024;
/** With target size 0, Loki cuts chunks at this many blocks. */
export const BLOCKS_PER_CHUNK = 10;
