/**
 * What chunkdump found in one file, independent of how it is printed: the chunk's sections and checksums, every
 * block checked (CRC, decompression, decoding), the problems found, and the entries asked for. The human and
 * JSON printers both render this model, so they can never disagree. Uses only the library's public API.
 */
import { createHash } from 'node:crypto';
import {
  isLokiChunkError,
  isRawChunk,
  isStorageWrapped,
  normalizeStructuredMetadata,
  readChunk,
  type Chunk,
  type ChunkBlock,
  type ChecksumCheck,
  type CodecRegistry,
  type Direction,
  type LogEntry,
  type StructuredMetadataPair,
} from '../index.js';

/** One thing wrong with a file: a library error code (or `IO_ERROR`/`INTERNAL_ERROR`), where, and what. */
export interface Problem {
  code: string;
  message: string;
  /** Byte offset: in the chunk, or in the file for `BAD_WRAPPER` (they differ only for storage-wrapped files). */
  offset?: number;
  /** Block index, when the problem concerns one block. */
  block?: number;
}

/** One block as chunkdump checked it. */
export interface BlockReport {
  /** Loki's block index (position among the blocks kept). */
  index: number;
  /** Position in the metas (differs from `index` after blocks skipped by `--lenient`). */
  metaIndex: number;
  offset: number;
  /** With `--lenient`: the offset the metas gave, when Loki's recovery read the block elsewhere. */
  storedOffset: number | undefined;
  /** Compressed length, without the CRC. */
  length: number;
  /** Entry count from the metas. */
  entryCount: number;
  /** Entries actually decoded, or `null` when the block could not be decoded. */
  decodedEntries: number | null;
  mint: bigint;
  maxt: bigint;
  /** Loki's size counter from the metas (v3+; 0 for v1/v2). */
  uncompressedSize: number;
  /** Length of the decompressed payload, or `null` when it could not be decompressed. */
  decompressedSize: number | null;
  checksum: ChecksumCheck;
  /** SHA-256 (hex) of the compressed and decompressed bytes, when asked for. */
  sha256: { compressed: string; decompressed: string | null } | null;
  /** Why the block could not be decompressed or decoded. */
  error: Problem | null;
}

/** A block `--lenient` dropped, as Loki's recovery does. */
export interface SkippedBlockReport {
  metaIndex: number;
  offset: number;
  length: number;
  entryCount: number;
  mint: bigint;
  maxt: bigint;
  error: Problem;
}

/** An entry as printed: a reader `LogEntry`, or one with its structured metadata normalised. */
export interface ReportEntry {
  readonly timestamp: bigint;
  readonly lineBytes: Uint8Array;
  readonly structuredMetadata: readonly (readonly [string, string])[];
}

/** Which entries to list (`--lines` and its options). */
export interface EntryQuery {
  from: bigint | undefined;
  through: bigint | undefined;
  direction: Direction;
  normalize: boolean;
  limit: number | undefined;
}

/** How to read and check a file. */
export interface InspectOptions {
  /** Loki's recovery (`--lenient`). */
  lenient: boolean;
  /** The chunk half of a WAL checkpoint: v4 symbols stored uncompressed (`--checkpoint`). */
  checkpoint: boolean;
  /** Compute the SHA-256 of every block's bytes (`--blocks`). */
  hashes: boolean;
  /** Entries to list, or `null` for none. */
  entries: EntryQuery | null;
  /** Called with each block's bytes (`--store-blocks`); `decompressed` is `null` when decompression failed. */
  onBlockBytes?: (block: ChunkBlock, decompressed: Uint8Array | null) => void;
  /** The codecs to read with (default: the built-in pure-TypeScript ones). */
  codecs?: CodecRegistry;
}

/** Everything chunkdump found in one file. */
export interface FileReport {
  /** The name given on the command line (`-` for standard input). */
  file: string;
  /** File size, or `null` when the file could not be read. */
  bytes: number | null;
  /** Every problem, in the order found; empty means the file is a valid chunk. */
  problems: Problem[];
  /** `true` when the file could not be read at all (exit status 2 rather than 1). */
  ioError: boolean;
  /** `true` for a storage-wrapped object: problem offsets are then in the chunk inside it (except `BAD_WRAPPER`). */
  wrapped: boolean;
  /** The parsed chunk, or `null` when it could not be parsed. */
  chunk: Chunk | null;
  blocks: BlockReport[];
  skippedBlocks: SkippedBlockReport[];
  /** Sum of the decompressed block sizes that could be measured. */
  originalSize: number;
  /** The entries asked for, in the order asked for, or `null` when not asked for. */
  entries: ReportEntry[] | null;
  /** `true` when the entries are in Loki's exact order; `false` when some blocks were left out (damaged chunk). */
  entriesInLokiOrder: boolean;
}

