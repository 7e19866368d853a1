/**
 * Reading a whole chunk held in memory: `readChunk(bytes)` gives a {@link Chunk} whose blocks decode lazily.
 * This is the one path from bytes to entries: header -> footer -> metas -> blocks -> payload -> entries.
 */
import type { Codec } from '../compression/codec.js';
import type { CodecRegistry } from '../compression/registry.js';
import { defaultCodecRegistry } from '../compression/defaults.js';
import { LokiChunkError } from '../errors.js';
import { unwrapStoredChunk, isStorageWrapped, type StorageWrapper } from '../storage/wrapper.js';
import { decodeBlockPayload, type PayloadContext } from './block-payload.js';
import { inspectBlock, needsRetry, nextExpectedOffset, placeBlock, type SkippedBlock } from './block-placement.js';
import { CHECKSUM_LENGTH, CHUNK_MAGIC, footerLength, headBlockFormatFor, headBlockFormatName, type ChunkFormat } from './constants.js';
import type { LogEntry } from './entry.js';
import { parseFooter, parseHeader, type BlockMeta, type ChecksumCheck, type ChunkHeader, type SectionLocation } from './layout.js';
import { resolveLimits, type ChunkLimits } from './limits.js';
import { entriesOfPlan, planLokiOrder, type EntrySource, type HeadSource } from './loki-order.js';
import { locateNameError, resolveQuery, withNormalizedNames, type EntriesQuery } from './query.js';
import { codecForHeader, decodeSections, type MetasSection, type StructuredMetadataSection } from './sections.js';
import { relocate } from './symbol-table.js';

export type { SkippedBlock } from './block-placement.js';
export type { EntriesQuery } from './query.js';

/** Options of {@link readChunk}. */
export interface ReadChunkOptions {
  /** Codecs to decompress with (default: the built-in registry). */
  codecs?: CodecRegistry;
  /**
   * Loki's recovery: a block whose offset overruns the chunk or whose CRC fails is retried at the offset where
   * it should be (right after the previous block); a block whose CRC still fails is skipped and reported in
   * {@link Chunk.skippedBlocks}. Symbol references outside the table read as `""`, as in Loki. Default `false`.
   */
  lenient?: boolean;
  /**
   * `false`: record checksum mismatches in `checksum.ok` instead of raising `CHECKSUM_MISMATCH` (for
   * inspection tools). Default `true`.
   */
  verifyChecksums?: boolean;
  /** Limits on what the reader allocates (see {@link ChunkLimits}). */
  limits?: Partial<ChunkLimits>;
  /** The chunk half of a WAL checkpoint pair: v4 symbols are stored uncompressed. Default `false`. */
  fromCheckpoint?: boolean;
}


/** Codec byte and Loki's name for it. */
export interface EncodingInfo {
  id: number;
  name: string;
}

/** What a block needs to decode: the bytes holding it (from absolute offset `base`), the codec, the payload context. @internal */
export interface ChunkContext {
  /** Chunk bytes holding the block: the whole chunk, or a range fetched by `openChunk`. */
  readonly bytes: Uint8Array;
  /** Absolute offset of `bytes[0]` in the chunk. */
  readonly base: number;
  readonly codec: Codec;
  readonly payload: PayloadContext;
}

/** One block of a chunk: its metas, its bytes, and its entries on demand. */
export class ChunkBlock implements EntrySource {
  /** Position among the chunk's kept blocks (what Loki calls the block index). */
  readonly index: number;
  /** Position in the metas section (differs from `index` after skipped blocks). */
  readonly metaIndex: number;
  /** Entry count from the metas. */
  readonly entryCount: number;
  /** Smallest timestamp from the metas (int64 ns). */
  readonly mint: bigint;
  /** Largest timestamp from the metas (int64 ns). */
  readonly maxt: bigint;
  /** Absolute offset of the compressed block. */
  readonly offset: number;
  /** Compressed length (without the CRC). */
  readonly length: number;
  /** Loki's size counter at the cut (v3+): line bytes + 8 per structured-metadata pair; 0 for v1/v2. */
  readonly uncompressedSize: number;
  /** The stored and computed CRC-32C of the compressed bytes. */
  readonly checksum: ChecksumCheck;
  /** When Loki's recovery moved this block, the offset the metas gave. */
  readonly storedOffset: number | undefined;
  private readonly context: ChunkContext;

  /** @internal */
  constructor(index: number, meta: BlockMeta, offset: number, checksum: ChecksumCheck, context: ChunkContext) {
    this.index = index;
    this.metaIndex = meta.metaIndex;
    this.entryCount = meta.entryCount;
    this.mint = meta.mint;
    this.maxt = meta.maxt;
    this.offset = offset;
    this.length = meta.length;
    this.uncompressedSize = meta.uncompressedSize;
    this.checksum = checksum;
    this.storedOffset = offset === meta.offset ? undefined : meta.offset;
    this.context = context;
  }

