/**
 * Reading a chunk by ranges: `openChunk(source)` reads the header, the footer and the sections, then only the
 * blocks a query needs, through any {@link ByteSource} (bytes, a Blob, a file, an HTTP URL). It returns the same
 * metadata as `readChunk`, and the same entries in the same order (Loki's), as async iterables.
 */
import type { CodecRegistry } from '../compression/registry.js';
import { defaultCodecRegistry } from '../compression/defaults.js';
import { LokiChunkError } from '../errors.js';
import { flattenBatches } from '../io/batches.js';
import { readExactly, sliceSource, type ByteSource } from '../io/byte-source.js';
import { entriesToReadableStream } from '../io/web-streams.js';
import {
  isStorageWrapped,
  parseStorageWrapperHeader,
  storageWrapperPrefixLength,
  type StorageWrapperHeader,
} from '../storage/wrapper.js';
import {
  blockBoundsError,
  inspectBlock,
  needsRetry,
  nextExpectedOffset,
  placeBlock,
  type BlockInspection,
  type BlockPlacement,
  type PlacementOptions,
  type SkippedBlock,
} from './block-placement.js';
import { ChunkBlock, isRawChunk, type ChunkContext, type EncodingInfo, type ReadChunkOptions } from './chunk.js';
import { CHECKSUM_LENGTH, footerLength, headBlockFormatFor, headBlockFormatName, type ChunkFormat } from './constants.js';
import type { LogEntry } from './entry.js';
import { parseFooter, parseHeader, type BlockMeta } from './layout.js';
import { resolveLimits } from './limits.js';
import { lokiOrder, orderedSequence, planLokiOrder } from './loki-order.js';
import { locateNameError, resolveQuery, withNormalizedNames, type EntriesQuery } from './query.js';
import { codecForHeader, decodeSections, type MetasSection, type StructuredMetadataSection } from './sections.js';

/** Options of {@link openChunk}: those of `readChunk`, plus how blocks are fetched. */
export interface OpenChunkOptions extends ReadChunkOptions {
  /**
   * Blocks a query needs that lie next to each other are fetched in one read of at most this many bytes
   * (default 1 MiB; 0: one read per block). A block larger than this is still read, alone.
   */
  coalesceBytes?: number;
}

/** Default of {@link OpenChunkOptions.coalesceBytes}. */
export const DEFAULT_COALESCE_BYTES = 1024 * 1024;

/** Entries per batch when Loki merges overlapping blocks (ordered reads yield one batch per block instead). */
const MERGED_BATCH_SIZE = 4096;
/** Magic, version and codec byte. */
const HEADER_PROBE_LENGTH = 6;
/** The wrapper's length word and the snappy stream identifier after it. */
const WRAPPER_PROBE_LENGTH = 14;
/** A wrapper header (snappy-framed JSON of a few labels) beyond this is not one. */
const MAX_WRAPPER_HEADER_LENGTH = 16 * 1024 * 1024;

/**
 * Opens a chunk through a random-access source: reads the first bytes (a storage-wrapped object is detected
 * there and its header read by range), the footer, the metas section and, in v4, the structured-metadata section,
 * and checks them as `readChunk` does. Blocks are read only when a query or {@link OpenedChunk.block} needs them,
 * and their CRC is checked then.
 * @throws {LokiChunkError} as `readChunk` for malformed input, `IO_ERROR` / `TRUNCATED` / `OUT_OF_BOUNDS` from
 *   the source, `INVALID_ARGUMENT` for a bad source or options.
 */
