/**
 * Inspecting a chunk by URL with HTTP Range requests, through the library's `httpSource` and `openChunk`: the
 * header, footer, metas and symbols are fetched up front (a few KiB), blocks only when entries are requested,
 * and only those a time range needs. A server that ignores `Range` makes the page download the object whole
 * (and say so); a chunk whose structure is damaged is downloaded whole and salvaged, as a dropped file would be.
 */
import {
  DEFAULT_LIMITS,
  LokiChunkError,
  MAX_INT64,
  defaultCodecRegistry,
  httpSource,
  openChunk,
  type ByteSource,
  type HttpByteSource,
  type LogEntry,
  type OpenChunkOptions,
  type OpenedChunk,
} from '../../src/index.js';
import { EntryColumns } from './entry-columns.js';
import { inspectBytes, problemFrom } from './inspect-bytes.js';
import { blockChecksum, blocksChecksumLine, chunkSummary, sectionChecksumLine } from './checks.js';
import type { BlockRow, ChecksumLine, EntryRequest, Inspection, Problem, ReadStats } from './inspection.js';

/** Loki's reading, tolerant of checksum mismatches (reported, not raised), as for dropped files. */
const AS_LOKI_READS: OpenChunkOptions = { lenient: true, verifyChecksums: false };

/**
 * A source that keeps what it read, so the page can show the CRC and size of every block a query fetched
 * without fetching it again.
 */
class RecordingSource implements ByteSource {
  private readonly windows: Array<{ start: number; bytes: Uint8Array }> = [];

  constructor(private readonly inner: ByteSource) {}

  get size(): number {
    return this.inner.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const bytes = await this.inner.read(offset, length);
    this.windows.push({ start: offset, bytes });
    return bytes;
  }

  /** The bytes `[start, start + length)` if one read fetched them all, else `null`. */
  bytesAt(start: number, length: number): Uint8Array | null {
    for (const window of this.windows) {
      if (window.start <= start && start + length <= window.start + window.bytes.length) {
        return window.bytes.subarray(start - window.start, start - window.start + length);
      }
    }
    return null;
  }
}

/** Opens `url` for range reading and inspects it. @throws {LokiChunkError} when the URL cannot be read at all. */
export async function inspectUrl(url: string): Promise<Inspection> {
  const http = await httpSource(url, { onRangeIgnored: 'download' });
  const source = new RecordingSource(http);
  const stats = (): ReadStats => ({ bytesRead: http.bytesRead, requests: http.requests, totalBytes: http.size });
  const problems: Problem[] = [];
  let opened: OpenedChunk | null = null;
  let firstError: unknown;
  try {
    opened = await openChunk(source, AS_LOKI_READS);
  } catch (error) {
    firstError = error;
    opened = await openAsCheckpoint(source, problems);
  }
  if (!opened) {
    // The structure cannot be read by ranges: fetch the rest and let the in-memory path salvage what it can.
    const bytes = await http.read(0, http.size);
    const inspection = inspectBytes(bytes, url);
    inspection.problems.unshift(
      problemFrom(firstError, 'error', 'Cannot read this chunk by ranges: '),
      { severity: 'info', message: 'Downloaded the whole object to show what can be recovered.' },
    );
    return { ...inspection, readStats: stats };
  }
  if (http.downloadedWhole) {
    problems.push({ severity: 'warning', message: 'The server ignored the Range header: the whole object was downloaded.' });
  }
  return rangeInspection(opened, source, http, url, problems, stats);
}

/** A WAL checkpoint's v4 chunk (symbols stored uncompressed), or `null`. */
async function openAsCheckpoint(source: ByteSource, problems: Problem[]): Promise<OpenedChunk | null> {
  try {
    const opened = await openChunk(source, { ...AS_LOKI_READS, fromCheckpoint: true });
    if (opened.format !== 4) return null;
    problems.push({ severity: 'info', message: 'Read as a WAL checkpoint chunk: its symbol table is stored uncompressed.' });
    return opened;
  } catch {
    return null;
  }
}