  /** The compressed bytes (a view into the chunk). */
  compressedBytes(): Uint8Array {
    const start = this.offset - this.context.base;
    return this.context.bytes.subarray(start, start + this.length);
  }

  /**
   * The decompressed payload.
   * @throws {LokiChunkError} from the codec, located at this block.
   */
  decompress(): Uint8Array {
    try {
      return this.context.codec.decompress(this.compressedBytes(), {
        maxOutputSize: this.context.payload.limits.maxDecompressedBlockSize,
        sizeHint: this.uncompressedSize,
      });
    } catch (error) {
      throw relocate(error, this.offset, 'block', this.index);
    }
  }

  /**
   * Every entry of the block in stored order (no time filter, no merging), as Loki's block iterator reads them.
   * @param decompressed The block's payload when already at hand from {@link decompress}, so it is not
   *   decompressed twice (the entries' `lineBytes` are views into it).
   * @throws {LokiChunkError} with `block` set, when the block cannot be decoded.
   */
  decode(decompressed?: Uint8Array): LogEntry[] {
    const payload = decompressed ?? this.decompress();
    try {
      return decodeBlockPayload(payload, this.context.payload);
    } catch (error) {
      if (!(error instanceof LokiChunkError)) throw error;
      const exact = this.context.codec.id === 0; // Uncompressed: payload positions are chunk positions.
      return fail(
        error.code,
        `block ${this.index} at offset ${this.offset}: ${error.message} (decompressed byte ${error.offset ?? 0})`,
        exact ? this.offset + (error.offset ?? 0) : this.offset,
        this.index,
        error,
      );
    }
  }
}

function fail(code: LokiChunkError['code'], message: string, offset: number, block: number, cause: unknown): never {
  throw new LokiChunkError(code, message, { offset, block, cause });
}

/** A decoded chunk: header, sections, block metas and symbols up front; entries on demand. */
export class Chunk {
  /** The raw chunk bytes (without the storage wrapper). */
  readonly bytes: Uint8Array;
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
  /** The v4 symbol table, in index order (names and values share it). */
  readonly symbols: readonly string[];
  /** The blocks Loki keeps, in chunk order. */
  readonly blocks: readonly ChunkBlock[];
  /** Blocks dropped by Loki's recovery (lenient reading), with the reason. */
  readonly skippedBlocks: readonly SkippedBlock[];
  /** The storage wrapper header, when the input was a storage-wrapped object. */
  readonly wrapper: StorageWrapper | null;
  private readonly head: HeadSource | null;

  /** @internal Use {@link readChunk}. */
  constructor(init: {
    bytes: Uint8Array;
    header: ChunkHeader;
    encodingName: string;
    metas: Chunk['metas'];
    structuredMetadata: Chunk['structuredMetadata'];
    symbols: readonly string[];
    blocks: ChunkBlock[];
    skippedBlocks: SkippedBlock[];
    wrapper: StorageWrapper | null;
    head?: HeadSource | null;
  }) {
    this.bytes = init.bytes;
    this.format = init.header.format;
    this.encoding = { id: init.header.encoding, name: init.encodingName };
    const headFormat = headBlockFormatFor(init.header.format);
    this.headBlockFormat = { id: headFormat, name: headBlockFormatName(headFormat) };
    this.metas = init.metas;
    this.structuredMetadata = init.structuredMetadata;
    this.symbols = init.symbols;
    this.blocks = init.blocks;
    this.skippedBlocks = init.skippedBlocks;
    this.wrapper = init.wrapper;
    this.head = init.head ?? null;
  }

  /** Smallest block mint, or `undefined` for a chunk without blocks. */
  get minTime(): bigint | undefined {
    let min: bigint | undefined;
    for (const block of this.blocks) if (min === undefined || block.mint < min) min = block.mint;
    return min;
  }

  /** Largest block maxt, or `undefined` for a chunk without blocks. */
  get maxTime(): bigint | undefined {
    let max: bigint | undefined;
    for (const block of this.blocks) if (max === undefined || block.maxt > max) max = block.maxt;
    return max;
  }

  /** Sum of the blocks' entry counts from the metas. */
  get entryCount(): number {
    return this.blocks.reduce((sum, block) => sum + block.entryCount, 0);
  }

  /** A copy of this chunk with a WAL head block attached (used by the checkpoint reader). @internal */
  withHead(head: HeadSource): Chunk {
    return new Chunk({
      bytes: this.bytes,
      header: { format: this.format, encoding: this.encoding.id, length: 0 },
      encodingName: this.encoding.name,
      metas: this.metas,
      structuredMetadata: this.structuredMetadata,
      symbols: this.symbols,
      blocks: [...this.blocks],
      skippedBlocks: [...this.skippedBlocks],
      wrapper: this.wrapper,
      head,
    });
  }