export async function openChunk(source: ByteSource, options: OpenChunkOptions = {}): Promise<OpenedChunk> {
  if (typeof source !== 'object' || source === null || typeof source.read !== 'function' || !Number.isSafeInteger(source.size) || source.size < 0) {
    throw new LokiChunkError('INVALID_ARGUMENT', 'openChunk expects a ByteSource: { size, read(offset, length) }');
  }
  const coalesceBytes = options.coalesceBytes ?? DEFAULT_COALESCE_BYTES;
  if (!Number.isSafeInteger(coalesceBytes) || coalesceBytes < 0) {
    throw new LokiChunkError('INVALID_ARGUMENT', `coalesceBytes must be a non-negative integer, got ${coalesceBytes}`);
  }
  const codecs = options.codecs ?? defaultCodecRegistry();
  const limits = resolveLimits(options.limits);
  if (source.size > limits.maxChunkSize) {
    throw new LokiChunkError('LIMIT_EXCEEDED', `input of ${source.size} bytes exceeds maxChunkSize (${limits.maxChunkSize})`);
  }
  const lenient = options.lenient ?? false;
  const verify = options.verifyChecksums ?? true;

  const { chunk, wrapper, start } = await locateChunk(source, codecs);
  const header = parseHeader(start);
  const codec = codecForHeader(codecs, header);
  const footerOffset = chunk.size - footerLength(header.format);
  // A chunk too short for its footer is reported by parseFooter, without reading.
  const footer = footerOffset >= header.length ? await readExactly(chunk, footerOffset, chunk.size - footerOffset, 'footer') : new Uint8Array(0);
  const sections = parseFooter(header, footer, chunk.size);
  const withCrc = (location: { offset: number; length: number }, what: string) =>
    readExactly(chunk, location.offset, location.length + CHECKSUM_LENGTH, what);
  const [metasBytes, structuredMetadataBytes] = await Promise.all([
    withCrc(sections.metas, 'metas section'),
    sections.structuredMetadata ? withCrc(sections.structuredMetadata, 'structured-metadata section') : null,
  ]);
  const decoded = decodeSections(
    header,
    codec,
    sections,
    { metas: metasBytes, structuredMetadata: structuredMetadataBytes },
    { verify, limits, fromCheckpoint: options.fromCheckpoint ?? false },
  );
  if (!lenient) {
    // Strict reading refuses a block outside the chunk up front, as readChunk does; lenient reading may find it
    // where Loki expects it, which needs its neighbours' bytes.
    for (const meta of decoded.blockMetas) {
      const error = blockBoundsError(meta, meta.offset, chunk.size);
      if (error) throw error;
    }
  }
  return new OpenedChunk({
    source,
    chunk,
    format: header.format,
    encoding: { id: header.encoding, name: codec.name },
    metas: decoded.metas,
    structuredMetadata: decoded.structuredMetadata,
    symbols: decoded.symbols,
    blocks: decoded.blockMetas,
    firstBlockOffset: sections.firstBlockOffset,
    wrapper,
    blockContext: { codec, payload: { format: header.format, symbols: decoded.symbols, limits, strictSymbols: !lenient } },
    placement: { lenient, verify },
    coalesceBytes,
  });
}

/** A chunk opened by {@link openChunk}: its metadata up front, its blocks fetched on demand. */
export class OpenedChunk {
  /** The source given to {@link openChunk} (its counters show what was fetched). */
  readonly source: ByteSource;
  /** Size of the chunk in bytes (without the storage wrapper). */
  readonly size: number;
  /** Chunk format version, 1-4. */
  readonly format: ChunkFormat;
  /** Codec byte and Loki's name for it. */
  readonly encoding: EncodingInfo;
  /** Loki's head block format for this chunk format (3 ordered, 4 unordered, 5 unordered with SM). */
  readonly headBlockFormat: EncodingInfo;
  /** The metas section and its checksum. */
  readonly metas: MetasSection;
  /** The v4 structured-metadata section, its checksum and symbol count (`null` before v4). */
  readonly structuredMetadata: StructuredMetadataSection | null;
  /** The v4 symbol table, in index order. */
  readonly symbols: readonly string[];
  /**
   * Every block of the metas, as stored. Unlike `Chunk.blocks` this includes blocks lenient reading will skip:
   * which ones is known only once they are read (see {@link skippedBlocks}).
   */
  readonly blocks: readonly BlockMeta[];
  /** The storage wrapper header, when the source held a storage-wrapped object (without the whole-object CRC). */
  readonly wrapper: StorageWrapperHeader | null;
  private readonly chunk: ByteSource;
  private readonly firstBlockOffset: number;
  private readonly blockContext: Omit<ChunkContext, 'bytes' | 'base'>;
  private readonly placementOptions: PlacementOptions;
  private readonly coalesceBytes: number;
  /** Lenient reading: where each block was placed, once known (Loki's recovery depends on earlier blocks). */
  private readonly placements = new Map<number, Promise<ResolvedPlacement>>();
  private readonly skipped: SkippedBlock[] = [];