function rangeInspection(
  opened: OpenedChunk,
  source: RecordingSource,
  http: HttpByteSource,
  url: string,
  problems: Problem[],
  stats: () => ReadStats,
): Inspection {
  const chunkStart = opened.wrapper ? opened.wrapper.dataOffset : 0;
  const hasSizes = opened.format >= 3;
  const rows: BlockRow[] = opened.blocks.map((meta) => ({
    metaIndex: meta.metaIndex,
    index: null,
    offset: meta.offset,
    length: meta.length,
    uncompressedSize: hasSizes ? meta.uncompressedSize : null,
    decompressedSize: null,
    entryCount: meta.entryCount,
    mint: meta.mint,
    maxt: meta.maxt,
    checksum: null,
    status: 'unread',
    note: '',
  }));
  const checksums: ChecksumLine[] = [sectionChecksumLine('metas', opened.metas.checksum)];
  if (opened.structuredMetadata) checksums.push(sectionChecksumLine('structured metadata', opened.structuredMetadata.checksum));
  checksums.push(blocksChecksumLine(rows));
  for (const [section, check] of [['metas', opened.metas.checksum], ['structured-metadata', opened.structuredMetadata?.checksum]] as const) {
    if (check && !check.ok) {
      problems.push({ severity: 'error', message: `The ${section} section does not match its CRC-32C (Loki refuses the chunk).`, code: 'CHECKSUM_MISMATCH' });
    }
  }
  const summary = chunkSummary(opened, rows, {
    source: url,
    inputBytes: http.size,
    chunkBytes: opened.size,
    checksums,
    compressedBytes: rows.reduce((sum, row) => sum + row.length, 0),
    decompressedBytes: null,
    readMode: 'ranges',
  });
  const reported = new Set<number>();
  /** Marks the blocks the reads so far fetched: CRC, size, skipped or moved. */
  const refresh = () => {
    const skipped = new Map(opened.skippedBlocks.map((entry) => [entry.meta.metaIndex, entry]));
    for (const row of rows) {
      if (row.status !== 'unread' || row.metaIndex === null) continue;
      const skip = skipped.get(row.metaIndex);
      const bytes = source.bytesAt(chunkStart + row.offset, row.length + 4);
      if (skip) {
        row.status = 'skipped';
        row.note = 'CRC-32C mismatch: Loki skips this block';
        if (!reported.has(row.metaIndex)) problems.push(problemFrom(skip.error, 'error', `Skipped as Loki does (${row.entryCount} entries lost): `));
        reported.add(row.metaIndex);
      }
      if (!bytes) continue;
      row.checksum = blockChecksum(bytes);
      if (skip) continue;
      row.status = row.checksum.ok ? 'ok' : 'moved';
      if (!row.checksum.ok) row.note = 'CRC fails at the metas offset; Loki found it where it expects it';
      else row.decompressedSize = decompressedSize(opened.encoding.id, bytes.subarray(0, row.length), row);
    }
    summary.checksums[summary.checksums.length - 1] = blocksChecksumLine(rows);
    summary.decompressedBytes = rows.every((row) => row.decompressedSize !== null)
      ? rows.reduce((sum, row) => sum + row.decompressedSize!, 0)
      : null;
  };
  return {
    summary,
    blocks: rows,
    problems,
    access: 'ranges',
    directions: ['forward', 'backward'],
    async loadEntries(request: EntryRequest): Promise<EntryColumns> {
      const entries: LogEntry[] = [];
      try {
        for await (const batch of opened.entryBatches(toQuery(request))) entries.push(...batch);
      } finally {
        refresh();
      }
      return new EntryColumns(entries);
    },
    readStats: stats,
  };
}

/** The page's inclusive bounds as the library's `[from, through)`. */
export function toQuery(request: EntryRequest): { from?: bigint; through?: bigint; direction: EntryRequest['direction'] } {
  return {
    direction: request.direction,
    ...(request.from === null ? {} : { from: request.from }),
    ...(request.to === null || request.to >= MAX_INT64 ? {} : { through: request.to + 1n }),
  };
}




/** The block's decompressed size, or `null` (the row then says why) when it does not decompress. */
function decompressedSize(codecId: number, compressed: Uint8Array, row: BlockRow): number | null {
  try {
    return defaultCodecRegistry().get(codecId).decompress(compressed, { maxOutputSize: DEFAULT_LIMITS.maxDecompressedBlockSize }).length;
  } catch (error) {
    row.status = 'undecodable';
    row.note = error instanceof LokiChunkError ? error.message : String(error);
    return null;
  }
}