  /**
   * Entries in `[from, through)` in exactly the order Loki's `MemChunk.Iterator` returns them. Blocks outside
   * the range are never decompressed; the others are decoded one at a time as the iteration reaches them.
   * @throws {LokiChunkError} `INVALID_ARGUMENT` at once for a malformed query; while iterating, when a block
   * cannot be decoded.
   */
  entries(query: EntriesQuery = {}): IterableIterator<LogEntry> {
    const { from, through, direction, normalizeNames } = resolveQuery(query);
    const plan = planLokiOrder(this.blocks, this.head, from, through);
    const entries = entriesOfPlan(plan, from, through, direction);
    if (plan.ordered && !normalizeNames) return entries;
    return namedEntries(entries, normalizeNames, this.structuredMetadata);
  }
}

/**
 * Entries whose names are read, by the renaming or by the merge's tie-break: a name Loki's reader cannot
 * normalise raises an error that is placed at the symbol table, where the name is stored.
 */
function* namedEntries(
  entries: Iterable<LogEntry>,
  normalizeNames: boolean,
  structuredMetadata: StructuredMetadataSection | null,
): Generator<LogEntry, void, undefined> {
  try {
    for (const entry of entries) yield normalizeNames ? withNormalizedNames(entry) : entry;
  } catch (error) {
    throw locateNameError(error, structuredMetadata);
  }
}

/** True when `bytes` starts with Loki's chunk magic number. */
export function isRawChunk(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0 === CHUNK_MAGIC;
}

/**
 * Reads a chunk held in memory: a raw chunk (`MemChunk.Bytes()`) or a storage-wrapped object from a bucket
 * (detected automatically). Checks the header, footer, metas and (v4) symbol table, and every block's CRC.
 * @throws {LokiChunkError} for malformed input, with a stable `code` and the byte `offset`.
 */
export function readChunk(input: Uint8Array, options: ReadChunkOptions = {}): Chunk {
  if (!(input instanceof Uint8Array)) {
    throw new LokiChunkError('INVALID_ARGUMENT', 'readChunk expects a Uint8Array');
  }
  const codecs = options.codecs ?? defaultCodecRegistry();
  const limits = resolveLimits(options.limits);
  if (input.length > limits.maxChunkSize) {
    throw new LokiChunkError('LIMIT_EXCEEDED', `input of ${input.length} bytes exceeds maxChunkSize (${limits.maxChunkSize})`, {
      offset: limits.maxChunkSize,
    });
  }
  let bytes = input;
  let wrapper: StorageWrapper | null = null;
  if (!isRawChunk(input) && isStorageWrapped(input)) {
    ({ wrapper, chunk: bytes } = unwrapStoredChunk(input, codecs));
  }
  const lenient = options.lenient ?? false;
  const verify = options.verifyChecksums ?? true;

  const header = parseHeader(bytes);
  const codec = codecForHeader(codecs, header);
  const sections = parseFooter(header, bytes.subarray(bytes.length - footerLength(header.format)), bytes.length);
  const withCrc = (location: SectionLocation) => bytes.subarray(location.offset, location.offset + location.length + CHECKSUM_LENGTH);
  const { metas, blockMetas, structuredMetadata, symbols } = decodeSections(
    header,
    codec,
    sections,
    { metas: withCrc(sections.metas), structuredMetadata: sections.structuredMetadata && withCrc(sections.structuredMetadata) },
    { verify, limits, fromCheckpoint: options.fromCheckpoint ?? false },
  );

  const context: ChunkContext = {
    bytes,
    base: 0,
    codec,
    payload: { format: header.format, symbols, limits, strictSymbols: !lenient },
  };
  const { blocks, skippedBlocks } = locateBlocks(bytes, blockMetas, sections.firstBlockOffset, context, { lenient, verify });
  return new Chunk({
    bytes,
    header,
    encodingName: codec.name,
    metas,
    structuredMetadata,
    symbols,
    blocks,
    skippedBlocks,
    wrapper,
  });
}

/** Places every block where the metas put it, applying Loki's offset recovery when lenient. */
function locateBlocks(
  bytes: Uint8Array,
  metas: BlockMeta[],
  firstBlockOffset: number,
  context: ChunkContext,
  options: { lenient: boolean; verify: boolean },
): { blocks: ChunkBlock[]; skippedBlocks: SkippedBlock[] } {
  const blocks: ChunkBlock[] = [];
  const skippedBlocks: SkippedBlock[] = [];
  let expectedOffset = firstBlockOffset;
  for (const meta of metas) {
    const stored = inspectBlock(bytes, 0, bytes.length, meta, meta.offset);
    const retry = needsRetry(stored, meta, expectedOffset, options) ? inspectBlock(bytes, 0, bytes.length, meta, expectedOffset) : null;
    const placement = placeBlock(meta, stored, retry, blocks.length, options);
    if (placement.kept) blocks.push(new ChunkBlock(blocks.length, meta, placement.offset, placement.checksum, context));
    else skippedBlocks.push(placement.skipped);
    expectedOffset = nextExpectedOffset(placement, meta, expectedOffset);
  }
  return { blocks, skippedBlocks };
}
