/**
 * Cutting a stream of entries into chunks as Loki's ingester does (`stream.storeEntries`): before each entry, if
 * the current chunk has no space for it (`SpaceFor`), the chunk is closed and a new one started. Only one chunk is
 * held at a time: memory stays bounded by one chunk plus its head block (plus, for a chunk whose blocks overlap,
 * its decompressed entries while the close-time rebuild runs).
 */
import { LokiChunkError } from '../errors.js';
import type { EntryInput } from './entry-input.js';
import { ChunkWriter, type ChunkWriterOptions } from './writer.js';

/** A finished chunk and what went into it. */
export interface EncodedChunk {
  /** The chunk bytes (`MemChunk.Bytes()` after `Close()`). */
  bytes: Uint8Array;
  /** Entries stored (duplicates excluded). */
  entryCount: number;
  /** Smallest timestamp stored (int64 ns). */
  minTime: bigint;
  /** Largest timestamp stored (int64 ns). */
  maxTime: bigint;
  /** Entries dropped as duplicates while appending (formats 3-4). */
  duplicates: number;
  /** Out-of-order entries skipped with `outOfOrder: 'drop'` (formats 1-2). */
  rejected: number;
}

/** Options of {@link encodeChunks}: the chunk options plus what to do with out-of-order entries. */
export interface EncodeChunksOptions extends ChunkWriterOptions {
  /**
   * An entry a format 1-2 chunk refuses as out of order: `'error'` (default) throws the `OUT_OF_ORDER` error;
   * `'drop'` skips it and counts it in {@link EncodedChunk.rejected}, as Loki's ingester does.
   */
  outOfOrder?: 'error' | 'drop';
}

/** Entries from a sync or async iterable, or a web `ReadableStream`. */
export type EntrySourceInput = Iterable<EntryInput> | AsyncIterable<EntryInput> | ReadableStream<EntryInput>;

/** The chunk being filled and the rule for starting the next one. */
class ChunkSequence {
  private writer: ChunkWriter;
  private duplicates = 0;
  private rejected = 0;
  private readonly dropOutOfOrder: boolean;

  constructor(private readonly options: EncodeChunksOptions) {
    const outOfOrder = options.outOfOrder ?? 'error';
    if (outOfOrder !== 'error' && outOfOrder !== 'drop') {
      throw new LokiChunkError('INVALID_ARGUMENT', `outOfOrder must be 'error' or 'drop', got ${String(outOfOrder)}`);
    }
    this.dropOutOfOrder = outOfOrder === 'drop';
    this.writer = new ChunkWriter(options);
  }

  /** Appends `entry`, first closing the current chunk (returned) when it has no space for it. */
  push(entry: EntryInput): EncodedChunk | null {
    let done: EncodedChunk | null = null;
    try {
      let result = this.writer.appendIfSpace(entry);
      if (result === null) {
        done = this.close();
        // A new chunk is never closed empty: an entry too large for any chunk gets one of its own.
        result = this.writer.appendIfSpace(entry)!;
      }
      if (result.duplicate) this.duplicates++;
    } catch (error) {
      if (!(this.dropOutOfOrder && error instanceof LokiChunkError && error.code === 'OUT_OF_ORDER')) throw error;
      this.rejected++;
    }
    return done;
  }

  /** Closes the last chunk, if it holds anything. */
  end(): EncodedChunk | null {
    return this.writer.isEmpty ? null : this.close();
  }

  private close(): EncodedChunk {
    const writer = this.writer;
    const bytes = writer.finish();
    const chunk: EncodedChunk = {
      bytes,
      entryCount: writer.entryCount,
      minTime: writer.minTime!,
      maxTime: writer.maxTime!,
      duplicates: this.duplicates,
      rejected: this.rejected,
    };
    this.writer = writer.successor(this.options);
    this.duplicates = 0;
    this.rejected = 0;
    return chunk;
  }
}

/**
 * Encodes entries into as many chunks as Loki's ingester would cut, yielding each chunk as soon as it is closed.
 * @throws {LokiChunkError} while iterating: for a malformed entry, an out-of-order entry (formats 1-2, unless
 *   `outOfOrder: 'drop'`), or from the codec; the entry being consumed when it is thrown is the culprit.
 */
export async function* encodeChunks(
  entries: EntrySourceInput,
  options: EncodeChunksOptions = {},
): AsyncGenerator<EncodedChunk, void, undefined> {
  const sequence = new ChunkSequence(options);
  for await (const entry of iterate(entries)) {
    const done = sequence.push(entry);
    if (done) yield done;
  }
  const last = sequence.end();
  if (last) yield last;
}

const ARRAY_ITERATOR = /*#__PURE__*/ (() => Array.prototype[Symbol.iterator])();

/** {@link encodeChunks} for a synchronous iterable, without promises. */
export function* encodeChunksSync(
  entries: Iterable<EntryInput>,
  options: EncodeChunksOptions = {},
): Generator<EncodedChunk, void, undefined> {
  const sequence = new ChunkSequence(options);
  if (Array.isArray(entries) && entries[Symbol.iterator] === ARRAY_ITERATOR) {
    // A plain array by index: V8 does not inline the iterator protocol into a generator (~0.5% of the encode).
    for (let i = 0; i < entries.length; i++) {
      const done = sequence.push(entries[i] as EntryInput);
      if (done) yield done;
    }
  } else {
    for (const entry of entries) {
      const done = sequence.push(entry);
      if (done) yield done;
    }
  }
  const last = sequence.end();
  if (last) yield last;
}

async function* iterate(source: EntrySourceInput): AsyncGenerator<EntryInput, void, undefined> {
  if (isReadableStream(source)) {
    // Not every engine makes ReadableStream async-iterable: read it with a reader.
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  if (source !== null && typeof source === 'object') {
    if (Symbol.asyncIterator in source || Symbol.iterator in source) {
      yield* source as AsyncIterable<EntryInput> | Iterable<EntryInput>;
      return;
    }
  }
  throw new LokiChunkError('INVALID_ARGUMENT', 'encodeChunks expects an iterable, an async iterable or a ReadableStream of entries');
}

function isReadableStream(source: unknown): source is ReadableStream<EntryInput> {
  return typeof ReadableStream !== 'undefined' && source instanceof ReadableStream;
}
