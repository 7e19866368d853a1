/**
 * Writing a chunk as Loki's `MemChunk` does: append entries into a head block, cut it into a compressed block
 * when it reaches `blockSize`, and on `finish()` cut the last block, rebuild the chunk when blocks overlap, and
 * write the bytes. Where Loki loses or alters data (see the README, "Deliberate differences from Loki") this
 * writer keeps every entry exactly and still writes a chunk Loki reads correctly.
 */
import { ByteWriter } from '../binary/byte-writer.js';
import { crc32c } from '../checksum/crc32c.js';
import { CodecId, compressInto, type Codec, type CodecName } from '../compression/codec.js';
import { defaultCodecRegistry } from '../compression/defaults.js';
import type { CodecRegistry } from '../compression/registry.js';
import { LokiChunkError } from '../errors.js';
import {
  BLOCKS_PER_CHUNK,
  DEFAULT_BLOCK_SIZE,
  DEFAULT_TARGET_SIZE,
  LOKI_MAX_LINE_LENGTH,
  type ChunkFormat,
} from './constants.js';
import { lineByteLength, lineOf, sortedPairsOf, timestampOf, utf8ByteLength, type EntryInput, type Pairs } from './entry-input.js';
import { HeadBlock } from './head-block.js';
import { blocksOverlap, rebuildOrder } from './rebuild.js';
import { serializeChunk, type CutBlock } from './serialize.js';
import { normalizeLabelName } from './structured-metadata.js';
import { Symbolizer } from './symbolizer.js';

/** The chunk format a new writer uses: 4, as Loki's current schemas do. */
export const DEFAULT_CHUNK_FORMAT: ChunkFormat = 4;
/** The codec a new writer uses: Loki's default `chunk_encoding`, gzip. */
export const DEFAULT_ENCODING: CodecName = 'gzip';

/** Options of {@link ChunkWriter} (and {@link encodeChunks}). Every field defaults to Loki's ingester default. */
export interface ChunkWriterOptions {
  /** Chunk format 1-4 (default 4). Formats 1-2 refuse out-of-order entries; 1-3 drop structured metadata. */
  format?: ChunkFormat;
  /**
   * Codec name or byte (default `gzip`, Loki's default), looked up in `codecs` (so a codec you registered under
   * another name works too). Format 1 is always gzip.
   */
  encoding?: CodecName | (string & {}) | number;
  /** Uncompressed head size (line bytes + 8 per structured-metadata pair) at which a block is cut (default 256 KiB). */
  blockSize?: number;
  /** Target compressed chunk size for {@link ChunkWriter.spaceFor} (default 1.5 MiB; 0: at most 10 blocks). */
  targetSize?: number;
  /** Codecs to compress with (default: the built-in registry). */
  codecs?: CodecRegistry;
}

/** What {@link ChunkWriter.append} did with an entry. */
export interface AppendResult {
  /**
   * `true` when the entry was dropped as a duplicate: formats 3-4 drop an entry identical (timestamp, line and
   * structured metadata) to one already in the block being filled, as Loki's head block does.
   */
  readonly duplicate: boolean;
}

const APPENDED: AppendResult = Object.freeze({ duplicate: false });
const DUPLICATE: AppendResult = Object.freeze({ duplicate: true });
const NO_PAIRS: Pairs = Object.freeze([]);

/** Builds one chunk from appended entries, exactly as Loki's ingester would. */
export class ChunkWriter {
  /** Chunk format, 1-4. */
  readonly format: ChunkFormat;
  /** The codec's Loki byte and name. */
  readonly encoding: { readonly id: number; readonly name: string };
  /** Uncompressed head size at which a block is cut. */
  readonly blockSize: number;
  /** Target compressed size (0: ten blocks per chunk). */
  readonly targetSize: number;

  private readonly codec: Codec;
  private readonly codecs: CodecRegistry;
  private head: HeadBlock;
  private symbolizer = new Symbolizer();
  private blocks: CutBlock[] = [];
  /** The cut blocks' compressed bytes, back to back (see {@link CutBlock.offset}). */
  private blockBytes = new ByteWriter(64 * 1024);
  /** Sum of the cut blocks' compressed lengths (Loki's `cutBlockSize`). */
  private cutBlockSize = 0;
  /** Where an unordered head's entries are written sorted when cut. */
  private sortedPayload = new ByteWriter(64 * 1024);
  private symbolIds = new Int32Array(32);
  /**
   * The structured-metadata names interned so far (so checked as names Loki can read), with their symbol ids. A
   * `Map` rather than the symbolizer's own lookup: names repeat on every entry, usually as the same string
   * (literals, and the short strings `JSON.parse` interns), whose hash V8 keeps in the string.
   */
  private nameIds = new Map<string, number>();
  private finished: Uint8Array | null = null;

