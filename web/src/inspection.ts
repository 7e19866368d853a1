/**
 * What the page shows about one chunk, independent of where its bytes came from (a dropped file, or HTTP
 * ranges): the summary, one row per block, the problems found, and a way to load entries. The views render
 * these models and never touch the library's objects directly.
 */
import type { Direction, StorageWrapperHeader } from '../../src/index.js';
import type { EntryColumns } from './entry-columns.js';

/** A checksum's outcome: `unknown` when its bytes were not read (range reading) or could not be located. */
export type CheckState = 'ok' | 'bad' | 'unknown';

/** One checksum line of the summary. */
export interface ChecksumLine {
  /** `metas`, `structured metadata`, `blocks`. */
  section: string;
  state: CheckState;
  /** `stored 1a2b3c4d, computed ...` or `12 of 12 OK`. */
  detail: string;
}

/** How the entries were obtained, from the most to the least faithful to Loki. */
export type ReadMode =
  /** `readChunk`: exactly Loki's reader (with Loki's own recovery of moved or corrupt blocks). */
  | 'chunk'
  /** A WAL checkpoint chunk (v4 symbols stored uncompressed), optionally with its `.head` file. */
  | 'checkpoint'
  /** The structure was read, but a block that passed its CRC failed to decode: entries are per block. */
  | 'blocks'
  /** `salvageChunk`: the structure is damaged; blocks were found by their CRC frames. */
  | 'salvage'
  /** `openChunk` over HTTP Range requests: blocks are fetched when entries are requested. */
  | 'ranges';

/** The summary panel. */
export interface ChunkSummary {
  /** File name or URL. */
  source: string;
  /** Size of the input (the stored object for a wrapped chunk). */
  inputBytes: number;
  /** Size of the chunk inside the wrapper. */
  chunkBytes: number;
  /** Chunk format 1-4, when known. */
  format: number | null;
  /** Codec byte and Loki's name, when known. */
  codec: { id: number; name: string } | null;
  /** Loki's head block format for this chunk format. */
  headBlockFormat: { id: number; name: string } | null;
  /** The storage wrapper's header, when the input was a stored object (`externalKey` only when read whole). */
  wrapper: (StorageWrapperHeader & { externalKey?: string }) | null;
  checksums: ChecksumLine[];
  /** Smallest mint and largest maxt of the blocks. */
  timeRange: { min: bigint; max: bigint } | null;
  blockCount: number;
  /** Entries according to the metas (`null` when the metas are lost). */
  metasEntryCount: number | null;
  /** Sum of the blocks' compressed lengths. */
  compressedBytes: number;
  /** Sum of the blocks' decompressed sizes, when every block was decompressed. */
  decompressedBytes: number | null;
  /** v4 symbol count. */
  symbolCount: number | null;
  readMode: ReadMode;
}

/** What is known of a block. */
export type BlockStatus =
  /** CRC matches and the block decodes. */
  | 'ok'
  /** Not fetched yet (range reading). */
  | 'unread'
  /** CRC matches but the payload does not decode. */
  | 'undecodable'
  /** CRC does not match: Loki skips it. */
  | 'skipped'
  /** Loki's recovery found it at the expected offset instead of where the metas point. */
  | 'moved'
  /** Found by salvage's scan, not through the metas. */
  | 'found';

/** One row of the block table and one bar of the timeline. */
export interface BlockRow {
  /** Position in the metas, when the metas list it. */
  metaIndex: number | null;
  /** Loki's block index (position among the kept blocks), when kept. */
  index: number | null;
  offset: number;
  /** Compressed length, without the CRC. */
  length: number;
  /** Loki's size counter (v3+ metas), `null` when not stored. */
  uncompressedSize: number | null;
  /** Real decompressed size, when decompressed. */
  decompressedSize: number | null;
  /** Entry count (from the metas, or decoded for salvaged blocks). */
  entryCount: number | null;
  mint: bigint | null;
  maxt: bigint | null;
  checksum: { stored: number; computed: number; ok: boolean } | null;
  status: BlockStatus;
  /** Why the status is not `ok`. */
  note: string;
}

/** Something wrong or noteworthy. */
export interface Problem {
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** `LokiChunkError` code. */
  code?: string;
  /** Byte offset in the chunk. */
  offset?: number;
}

/** A request for entries. Bounds are inclusive; `null` is open. */
export interface EntryRequest {
  direction: Direction;
  from: bigint | null;
  to: bigint | null;
}

/** Bytes fetched so far, for range-read chunks. */
export interface ReadStats {
  bytesRead: number;
  requests: number;
  /** Size of the remote object. */
  totalBytes: number;
}

/** Everything the page shows for one chunk. */
export interface Inspection {
  summary: ChunkSummary;
  blocks: BlockRow[];
  problems: Problem[];
  /**
   * `memory`: every entry is loaded up front and filtering is local. `ranges`: entries are fetched on request,
   * only from the blocks overlapping the requested time range.
   */
  access: 'memory' | 'ranges';
  /** Orders offered: Loki's `forward`/`backward`, or only the stored order for salvaged chunks. */
  directions: readonly Direction[];
  /** Loads entries (for `ranges`, fetching only the blocks the range needs; the block rows are updated). */
  loadEntries(request: EntryRequest): Promise<EntryColumns>;
  /** Bytes fetched so far (`null` for in-memory input). */
  readStats(): ReadStats | null;
}