  /** @internal Use {@link openChunk}. */
  constructor(init: {
    source: ByteSource;
    chunk: ByteSource;
    format: ChunkFormat;
    encoding: EncodingInfo;
    metas: MetasSection;
    structuredMetadata: StructuredMetadataSection | null;
    symbols: readonly string[];
    blocks: readonly BlockMeta[];
    firstBlockOffset: number;
    wrapper: StorageWrapperHeader | null;
    blockContext: Omit<ChunkContext, 'bytes' | 'base'>;
    placement: PlacementOptions;
    coalesceBytes: number;
  }) {
    this.source = init.source;
    this.chunk = init.chunk;
    this.size = init.chunk.size;
    this.format = init.format;
    this.encoding = init.encoding;
    const headFormat = headBlockFormatFor(init.format);
    this.headBlockFormat = { id: headFormat, name: headBlockFormatName(headFormat) };
    this.metas = init.metas;
    this.structuredMetadata = init.structuredMetadata;
    this.symbols = init.symbols;
    this.blocks = init.blocks;
    this.firstBlockOffset = init.firstBlockOffset;
    this.wrapper = init.wrapper;
    this.blockContext = init.blockContext;
    this.placementOptions = init.placement;
    this.coalesceBytes = init.coalesceBytes;
  }

  /** Blocks lenient reading has dropped so far, by metas position (a block is judged when first read). */
  get skippedBlocks(): readonly SkippedBlock[] {
    return [...this.skipped].sort((a, b) => a.meta.metaIndex - b.meta.metaIndex);
  }

  /**
   * Fetches block `index` (its position in the metas) and checks its CRC. The returned block's `index` is that
   * metas position.
   * @throws {LokiChunkError} `INVALID_ARGUMENT` for an index outside the metas, `CHECKSUM_MISMATCH` for a bad CRC
   *   (strict reading), the block's skip reason when lenient reading drops it, or a source error.
   */
  async block(index: number): Promise<ChunkBlock> {
    const meta = Number.isInteger(index) ? this.blocks[index] : undefined;
    if (meta === undefined) {
      throw new LokiChunkError('INVALID_ARGUMENT', `block index ${index} is outside the metas (${this.blocks.length} blocks)`);
    }
    const fetcher = this.fetcherFor([meta]);
    const placement = await this.placementOf(meta, fetcher);
    if (!placement.kept) throw placement.skipped.error;
    return this.chunkBlock(meta, placement, fetcher);
  }

  /**
   * Entries in `[from, through)` in exactly the order `readChunk(bytes).entries(query)` gives them (Loki's), in
   * batches: one per block when Loki reads blocks one after another, fixed-size ones when it merges overlapping
   * blocks. Only blocks overlapping the range are fetched, adjacent ones together (see
   * {@link OpenChunkOptions.coalesceBytes}); an ordered read fetches each block only when the previous one is
   * used up, so stopping early fetches nothing more.
   * @throws {LokiChunkError} while iterating, when a block cannot be read or decoded.
   */
  async *entryBatches(query: EntriesQuery = {}): AsyncGenerator<readonly LogEntry[], void, undefined> {
    const { from, through, direction, normalizeNames } = resolveQuery(query);
    const present = (entries: readonly LogEntry[]) => (normalizeNames ? entries.map(withNormalizedNames) : entries);
    const plan = planLokiOrder(this.blocks, null, from, through);
    const readOrder = direction === 'forward' ? plan.selected : plan.selected.slice().reverse();
    const fetcher = this.fetcherFor(readOrder);
    try {
      if (plan.ordered && !this.placementOptions.lenient) {
        for (const meta of readOrder) {
          const placement = await this.placementOf(meta, fetcher);
          if (!placement.kept) throw placement.skipped.error; // Strict reading never skips.
          const block = this.chunkBlock(meta, placement, fetcher);
          const { entries, stopped } = orderedSequence(block.decode(), from, through, direction);
          if (entries.length > 0) yield present(entries);
          if (stopped) return;
        }
        return;
      }
      // Merged blocks are all decoded up front by Loki's merge; lenient reading must know which blocks survive
      // before Loki's plan is made. Either way every selected block is fetched first.
      const blocks: ChunkBlock[] = [];
      for (const meta of readOrder) {
        const placement = await this.placementOf(meta, fetcher);
        if (placement.kept) blocks.push(this.chunkBlock(meta, placement, fetcher));
      }
      if (direction === 'backward') blocks.reverse();
      let batch: LogEntry[] = [];
      for (const entry of lokiOrder(blocks, null, from, through, direction)) {
        batch.push(entry);
        if (batch.length === MERGED_BATCH_SIZE) {
          yield present(batch);
          batch = [];
        }
      }
      if (batch.length > 0) yield present(batch);
    } catch (error) {
      throw locateNameError(error, this.structuredMetadata);
    }
  }

