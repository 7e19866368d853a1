/**
 * Inspecting a chunk held in memory (a dropped or picked file). Reads it as Loki does, with Loki's recovery and
 * without failing on checksum mismatches (they are reported instead); falls back to `salvageChunk` when the
 * structure itself is damaged, so a broken chunk still shows every entry that can be recovered.
 */
import {
  CodecId,
  LokiChunkError,
  isRawChunk,
  readCheckpoint,
  readChunk,
  salvageChunk,
  type Chunk,
  type Direction,
  type LogEntry,
  type ReadChunkOptions,
  type SalvageResult,
} from '../../src/index.js';
import { EntryColumns } from './entry-columns.js';
import { blockChecksum, blocksChecksumLine, chunkSummary, sectionChecksumLine, timeRangeOf } from './checks.js';
import type { BlockRow, ChecksumLine, ChunkSummary, Inspection, Problem, ReadMode } from './inspection.js';

/** Loki's reading: moved blocks are found, corrupt ones skipped; checksum mismatches reported, not raised. */
const AS_LOKI_READS: ReadChunkOptions = { lenient: true, verifyChecksums: false };

/** Loki's name of a codec byte. */
export function codecName(id: number): string {
  const entry = Object.entries(CodecId).find(([, value]) => value === id);
  return entry ? entry[0] : `unknown (${id})`;
}

/** The message of anything thrown, with the `LokiChunkError` code and offset when it is one. */
export function problemFrom(error: unknown, severity: Problem['severity'] = 'error', prefix = ''): Problem {
  if (error instanceof LokiChunkError) {
    return { severity, message: prefix + error.message, code: error.code, ...(error.offset === undefined ? {} : { offset: error.offset }) };
  }
  return { severity, message: prefix + (error instanceof Error ? error.message : String(error)) };
}

/**
 * Inspects a chunk in memory: raw, storage-wrapped, or the `.chunk` of a WAL checkpoint (with its `.head` file
 * when given). Never throws for damaged input: what is wrong is in `problems`.
 */
export function inspectBytes(input: Uint8Array, source: string, head?: Uint8Array): Inspection {
  const problems: Problem[] = [];
  const opened = openChunk(input, head, problems);
  return opened ? fromChunk(opened.chunk, opened.mode, input, source, problems) : fromSalvage(input, source, problems);
}

function openChunk(input: Uint8Array, head: Uint8Array | undefined, problems: Problem[]): { chunk: Chunk; mode: ReadMode } | null {
  if (head) {
    try {
      const { chunk } = readCheckpoint(input, head, AS_LOKI_READS);
      problems.push({ severity: 'info', message: 'Read as a WAL checkpoint: the chunk plus its head block (.head), as MemchunkFromCheckpoint does.' });
      return { chunk, mode: 'checkpoint' };
    } catch (error) {
      problems.push(problemFrom(error, 'warning', 'The .head file could not be used: '));
    }
  }
  let firstError: unknown;
  try {
    return { chunk: readChunk(input, AS_LOKI_READS), mode: 'chunk' };
  } catch (error) {
    firstError = error;
  }
  // A WAL checkpoint's v4 chunk stores its symbol table uncompressed; Loki's normal reader rejects it.
  try {
    const chunk = readChunk(input, { ...AS_LOKI_READS, fromCheckpoint: true });
    if (chunk.format === 4) {
      problems.push({
        severity: 'info',
        message: 'Read as a WAL checkpoint chunk: its symbol table is stored uncompressed (Loki reads it with MemchunkFromCheckpoint, not NewByteChunk).',
      });
      return { chunk, mode: 'checkpoint' };
    }
  } catch {
    // Not a checkpoint chunk either: report the first error.
  }
  problems.push(problemFrom(firstError, 'error', 'Loki cannot read this chunk: '));
  return null;
}

