/**
 * Loki's WAL checkpoint pairs (`MemChunk.SerializeForCheckpointTo`): a `.chunk` whose v4 symbols are stored
 * uncompressed, plus a `.head` file holding the head block that had not been cut yet. Read back as
 * `MemchunkFromCheckpoint` does: blocks first, then the head block's entries, in Loki's iteration order.
 */
import { ByteReader } from '../binary/byte-reader.js';
import { int64FromHalves } from '../binary/int64.js';
import { LokiChunkError } from '../errors.js';
import { readChunk, type Chunk, type ReadChunkOptions } from './chunk.js';
import { HeadBlockFormat } from './constants.js';
import { LogEntry, NO_STRUCTURED_METADATA } from './entry.js';
import { resolveLimits, type ChunkLimits } from './limits.js';
import { pipelineLabels, type Direction, type HeadSource } from './loki-order.js';
import { compareUtf8, normalizeStructuredMetadata, type StructuredMetadataPair } from './structured-metadata.js';

/** A decoded WAL head block. */
export interface HeadBlock extends HeadSource {
  /** Head block format byte: 3 ordered, 4 unordered, 5 unordered with structured metadata. */
  readonly format: number;
  /** Entries as Loki's head holds them after loading (unordered heads: sorted, duplicates dropped). */
  readonly entries: readonly LogEntry[];
  /** Loki's size counter: line bytes plus 8 per structured-metadata pair. */
  readonly size: number;
  readonly maxt: bigint;
}

/**
 * Reads a WAL checkpoint pair. The returned chunk's `entries()` include the head block, as
 * `MemchunkFromCheckpoint(chunk, head).Iterator(...)` returns them.
 * @throws {LokiChunkError} for malformed input.
 */
export function readCheckpoint(chunkBytes: Uint8Array, headBytes: Uint8Array, options: ReadChunkOptions = {}): { chunk: Chunk; head: HeadBlock } {
  const chunk = readChunk(chunkBytes, { ...options, fromCheckpoint: true });
  const head = decodeHeadBlock(headBytes, chunk.symbols, resolveLimits(options.limits));
  return { chunk: chunk.withHead(head), head };
}

/**
 * Decodes a head-block checkpoint (`HeadBlock.CheckpointTo`). `symbols` is the checkpoint chunk's table.
 * @throws {LokiChunkError} for malformed input (offsets relative to the head file).
 */
export function decodeHeadBlock(bytes: Uint8Array, symbols: readonly string[], limits: ChunkLimits): HeadBlock {
  if (bytes.length === 0) return orderedHead(HeadBlockFormat.ordered, [], 0, 0n, 0n);
  const reader = new ByteReader(bytes);
  const format = reader.u8('head block format');
  if (format === HeadBlockFormat.ordered || (format >= 1 && format <= 2)) {
    const count = reader.uvarint('head entry count');
    checkCount(count, reader, limits);
    const size = reader.uvarint('head size');
    const mint = reader.varint64('head mint');
    const maxt = reader.varint64('head maxt');
    const entries: LogEntry[] = [];
    for (let i = 0; i < count; i++) entries.push(readLine(reader, limits));
    return orderedHead(format, entries, size, mint, maxt);
  }
  if (format !== HeadBlockFormat.unordered && format !== HeadBlockFormat.unorderedWithStructuredMetadata) {
    throw new LokiChunkError('UNSUPPORTED_VERSION', `unknown head block format ${format}`, { offset: 0 });
  }
  const count = reader.uvarint('head entry count');
  checkCount(count, reader, limits);
  const head = new UnorderedHead(format);
  for (let i = 0; i < count; i++) {
    const line = readLine(reader, limits);
    let metadata = NO_STRUCTURED_METADATA;
    if (format === HeadBlockFormat.unorderedWithStructuredMetadata) {
      const pairCount = reader.uvarint('head pair count');
      if (pairCount > limits.maxPairsPerEntry || pairCount * 2 > reader.remaining) {
        throw new LokiChunkError('LIMIT_EXCEEDED', `head entry claims ${pairCount} structured-metadata pairs`, { offset: reader.offset });
      }
      const pairs: StructuredMetadataPair[] = [];
      for (let p = 0; p < pairCount; p++) {
        const name = symbols[reader.uvarint('head symbol')] ?? '';
        pairs.push([name, symbols[reader.uvarint('head symbol')] ?? '']);
      }
      // Loading goes through the symbolizer's Lookup, which normalises names.
      const at = reader.offset;
      metadata = pairs.length ? wrapNormalization(() => normalizeStructuredMetadata(pairs), at) : NO_STRUCTURED_METADATA;
    }
    head.append(new LogEntry(line.timestamp, line.lineBytes, metadata));
  }
  return head.finish();
}