/** A report for a file that could not be read (I/O error: exit status 2). */
export function unreadableReport(file: string, problem: Problem): FileReport {
  return { ...emptyReport(file, null), problems: [problem], ioError: true };
}

/** A report for a file refused before it was read (too large): damaged, as far as chunkdump can tell. */
export function refusedReport(file: string, bytes: number, problem: Problem): FileReport {
  return { ...emptyReport(file, bytes), problems: [problem] };
}

/**
 * Reads and checks one chunk file's bytes. Without `lenient`, checksums are recorded rather than enforced so
 * every section and block can still be listed; every block is decompressed and decoded to check it.
 */
export function inspectChunk(file: string, bytes: Uint8Array, options: InspectOptions): FileReport {
  const report = emptyReport(file, bytes.length);
  report.wrapped = !isRawChunk(bytes) && isStorageWrapped(bytes);
  const read = (fromCheckpoint: boolean) =>
    readChunk(bytes, { lenient: options.lenient, verifyChecksums: false, fromCheckpoint, codecs: options.codecs });
  let chunk: Chunk;
  try {
    chunk = read(options.checkpoint);
  } catch (error) {
    const problem = problemOf(error);
    if (!options.checkpoint && readsAsCheckpoint(() => read(true))) {
      problem.message += ' (it reads as the chunk of a WAL checkpoint: try --checkpoint)';
    }
    report.problems.push(problem);
    return report;
  }
  report.chunk = chunk;
  report.problems.push(...sectionProblems(chunk));
  for (const skipped of chunk.skippedBlocks) {
    const error = problemOf(skipped.error);
    const { meta } = skipped;
    report.skippedBlocks.push({
      metaIndex: meta.metaIndex,
      offset: meta.offset,
      length: meta.length,
      entryCount: meta.entryCount,
      mint: meta.mint,
      maxt: meta.maxt,
      error,
    });
    report.problems.push(error);
  }
  const goodBlocks: ChunkBlock[] = [];
  for (const block of chunk.blocks) {
    const blockReport = checkBlock(block, options);
    report.blocks.push(blockReport);
    if (blockReport.checksum.ok && blockReport.error === null) goodBlocks.push(block);
    report.originalSize += blockReport.decompressedSize ?? 0;
    report.problems.push(...blockProblems(blockReport));
  }
  if (options.entries) {
    const intact = goodBlocks.length === chunk.blocks.length;
    const selected = selectEntries(chunk, intact ? null : goodBlocks, options.entries, report.problems);
    report.entries = selected.entries;
    report.entriesInLokiOrder = selected.lokiOrder;
  }
  return report;
}

/** Whether a chunk that failed to read is a WAL checkpoint chunk (v4 symbols stored uncompressed). */
function readsAsCheckpoint(read: () => Chunk): boolean {
  try {
    return read().format === 4;
  } catch {
    return false;
  }
}

function emptyReport(file: string, bytes: number | null): FileReport {
  return {
    file,
    bytes,
    problems: [],
    ioError: false,
    wrapped: false,
    chunk: null,
    blocks: [],
    skippedBlocks: [],
    originalSize: 0,
    entries: null,
    entriesInLokiOrder: true,
  };
}

/** Checksum problems of the metas and (v4) structured-metadata sections. */
function sectionProblems(chunk: Chunk): Problem[] {
  const problems: Problem[] = [];
  if (!chunk.metas.checksum.ok) problems.push(checksumProblem('metas section', chunk.metas.offset, chunk.metas.checksum));
  const section = chunk.structuredMetadata;
  if (section && !section.checksum.ok) {
    problems.push(checksumProblem('structured-metadata section', section.offset, section.checksum));
  }
  return problems;
}

/** Decompresses and decodes one block, catching what fails. */
function checkBlock(block: ChunkBlock, options: InspectOptions): BlockReport {
  let decompressed: Uint8Array | null = null;
  let entries: readonly LogEntry[] | null = null;
  let error: Problem | null = null;
  try {
    decompressed = block.decompress();
    entries = block.decode(decompressed);
  } catch (caught) {
    error = problemOf(caught, block.offset, block.index);
  }
  options.onBlockBytes?.(block, decompressed);
  return {
    index: block.index,
    metaIndex: block.metaIndex,
    offset: block.offset,
    storedOffset: block.storedOffset,
    length: block.length,
    entryCount: block.entryCount,
    decodedEntries: entries === null ? null : entries.length,
    mint: block.mint,
    maxt: block.maxt,
    uncompressedSize: block.uncompressedSize,
    decompressedSize: decompressed === null ? null : decompressed.length,
    checksum: block.checksum,
    sha256: options.hashes ? { compressed: sha256(block.compressedBytes()), decompressed: decompressed && sha256(decompressed) } : null,
    error,
  };
}

