/**
 * What the in-memory and the range inspections share: checksum lines for the summary, a block's stored and
 * computed CRC-32C, the blocks' overall time range, and the summary fields a chunk gives either way.
 */
import { crc32c, type Chunk } from '../../src/index.js';
import { formatCrc } from './format.js';
import type { BlockRow, ChecksumLine, ChunkSummary } from './inspection.js';

/** A stored CRC and the computed one. */
export interface Checksum {
  stored: number;
  computed: number;
  ok: boolean;
}

/** The summary line of a section's checksum. */
export function sectionChecksumLine(section: string, check: Checksum): ChecksumLine {
  return {
    section,
    state: check.ok ? 'ok' : 'bad',
    detail: check.ok ? formatCrc(check.stored) : `stored ${formatCrc(check.stored)} ≠ computed ${formatCrc(check.computed)}`,
  };
}

/** The summary line of the blocks' checksums: `12 of 12 OK`, or how many are not known yet (range reading). */
export function blocksChecksumLine(rows: readonly BlockRow[]): ChecksumLine {
  if (rows.length === 0) return { section: 'blocks', state: 'ok', detail: 'no blocks' };
  const known = rows.filter((row) => row.checksum !== null);
  const good = known.filter((row) => row.checksum!.ok).length;
  if (known.length < rows.length) {
    return {
      section: 'blocks',
      state: good < known.length ? 'bad' : 'unknown',
      detail: `${good} of ${known.length} checked OK, ${rows.length - known.length} not checked`,
    };
  }
  return { section: 'blocks', state: good < rows.length ? 'bad' : 'ok', detail: `${good} of ${rows.length} OK` };
}

/** The CRC-32C stored in the last 4 bytes of `blockWithCrc` and the one computed over the bytes before. */
export function blockChecksum(blockWithCrc: Uint8Array): Checksum {
  const length = blockWithCrc.length - 4;
  const stored = new DataView(blockWithCrc.buffer, blockWithCrc.byteOffset + length, 4).getUint32(0);
  const computed = crc32c(blockWithCrc.subarray(0, length));
  return { stored, computed, ok: stored === computed };
}

/** Smallest mint and largest maxt of the rows that have them. */
export function timeRangeOf(rows: readonly BlockRow[]): ChunkSummary['timeRange'] {
  let range: ChunkSummary['timeRange'] = null;
  for (const row of rows) {
    if (row.mint === null || row.maxt === null) continue;
    range = range
      ? { min: row.mint < range.min ? row.mint : range.min, max: row.maxt > range.max ? row.maxt : range.max }
      : { min: row.mint, max: row.maxt };
  }
  return range;
}

/** What a `Chunk` (read whole) and an `OpenedChunk` (read by ranges) both say about a chunk. */
type ChunkMetadata = Pick<Chunk, 'format' | 'encoding' | 'headBlockFormat' | 'structuredMetadata' | 'symbols'> & {
  wrapper: ChunkSummary['wrapper'];
  metas: { blockCount: number };
};

/** The summary of a chunk whose header, footer and metas were read, from its metadata and its block rows. */
export function chunkSummary(
  chunk: ChunkMetadata,
  rows: readonly BlockRow[],
  read: Pick<ChunkSummary, 'source' | 'inputBytes' | 'chunkBytes' | 'checksums' | 'compressedBytes' | 'decompressedBytes' | 'readMode'>,
): ChunkSummary {
  return {
    ...read,
    format: chunk.format,
    codec: { ...chunk.encoding },
    headBlockFormat: { ...chunk.headBlockFormat },
    wrapper: chunk.wrapper,
    timeRange: timeRangeOf(rows),
    blockCount: chunk.metas.blockCount,
    metasEntryCount: rows.reduce((sum, row) => sum + (row.entryCount ?? 0), 0),
    symbolCount: chunk.structuredMetadata ? chunk.symbols.length : null,
  };
}