function fromChunk(chunk: Chunk, mode: ReadMode, input: Uint8Array, source: string, problems: Problem[]): Inspection {
  const rows = blockRows(chunk, problems);
  const checksums = chunkChecksums(chunk, rows, problems);
  let readMode = mode;
  let directions: readonly Direction[] = ['forward', 'backward'];
  const byDirection = new Map<Direction, EntryColumns>();
  try {
    byDirection.set('forward', new EntryColumns([...chunk.entries()]));
  } catch (error) {
    // A block whose CRC matches but whose payload does not decode stops Loki's iterator: show the others.
    problems.push(problemFrom(error, 'error', 'Loki stops reading this chunk: '));
    problems.push({ severity: 'info', message: 'Entries are shown block by block in stored order, without the blocks that do not decode.' });
    byDirection.set('forward', new EntryColumns(decodeBlockByBlock(chunk, rows)));
    readMode = 'blocks';
    directions = ['forward'];
  }
  const decompressed = rows.every((row) => row.decompressedSize !== null || row.status === 'skipped')
    ? rows.reduce((sum, row) => sum + (row.decompressedSize ?? 0), 0)
    : null;
  const kept = rows.filter((row) => row.status !== 'skipped');
  const summary = chunkSummary(chunk, rows, {
    source,
    inputBytes: input.length,
    chunkBytes: chunk.bytes.length,
    checksums,
    compressedBytes: kept.reduce((sum, row) => sum + row.length, 0),
    decompressedBytes: decompressed,
    readMode,
  });
  return {
    summary,
    blocks: rows,
    problems,
    access: 'memory',
    directions,
    loadEntries: async ({ direction }) => {
      let entries = byDirection.get(direction);
      if (!entries) {
        entries = new EntryColumns([...chunk.entries({ direction })]);
        byDirection.set(direction, entries);
      }
      return entries;
    },
    readStats: () => null,
  };
}

/** Kept and skipped blocks in metas order, each decompressed once to learn its size and whether it decodes. */
function blockRows(chunk: Chunk, problems: Problem[]): BlockRow[] {
  const rows: BlockRow[] = [];
  const hasSizes = chunk.format >= 3;
  for (const block of chunk.blocks) {
    const row: BlockRow = {
      metaIndex: block.metaIndex,
      index: block.index,
      offset: block.offset,
      length: block.length,
      uncompressedSize: hasSizes ? block.uncompressedSize : null,
      decompressedSize: null,
      entryCount: block.entryCount,
      mint: block.mint,
      maxt: block.maxt,
      checksum: { ...block.checksum },
      status: block.storedOffset === undefined ? 'ok' : 'moved',
      note: block.storedOffset === undefined ? '' : `metas say offset ${block.storedOffset}; found at ${block.offset} as Loki does`,
    };
    if (row.status === 'moved') {
      problems.push({ severity: 'warning', message: `Block ${block.index}: ${row.note}.`, offset: block.storedOffset });
    }
    try {
      row.decompressedSize = block.decompress().length;
    } catch (error) {
      markUndecodable(row, error);
    }
    rows.push(row);
  }
  for (const skipped of chunk.skippedBlocks) {
    const meta = skipped.meta;
    rows.push({
      metaIndex: meta.metaIndex,
      index: null,
      offset: meta.offset,
      length: meta.length,
      uncompressedSize: hasSizes ? meta.uncompressedSize : null,
      decompressedSize: null,
      entryCount: meta.entryCount,
      mint: meta.mint,
      maxt: meta.maxt,
      checksum: storedAndComputed(chunk.bytes, meta.offset, meta.length),
      status: 'skipped',
      note: 'CRC-32C mismatch: Loki skips this block',
    });
    problems.push(problemFrom(skipped.error, 'error', `Skipped as Loki does (${meta.entryCount} entries lost): `));
  }
  return rows.sort((left, right) => (left.metaIndex ?? 0) - (right.metaIndex ?? 0));
}

/** The entries of every block that decodes, in stored order; the others are marked on their rows. */
function decodeBlockByBlock(chunk: Chunk, rows: BlockRow[]): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const block of chunk.blocks) {
    try {
      entries.push(...block.decode());
    } catch (error) {
      const row = rows.find((candidate) => candidate.index === block.index);
      if (row && row.status !== 'undecodable') markUndecodable(row, error);
    }
  }
  return entries;
}

function markUndecodable(row: BlockRow, error: unknown): void {
  row.status = 'undecodable';
  row.note = error instanceof Error ? error.message : String(error);
}



/** The summary's checksum lines, reporting section mismatches as problems. */
function chunkChecksums(chunk: Chunk, rows: BlockRow[], problems: Problem[]): ChecksumLine[] {
  const lines = [sectionChecksumLine('metas', chunk.metas.checksum)];
  if (!chunk.metas.checksum.ok) {
    problems.push({
      severity: 'error',
      message: 'The metas section does not match its CRC-32C (Loki refuses the chunk): the block list below may be wrong.',
      code: 'CHECKSUM_MISMATCH',
      offset: chunk.metas.offset,
    });
  }
  if (chunk.structuredMetadata) {
    lines.push(sectionChecksumLine('structured metadata', chunk.structuredMetadata.checksum));
    if (!chunk.structuredMetadata.checksum.ok) {
      problems.push({
        severity: 'error',
        message: 'The structured-metadata section does not match its CRC-32C (Loki refuses the chunk): metadata names and values may be wrong.',
        code: 'CHECKSUM_MISMATCH',
        offset: chunk.structuredMetadata.offset,
      });
    }
  }
  lines.push(blocksChecksumLine(rows));
  return lines;
}