/** What is wrong with one block: its offset was recovered, its CRC fails, or it cannot be decoded. */
function blockProblems(block: BlockReport): Problem[] {
  const problems: Problem[] = [];
  if (block.storedOffset !== undefined) {
    problems.push({
      code: 'MALFORMED',
      message: `block ${block.index}: the metas give offset ${block.storedOffset}, Loki's recovery read it at ${block.offset}`,
      // The stored offset may lie outside the file; where the block was read is always inside it.
      offset: block.offset,
      block: block.index,
    });
  }
  if (!block.checksum.ok) problems.push(checksumProblem(`block ${block.index}`, block.offset, block.checksum, block.index));
  if (block.error) problems.push(block.error);
  return problems;
}

function checksumProblem(what: string, offset: number, checksum: ChecksumCheck, block?: number): Problem {
  const problem: Problem = {
    code: 'CHECKSUM_MISMATCH',
    message: `${what} at offset ${offset}: stored CRC-32C ${hex8(checksum.stored)}, computed ${hex8(checksum.computed)}`,
    offset,
  };
  if (block !== undefined) problem.block = block;
  return problem;
}

/**
 * The entries asked for. An intact chunk is read with `Chunk.entries`, so the order is exactly Loki's (its merge
 * of overlapping blocks included). A damaged chunk (`goodBlocks` not `null`) is listed from its good blocks only:
 * entries in `[from, through)`, by time (stable, so chunk order breaks ties), reversed for backward. Good blocks
 * are decoded again rather than kept from the check, so checking never holds every block's entries at once.
 */
function selectEntries(
  chunk: Chunk,
  goodBlocks: readonly ChunkBlock[] | null,
  query: EntryQuery,
  problems: Problem[],
): { entries: ReportEntry[]; lokiOrder: boolean } {
  const limit = query.limit ?? Infinity;
  const entries: ReportEntry[] = [];
  if (limit === 0) return { entries, lokiOrder: goodBlocks === null };
  try {
    if (goodBlocks === null) {
      const source = chunk.entries({
        from: query.from,
        through: query.through,
        direction: query.direction,
        normalizeNames: query.normalize,
      });
      for (const entry of source) {
        entries.push(entry);
        if (entries.length >= limit) break;
      }
      return { entries, lokiOrder: true };
    }
    for (const entry of goodBlockEntries(goodBlocks, query)) {
      entries.push(query.normalize ? normalized(entry) : entry);
      if (entries.length >= limit) break;
    }
  } catch (error) {
    // Only name normalisation fails here, on a symbol of the structured-metadata section.
    problems.push(problemOf(error, chunk.structuredMetadata?.offset ?? 0));
  }
  return { entries, lokiOrder: goodBlocks === null };
}

/** Entries of the good blocks in the time range, by time, in the query's direction. */
function goodBlockEntries(goodBlocks: readonly ChunkBlock[], query: EntryQuery): LogEntry[] {
  const inRange: LogEntry[] = [];
  for (const block of goodBlocks) {
    for (const entry of block.decode()) {
      if (query.from !== undefined && entry.timestamp < query.from) continue;
      if (query.through !== undefined && entry.timestamp >= query.through) continue;
      inRange.push(entry);
    }
  }
  inRange.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  return query.direction === 'backward' ? inRange.reverse() : inRange;
}

function normalized(entry: LogEntry): ReportEntry {
  if (entry.structuredMetadata.length === 0) return entry;
  const pairs: StructuredMetadataPair[] = normalizeStructuredMetadata(entry.structuredMetadata);
  return { timestamp: entry.timestamp, lineBytes: entry.lineBytes, structuredMetadata: pairs };
}

/** A caught error as a problem; anything that is not a library error is a bug, reported without a stack trace. */
export function problemOf(error: unknown, fallbackOffset?: number, fallbackBlock?: number): Problem {
  if (isLokiChunkError(error)) {
    const problem: Problem = { code: error.code, message: error.message };
    const offset = error.offset ?? fallbackOffset;
    const block = error.block ?? fallbackBlock;
    if (offset !== undefined) problem.offset = offset;
    if (block !== undefined) problem.block = block;
    return problem;
  }
  const problem: Problem = {
    code: 'INTERNAL_ERROR',
    message: `internal error (please report it): ${error instanceof Error ? error.message : String(error)}`,
  };
  if (fallbackOffset !== undefined) problem.offset = fallbackOffset;
  if (fallbackBlock !== undefined) problem.block = fallbackBlock;
  return problem;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A checksum as 8 lowercase hex digits. */
export function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