/** A name that cannot be normalised is located at the entry that holds it. */
function wrapNormalization<T>(normalize: () => T, offset: number): T {
  try {
    return normalize();
  } catch (error) {
    throw error instanceof LokiChunkError && error.offset === undefined ? error.at({ offset }) : error;
  }
}

function checkCount(count: number, reader: ByteReader, limits: ChunkLimits): void {
  // Every entry takes at least two bytes (timestamp and length).
  if (count > limits.maxEntriesPerBlock || count * 2 > reader.remaining) {
    throw new LokiChunkError('TRUNCATED', `head block claims ${count} entries in ${reader.remaining} bytes`, { offset: reader.offset });
  }
}

function readLine(reader: ByteReader, limits: ChunkLimits): LogEntry {
  reader.varint64Halves('head entry timestamp');
  const timestamp = int64FromHalves(reader.lo, reader.hi);
  const at = reader.offset;
  const length = reader.uvarint('head line length');
  if (length > limits.maxLineLength) {
    throw new LokiChunkError('LIMIT_EXCEEDED', `head line of ${length} bytes exceeds maxLineLength`, { offset: at });
  }
  return new LogEntry(timestamp, reader.take(length, 'head line'));
}

/** An ordered (v1/v2) head: entries in append order, bounds as stored. */
function orderedHead(format: number, entries: LogEntry[], size: number, mint: bigint, maxt: bigint): HeadBlock {
  return {
    format,
    entries,
    size,
    mint,
    maxt,
    isEmpty: entries.length === 0,
    query(from, through, direction) {
      if (entries.length === 0 || through < mint || maxt < from) return [];
      const inRange = entries.filter((e) => e.timestamp >= from && e.timestamp < through);
      return direction === 'forward' ? inRange : inRange.reverse();
    },
  };
}

/** Loki's unordered head block: de-duplicates on append, iterates by timestamp (ties in append order). */
class UnorderedHead {
  private readonly byTimestamp = new Map<bigint, LogEntry[]>();
  private size = 0;
  private mint = 0n;
  private maxt = 0n; // Loki starts at 0 and only raises it, so it never goes below 0.

  constructor(private readonly format: number) {}

  append(entry: LogEntry): void {
    const same = this.byTimestamp.get(entry.timestamp);
    if (same?.some((e) => sameContent(e, entry))) return;
    if (same) same.push(entry);
    else this.byTimestamp.set(entry.timestamp, [entry]);
    if (this.size === 0 || this.mint > entry.timestamp) this.mint = entry.timestamp;
    if (this.maxt < entry.timestamp) this.maxt = entry.timestamp;
    this.size += entry.lineBytes.length + entry.structuredMetadata.length * 8;
  }

  finish(): HeadBlock {
    const timestamps = [...this.byTimestamp.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const entries = timestamps.flatMap((ts) => this.byTimestamp.get(ts)!);
    const { mint, maxt, size } = this;
    return {
      format: this.format,
      entries,
      size,
      mint,
      maxt,
      isEmpty: size === 0,
      query(from: bigint, through: bigint, direction: Direction): LogEntry[] {
        if (size === 0 || through < mint || maxt < from) return [];
        // The range tree's interval is [from, through - 1], inclusive.
        const selected = entries.filter((e) => e.timestamp >= from && e.timestamp <= through - 1n);
        if (direction === 'backward') selected.reverse();
        return mergeStreams(selected, direction);
      },
    };
  }
}

function sameContent(a: LogEntry, b: LogEntry): boolean {
  if (a.lineBytes.length !== b.lineBytes.length || a.structuredMetadata.length !== b.structuredMetadata.length) return false;
  for (let i = 0; i < a.lineBytes.length; i++) if (a.lineBytes[i] !== b.lineBytes[i]) return false;
  return a.structuredMetadata.every(([n, v], i) => b.structuredMetadata[i]![0] === n && b.structuredMetadata[i]![1] === v);
}

/**
 * Loki's head iterator groups entries into one stream per label set and merges the streams by timestamp, ties
 * broken by the label string: a stable sort by (timestamp, labels) of the entries in head order.
 */
function mergeStreams(entries: LogEntry[], direction: Direction): LogEntry[] {
  const labels = new Map<LogEntry, string>();
  for (const e of entries) labels.set(e, pipelineLabels(e));
  const sign = direction === 'forward' ? 1 : -1;
  return entries
    .map((entry, position) => ({ entry, position }))
    .sort((a, b) => {
      const ta = a.entry.timestamp;
      const tb = b.entry.timestamp;
      if (ta !== tb) return ta < tb ? -sign : sign;
      return compareUtf8(labels.get(a.entry)!, labels.get(b.entry)!) || a.position - b.position;
    })
    .map(({ entry }) => entry);
}