  /**
   * @throws {LokiChunkError} `INVALID_ARGUMENT` for a bad option, `UNSUPPORTED_ENCODING` for an unknown codec,
   *   `UNSUPPORTED` for a codec that cannot compress.
   */
  constructor(options: ChunkWriterOptions = {}) {
    this.format = checkFormat(options.format ?? DEFAULT_CHUNK_FORMAT);
    this.blockSize = checkSize(options.blockSize ?? DEFAULT_BLOCK_SIZE, 'blockSize', 1);
    this.targetSize = checkSize(options.targetSize ?? DEFAULT_TARGET_SIZE, 'targetSize', 0);
    this.codecs = options.codecs ?? defaultCodecRegistry();
    this.codec = this.codecs.get(options.encoding ?? DEFAULT_ENCODING);
    if (this.format === 1 && this.codec.id !== CodecId.gzip) {
      throw new LokiChunkError('INVALID_ARGUMENT', `format 1 chunks are always gzip (no codec byte), not ${this.codec.name}`);
    }
    // A codec that cannot compress (for example a decode-only one) fails here rather than in the middle of an append.
    this.codec.compress(new Uint8Array(0));
    this.encoding = Object.freeze({ id: this.codec.id, name: this.codec.name });
    this.head = new HeadBlock(this.format);
  }

  /**
   * @internal A new writer with the same options for the next chunk of a stream, taking over this finished
   * writer's buffers (the head block's, the symbol table's), which grew to a chunk's size: a stream of chunks then
   * allocates and copies them once, not once per chunk. This writer must not be used afterwards.
   */
  successor(options: ChunkWriterOptions): ChunkWriter {
    const next = new ChunkWriter(options);
    if (next.format === this.format) {
      this.head.reset();
      this.symbolizer.reset();
      this.blockBytes.reset();
      next.head = this.head;
      next.symbolizer = this.symbolizer;
      next.sortedPayload = this.sortedPayload;
      next.blockBytes = this.blockBytes;
    }
    return next;
  }

  /**
   * Appends an entry (Loki's `MemChunk.Append`), cutting a block when the head reaches `blockSize`.
   * @returns whether the entry was dropped as a duplicate (formats 3-4 only).
   * @throws {LokiChunkError} `OUT_OF_ORDER` (formats 1-2) for an entry older than the newest one, also across a
   *   cut; `INVALID_ARGUMENT` for a malformed entry, a structured-metadata name Loki's reader cannot rename (one
   *   made only of characters outside `[A-Za-z0-9]`, such as `"é"` or `"_"`), or after {@link finish};
   *   `LIMIT_EXCEEDED` for a line of 1 GiB or more (Loki could not read it back). A refused entry leaves the writer
   *   unchanged.
   */
  append(entry: EntryInput): AppendResult {
    this.checkOpen();
    return this.appendChecked(timestampOf(entry), lineOf(entry), this.pairsOf(entry));
  }

  /**
   * Whether the chunk has room for `entry` (Loki's `SpaceFor`): with a target size, whether the uncompressed
   * symbols, the compressed cut blocks and the uncompressed head plus this entry (its line, and in v4 its
   * structured-metadata names and values) stay under the target; without one, whether the chunk has fewer than
   * 10 blocks. Loki's ingester starts a new chunk when this is `false`; so does {@link encodeChunks}.
   * @throws {LokiChunkError} `INVALID_ARGUMENT` for a malformed entry.
   */
  spaceFor(entry: EntryInput): boolean {
    return this.hasSpace(lineOf(entry), this.pairsOf(entry));
  }

  /**
   * @internal `spaceFor` then `append`, reading the entry once; `null` (nothing appended) when a non-empty chunk
   * has no space for it. The ingester's step, for {@link encodeChunks}.
   */
  appendIfSpace(entry: EntryInput): AppendResult | null {
    this.checkOpen();
    const timestamp = timestampOf(entry);
    const line = lineOf(entry);
    const pairs = this.pairsOf(entry);
    if (!this.isEmpty && !this.hasSpace(line, pairs)) return null;
    return this.appendChecked(timestamp, line, pairs);
  }

  private appendChecked(timestamp: bigint, line: string | Uint8Array, pairs: Pairs): AppendResult {
    checkLineLength(line);
    if (pairs.length > 0) this.findSymbols(pairs); // Checks the names before anything changes.
    if (!this.head.unordered) this.checkOrder(timestamp);
    // Loki interns the symbols before its duplicate check, so a dropped duplicate's metadata stays in the table.
    if (pairs.length > 0) this.addSymbols(pairs);
    const duplicate = this.head.append(timestamp, line, this.symbolIds, pairs.length);
    if (this.head.size >= this.blockSize) this.cut();
    return duplicate ? DUPLICATE : APPENDED;
  }