/** A damaged chunk: what `salvageChunk` recovered, and the damage it found. */
function fromSalvage(input: Uint8Array, source: string, problems: Problem[]): Inspection {
  let result: SalvageResult;
  try {
    result = salvageChunk(input);
  } catch (error) {
    problems.push(problemFrom(error, 'error', 'Salvage impossible: '));
    result = { format: null, encoding: null, wrapper: null, metasIntact: false, symbols: [], blocks: [], entries: [], damage: [] };
  }
  for (const damage of result.damage) {
    const what = damage.kind === 'unknown' ? `${damage.length} bytes no recovered block accounts for` : `${damage.kind} damaged`;
    const where = damage.metaIndex === undefined ? '' : ` (block ${damage.metaIndex} of the metas)`;
    problems.push({
      severity: damage.kind === 'unknown' ? 'warning' : 'error',
      message: `Salvage: ${what}${where}${damage.error ? `: ${damage.error.message}` : ''}`,
      ...(damage.error ? { code: damage.error.code } : {}),
      offset: damage.offset,
    });
  }
  const recovered = result.entries.length;
  problems.push({
    severity: 'info',
    message: `Salvaged ${recovered} ${recovered === 1 ? 'entry' : 'entries'} from ${result.blocks.length} intact ${result.blocks.length === 1 ? 'block' : 'blocks'}, in stored order (a recovery Loki does not have).`,
  });
  const chunkBytes = salvagedChunkBytes(input, result);
  const rows: BlockRow[] = result.blocks.map((block) => {
    const times = block.entries.map((entry) => entry.timestamp);
    return {
      metaIndex: block.metaIndex,
      index: null,
      offset: block.offset,
      length: block.length,
      uncompressedSize: null,
      decompressedSize: null,
      entryCount: block.entries.length,
      mint: times.length ? times.reduce((min, time) => (time < min ? time : min)) : null,
      maxt: times.length ? times.reduce((max, time) => (time > max ? time : max)) : null,
      checksum: chunkBytes ? storedAndComputed(chunkBytes, block.offset, block.length) : null,
      status: block.foundBy === 'metas' ? 'ok' : 'found',
      note: '',
    };
  });
  const entries = new EntryColumns(result.entries);
  const lostBlocks = result.damage.filter((damage) => damage.kind === 'block').length;
  const summary: ChunkSummary = {
    source,
    inputBytes: input.length,
    chunkBytes: chunkBytes?.length ?? input.length,
    format: result.format,
    codec: result.encoding === null ? null : { id: result.encoding, name: codecName(result.encoding) },
    headBlockFormat: null,
    wrapper: result.wrapper,
    checksums: [
      { section: 'metas', state: result.metasIntact ? 'ok' : 'bad', detail: result.metasIntact ? 'intact' : 'damaged or missing' },
      {
        section: 'blocks',
        state: lostBlocks > 0 ? 'bad' : 'ok',
        detail: `${rows.length} recovered with a matching CRC-32C${lostBlocks > 0 ? `, ${lostBlocks} lost` : ''}`,
      },
    ],
    timeRange: timeRangeOf(rows),
    blockCount: rows.length,
    metasEntryCount: null,
    compressedBytes: rows.reduce((sum, row) => sum + row.length, 0),
    decompressedBytes: null,
    symbolCount: result.format === 4 ? result.symbols.length : null,
    readMode: 'salvage',
  };
  return {
    summary,
    blocks: rows,
    problems,
    access: 'memory',
    directions: ['forward'],
    loadEntries: async () => entries,
    readStats: () => null,
  };
}

/**
 * The chunk salvage worked on (its offsets are relative to it): inside the wrapper, or, when the wrapper is
 * broken, from the first chunk magic after its length word (where salvage looks too); `null` when there is none.
 */
function salvagedChunkBytes(input: Uint8Array, result: SalvageResult): Uint8Array | null {
  if (result.wrapper) return input.subarray(result.wrapper.dataOffset, result.wrapper.dataOffset + result.wrapper.dataLength);
  if (!result.damage.some((damage) => damage.kind === 'wrapper')) return input;
  for (let start = 4; start + 4 <= input.length; start++) {
    if (isRawChunk(input.subarray(start, start + 4))) return input.subarray(start);
  }
  return null;
}

/** The CRC stored after the block at `offset` and the one its bytes have, when both lie inside `bytes`. */
function storedAndComputed(bytes: Uint8Array, offset: number, length: number): BlockRow['checksum'] {
  if (offset < 0 || offset + length + 4 > bytes.length) return null;
  return blockChecksum(bytes.subarray(offset, offset + length + 4));
}