  /**
   * The entries of {@link entryBatches}, one at a time (the batches are still fetched and decoded whole).
   * @throws {LokiChunkError} while iterating, when a block cannot be read or decoded.
   */
  entries(query: EntriesQuery = {}): AsyncIterableIterator<LogEntry> {
    return flattenBatches(this.entryBatches(query));
  }

  /** The entries of {@link entries} as a pull-based `ReadableStream`; cancelling it stops the reading. */
  stream(query: EntriesQuery = {}): ReadableStream<LogEntry> {
    return entriesToReadableStream(this.entries(query));
  }

  /** A fetcher that reads the blocks of `readOrder` (in that order) in coalesced runs. */
  private fetcherFor(readOrder: readonly BlockMeta[]): BlockFetcher {
    return new BlockFetcher(this.chunk, coalesce(readOrder, this.coalesceBytes, this.chunk.size));
  }

  /** The block's bytes, where `placement` put it, as a {@link ChunkBlock} (its `index` is its metas position). */
  private chunkBlock(meta: BlockMeta, placement: KeptPlacement, fetcher: BlockFetcher): ChunkBlock {
    const window = fetcher.windowFor(placement.offset, meta.length);
    return new ChunkBlock(meta.metaIndex, meta, placement.offset, placement.checksum, { ...this.blockContext, bytes: window.bytes, base: window.start });
  }

  /** Where the block is: strict reading checks it where the metas say; lenient reading applies Loki's recovery. */
  private async placementOf(meta: BlockMeta, fetcher: BlockFetcher): Promise<BlockPlacement> {
    if (!this.placementOptions.lenient) {
      const stored = await this.inspect(meta, meta.offset, fetcher);
      return placeBlock(meta, stored, null, meta.metaIndex, this.placementOptions);
    }
    const { placement } = await this.resolve(meta.metaIndex, fetcher);
    if (placement.kept) await fetcher.fetch(placement.offset, meta.length); // Its bytes, for chunkBlock().
    return placement;
  }

  /**
   * Loki's recovery for block `metaIndex`, exactly: a block whose CRC fails is retried where Loki expects it,
   * which depends on what became of the block before, so that one is resolved (read) too, and so on back.
   */
  private resolve(metaIndex: number, fetcher: BlockFetcher): Promise<ResolvedPlacement> {
    let resolved = this.placements.get(metaIndex);
    if (resolved === undefined) {
      resolved = this.resolveUncached(metaIndex, fetcher);
      this.placements.set(metaIndex, resolved);
      // A failed read is not a verdict on the block: let a later query try again.
      resolved.catch(() => this.placements.delete(metaIndex));
    }
    return resolved;
  }

  private async resolveUncached(metaIndex: number, fetcher: BlockFetcher): Promise<ResolvedPlacement> {
    const meta = this.blocks[metaIndex]!;
    const stored = await this.inspect(meta, meta.offset, fetcher);
    let expectedOffset = meta.offset; // Only consulted when the block fails where the metas put it.
    let retry: BlockInspection | null = null;
    if (stored.problem !== null) {
      expectedOffset = metaIndex === 0 ? this.firstBlockOffset : (await this.resolve(metaIndex - 1, fetcher)).nextExpectedOffset;
      if (needsRetry(stored, meta, expectedOffset, this.placementOptions)) retry = await this.inspect(meta, expectedOffset, fetcher);
    }
    const placement = placeBlock(meta, stored, retry, metaIndex, this.placementOptions);
    if (!placement.kept) this.skipped.push(placement.skipped);
    return { placement, nextExpectedOffset: nextExpectedOffset(placement, meta, expectedOffset) };
  }

  /** Checks block `meta` at `offset`, reading its bytes unless it cannot fit there. */
  private async inspect(meta: BlockMeta, offset: number, fetcher: BlockFetcher): Promise<BlockInspection> {
    if (blockBoundsError(meta, offset, this.chunk.size)) return inspectBlock(new Uint8Array(0), 0, this.chunk.size, meta, offset);
    const window = await fetcher.fetch(offset, meta.length);
    return inspectBlock(window.bytes, window.start, this.chunk.size, meta, offset);
  }
}

/** A block kept, and where. */
type KeptPlacement = Extract<BlockPlacement, { kept: true }>;

/** What lenient reading decided for a block, and where Loki then expects the next one. */
interface ResolvedPlacement {
  placement: BlockPlacement;
  nextExpectedOffset: number;
}