  private hasSpace(line: string | Uint8Array, pairs: Pairs): boolean {
    if (this.targetSize === 0) return this.blocks.length < BLOCKS_PER_CHUNK;
    const used = this.head.size + this.cutBlockSize + (this.head.withMetadata ? this.symbolizer.uncompressedSize : 0);
    // UTF-8 takes at most 3 bytes per UTF-16 code unit: only near the target are the exact lengths worth counting.
    if (used + entrySizeBound(line, pairs) < this.targetSize) return true;
    return used + entrySize(line, pairs) < this.targetSize;
  }

  /** Structured metadata as stored: format 4 only, sorted by name. */
  private pairsOf(entry: EntryInput): Pairs {
    return this.head.withMetadata ? sortedPairsOf(entry) : NO_PAIRS;
  }

  /**
   * Cuts the last block, rebuilds the chunk when blocks overlap (Loki's `Close`), and returns the chunk bytes
   * (`MemChunk.Bytes()`). The writer then takes no more entries; calling `finish()` again returns the same bytes.
   * @throws {LokiChunkError} from the codec (for example `UNSUPPORTED` when it cannot compress).
   */
  finish(): Uint8Array {
    if (this.finished) return this.finished;
    this.cut();
    if (this.head.unordered && blocksOverlap(this.blocks)) this.rebuild();
    this.finished = serializeChunk(this.contents());
    return this.finished;
  }

  /**
   * The WAL checkpoint pair Loki's `SerializeForCheckpointTo` writes, without cutting the head: `chunk` holds the
   * blocks cut so far (v4 symbols uncompressed), `head` the head block (`HeadBlock.CheckpointTo`). Read it back with
   * `readCheckpoint(chunk, head)`.
   */
  checkpoint(): { chunk: Uint8Array; head: Uint8Array } {
    const head = new ByteWriter(this.head.checkpointBound());
    this.head.writeCheckpoint(head);
    return { chunk: serializeChunk(this.contents(), true), head: head.toBytes() };
  }

  /** Entries held (cut blocks and head), duplicates excluded (Loki's `Size()`). */
  get entryCount(): number {
    let count = this.head.count;
    for (const block of this.blocks) count += block.entryCount;
    return count;
  }

  /** Whether the chunk holds no entry yet. */
  get isEmpty(): boolean {
    return this.head.count === 0 && this.blocks.length === 0;
  }

  /** Blocks cut so far. */
  get blockCount(): number {
    return this.blocks.length;
  }

  /** Smallest timestamp held, or `undefined` when empty. */
  get minTime(): bigint | undefined {
    let min = this.head.count > 0 ? this.head.mint : undefined;
    for (const block of this.blocks) if (min === undefined || block.mint < min) min = block.mint;
    return min;
  }

  /** Largest timestamp held, or `undefined` when empty. */
  get maxTime(): bigint | undefined {
    let max = this.head.count > 0 ? this.head.maxt : undefined;
    for (const block of this.blocks) if (max === undefined || block.maxt > max) max = block.maxt;
    return max;
  }

  /**
   * @internal Loki's `Bytes()` without `Close()`: only the blocks cut so far, the head is not written. Used to
   * reproduce golden chunks Loki wrote that way.
   */
  cutBlocksBytes(): Uint8Array {
    return serializeChunk(this.contents());
  }

  /** Compresses the head into a new block (Loki's `cut`). Unlike Loki, a head of only empty lines is cut too. */
  private cut(): void {
    const head = this.head;
    if (head.count === 0) return;
    const payload = head.payload(this.sortedPayload);
    const store = this.blockBytes;
    const offset = store.length;
    compressInto(this.codec, payload, store);
    const length = store.length - offset;
    this.blocks.push({
      offset,
      length,
      checksum: crc32c(store.subarray(offset, offset + length)),
      payloadLength: payload.length,
      entryCount: head.count,
      mint: head.mint,
      maxt: head.maxt,
      uncompressedSize: head.size,
    });
    this.cutBlockSize += length;
    head.reset();
  }

  /** Loki's `reorder`: re-appends every entry, in its merge order, into a fresh chunk and takes its blocks. */
  private rebuild(): void {
    const entries = rebuildOrder(this.blocks, this.blockBytes.subarray(), this.codec, this.format, this.symbolizer.symbols);
    const rebuilt = new ChunkWriter({
      format: this.format,
      encoding: this.codec.id,
      blockSize: this.blockSize,
      targetSize: this.targetSize,
      codecs: this.codecs,
    });
    for (const entry of entries) rebuilt.append(entry);
    rebuilt.cut(); // Entries arrive sorted, so the rebuilt blocks never overlap.
    this.blocks = rebuilt.blocks;
    this.blockBytes = rebuilt.blockBytes;
    this.symbolizer = rebuilt.symbolizer;
    this.nameIds = rebuilt.nameIds;
    this.cutBlockSize = rebuilt.cutBlockSize;
  }

  private contents() {
    return {
      format: this.format,
      codec: this.codec,
      symbolizer: this.symbolizer,
      blocks: this.blocks,
      blockBytes: this.blockBytes.subarray(),
    };
  }

  private checkOrder(timestamp: bigint): void {
    const newest = this.head.count > 0 ? this.head.maxt : this.blocks[this.blocks.length - 1]?.maxt;
    if (newest !== undefined && timestamp < newest) {
      throw new LokiChunkError(
        'OUT_OF_ORDER',
        `entry out of order: timestamp ${timestamp} is older than the newest entry (${newest}) of this format ${this.format} chunk`,
      );
    }
  }

  /**
   * Looks the names up among those already interned (ids, or -1 for new ones, into `symbolIds`), and checks each
   * new one: Loki's reader renames structured-metadata names to Prometheus label names and fails the whole
   * query when one becomes only underscores (`"é"`, `"."`, `"_"`), so such an entry is refused.
   */
  private findSymbols(pairs: Pairs): void {
    if (pairs.length * 2 > this.symbolIds.length) this.symbolIds = new Int32Array(pairs.length * 4);
    const ids = this.symbolIds;
    for (let i = 0; i < pairs.length; i++) {
      const name = pairs[i]![0];
      const nameId = this.nameIds.get(name);
      if (nameId === undefined) checkName(name);
      ids[2 * i] = nameId ?? -1;
    }
  }

  /** Interns the names {@link findSymbols} did not find, and the values, in Loki's order, into `symbolIds`. */
  private addSymbols(pairs: Pairs): void {
    const ids = this.symbolIds;
    for (let i = 0; i < pairs.length; i++) {
      if (ids[2 * i]! < 0) {
        const name = pairs[i]![0];
        ids[2 * i] = this.symbolizer.add(name);
        this.nameIds.set(name, ids[2 * i]!);
      }
      ids[2 * i + 1] = this.symbolizer.add(pairs[i]![1]);
    }
  }

  private checkOpen(): void {
    if (this.finished) throw new LokiChunkError('INVALID_ARGUMENT', 'this ChunkWriter is finished: start a new one');
  }
}

/** The bytes `SpaceFor` counts for an entry: its line, and its structured-metadata names and values. */
function entrySize(line: string | Uint8Array, pairs: Pairs): number {
  let size = typeof line === 'string' ? utf8ByteLength(line) : line.length;
  for (let i = 0; i < pairs.length; i++) size += utf8ByteLength(pairs[i]![0]) + utf8ByteLength(pairs[i]![1]);
  return size;
}

/**
 * At least {@link entrySize}, without reading the strings: their UTF-8 takes at most 3 bytes per code unit. A
 * function of its own rather than `entrySize` with a length callback, which V8 did not inline on this per-entry path.
 */
function entrySizeBound(line: string | Uint8Array, pairs: Pairs): number {
  let size = typeof line === 'string' ? 3 * line.length : line.length;
  for (let i = 0; i < pairs.length; i++) size += 3 * (pairs[i]![0].length + pairs[i]![1].length);
  return size;
}

/** @throws {LokiChunkError} `INVALID_ARGUMENT` for a name Loki's reader cannot rename. */
function checkName(name: string): void {
  try {
    normalizeLabelName(name);
  } catch (error) {
    throw new LokiChunkError('INVALID_ARGUMENT', `${(error as Error).message}: Loki could not read this entry back`, { cause: error });
  }
}

function checkFormat(format: unknown): ChunkFormat {
  if (format === 1 || format === 2 || format === 3 || format === 4) return format;
  throw new LokiChunkError('INVALID_ARGUMENT', `format must be 1, 2, 3 or 4, got ${String(format)}`);
}

function checkSize(value: unknown, what: string, minimum: number): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= minimum) return value;
  throw new LokiChunkError('INVALID_ARGUMENT', `${what} must be an integer >= ${minimum}, got ${String(value)}`);
}

function checkLineLength(line: string | Uint8Array): void {
  // A string's UTF-8 length is at most three bytes per code unit: count exactly only when that could reach the limit.
  const short = typeof line === 'string' ? line.length * 3 < LOKI_MAX_LINE_LENGTH : line.length < LOKI_MAX_LINE_LENGTH;
  if (short || lineByteLength(line) < LOKI_MAX_LINE_LENGTH) return;
  throw new LokiChunkError('LIMIT_EXCEEDED', `a line of ${lineByteLength(line)} bytes is too long: Loki reads lines of less than 1 GiB`);
}