/** Chunk bytes read in one go, from absolute offset `start`. */
interface Window {
  start: number;
  bytes: Uint8Array;
}

/** A run of blocks read in one request: `[start, end)` of the chunk. */
interface Span {
  start: number;
  end: number;
}

/**
 * Reads blocks for one query: a block at its metas offset is read with the whole run it was planned in; any other
 * range (lenient recovery) alone. Keeps only the latest window: blocks keep their own.
 */
class BlockFetcher {
  private latest: Window | null = null;

  constructor(
    private readonly chunk: ByteSource,
    private readonly spans: ReadonlyMap<number, Span>,
  ) {}

  /** The window holding the block of `length` bytes (plus CRC) at `offset`, reading it if needed. */
  async fetch(offset: number, length: number): Promise<Window> {
    const end = offset + length + CHECKSUM_LENGTH;
    if (this.covers(offset, end)) return this.latest!;
    const planned = this.spans.get(offset);
    const span = planned !== undefined && planned.end >= end ? planned : { start: offset, end };
    const bytes = await readExactly(this.chunk, span.start, span.end - span.start, `blocks at [${span.start}, ${span.end})`);
    this.latest = { start: span.start, bytes };
    return this.latest;
  }

  /** The window already read that holds the block at `offset` (see {@link fetch}). */
  windowFor(offset: number, length: number): Window {
    if (!this.covers(offset, offset + length + CHECKSUM_LENGTH)) {
      throw new LokiChunkError('INVALID_ARGUMENT', `internal: block at offset ${offset} was not fetched`, { offset });
    }
    return this.latest!;
  }

  private covers(start: number, end: number): boolean {
    const latest = this.latest;
    return latest !== null && latest.start <= start && end <= latest.start + latest.bytes.length;
  }
}

/**
 * Groups blocks (in the order they will be read) into runs of neighbours in the chunk of at most `limit` bytes,
 * keyed by each block's offset. Blocks that do not fit in the chunk are left out (they are never read there).
 */
function coalesce(readOrder: readonly BlockMeta[], limit: number, chunkLength: number): Map<number, Span> {
  const spans = new Map<number, Span>();
  let run: BlockMeta[] = [];
  let span: Span = { start: 0, end: 0 };
  const close = () => {
    for (const meta of run) spans.set(meta.offset, span);
  };
  for (const meta of readOrder) {
    if (blockBoundsError(meta, meta.offset, chunkLength)) continue;
    const start = meta.offset;
    const end = start + meta.length + CHECKSUM_LENGTH;
    const touches = run.length > 0 && (start === span.end || end === span.start);
    if (touches && Math.max(end, span.end) - Math.min(start, span.start) <= limit) {
      span = { start: Math.min(start, span.start), end: Math.max(end, span.end) };
      run.push(meta);
      continue;
    }
    close();
    run = [meta];
    span = { start, end };
  }
  close();
  return spans;
}

/**
 * Finds the chunk in `source`: the source itself for a raw chunk, or the data part of a storage-wrapped object
 * (whose header is read from the object's first bytes). Returns the chunk's first bytes too.
 */
async function locateChunk(
  source: ByteSource,
  codecs: CodecRegistry,
): Promise<{ chunk: ByteSource; wrapper: StorageWrapperHeader | null; start: Uint8Array }> {
  const read = (length: number) => readExactly(source, 0, Math.min(length, source.size), 'start of the object');
  const start = await read(HEADER_PROBE_LENGTH);
  if (isRawChunk(start)) return { chunk: source, wrapper: null, start };
  const probe = await read(WRAPPER_PROBE_LENGTH);
  // Neither: parseHeader will say why (bad magic, too short).
  if (!isStorageWrapped(probe)) return { chunk: source, wrapper: null, start };
  const metadataLength = new DataView(probe.buffer, probe.byteOffset, 4).getUint32(0);
  if (metadataLength > MAX_WRAPPER_HEADER_LENGTH) {
    throw new LokiChunkError('BAD_WRAPPER', `storage wrapper header of ${metadataLength} bytes is implausibly large`, { offset: 0 });
  }
  const prefix = await read(storageWrapperPrefixLength(metadataLength));
  const wrapper = parseStorageWrapperHeader(prefix, source.size, codecs);
  const chunk = sliceSource(source, wrapper.dataOffset, wrapper.dataLength);
  return { chunk, wrapper, start: await readExactly(chunk, 0, Math.min(HEADER_PROBE_LENGTH, chunk.size), 'chunk header') };
}
