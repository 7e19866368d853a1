/**
 * The zstd decoder: frames (zstd and skippable), blocks, and the output buffer they are decoded into.
 *
 * Everything is decoded straight into one output buffer: sized exactly when a frame declares its content
 * size, otherwise grown geometrically, never beyond `maxOutputSize`. Matches read the buffer itself, so the
 * declared window costs no memory; a window only bounds how far back a match may reach.
 */
import { LokiChunkError, wrapForeignErrors } from '../../errors.js';
import type { DecompressOptions } from '../codec.js';
import {
  BLOCK_COMPRESSED,
  BLOCK_RAW,
  BLOCK_RLE,
  blockIsLast,
  blockSize,
  blockType,
  isSkippableMagic,
  readBlockHeader,
  readFrameHeader,
  readU32LE,
  verifyContentChecksum,
} from './frame.js';
import { LiteralsState, readLiterals } from './literals.js';
import { createSequenceExecutor, SequenceState, type OutputCursor } from './sequences.js';
import { limitExceeded, skipSkippableFrame } from './stream.js';

/** Bytes the bit readers may read past the end of a stream (a 4-byte read starting at its last byte). */
const READ_AHEAD = 3;

/** What bounds the writes of the current block, to report the right error when output would cross it. */
const enum Bound {
  Block,
  ContentSize,
  MaxOutput,
}

/** The growing output buffer and the bounds of the block being decoded. */
class Output implements OutputCursor {
  buffer: Uint8Array;
  view: DataView;
  position = 0;
  frameStart = 0;
  windowSize = 0;
  writeLimit = 0;
  /** The hard limit of the current block (`writeLimit` may be lower while the buffer is smaller). */
  private blockLimit = 0;
  private bound = Bound.Block;

  constructor(
    private readonly maxOutputSize: number,
    private readonly inputLength: number,
  ) {
    this.buffer = new Uint8Array(0);
    this.view = new DataView(this.buffer.buffer);
  }

  /** Sets the limits for a block that may write up to `blockLimit`, within `contentEnd` (-1: none). */
  prepareBlock(blockLimit: number, contentEnd: number): void {
    let limit = blockLimit;
    let bound = Bound.Block;
    if (contentEnd >= 0 && contentEnd <= limit) {
      limit = contentEnd;
      bound = Bound.ContentSize;
    }
    if (this.maxOutputSize < limit) {
      limit = this.maxOutputSize;
      bound = Bound.MaxOutput;
    }
    this.blockLimit = limit;
    this.bound = bound;
    this.writeLimit = Math.min(limit, this.buffer.length);
  }

  /**
   * Makes room for `end` bytes in all, found while reading the input at `offset`. The buffer grows to the
   * size the input read so far projects for the whole input (so a size hint that was short costs one more copy,
   * not several), at most twice what is needed now; the first allocation is exactly `end`.
   */
  reserve(end: number, offset: number): void {
    if (end > this.maxOutputSize) throw limitExceeded(this.maxOutputSize, offset);
    if (end <= this.buffer.length) return;
    let size = end;
    if (this.buffer.length > 0) {
      const projected = offset > 0 ? Math.ceil((end * this.inputLength * 1.02) / offset) + 64 : 2 * end;
      size = Math.min(this.maxOutputSize, Math.max(end, Math.min(projected, 2 * end)));
    }
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.position));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  overrun(end: number, offset: number): number {
    if (end > this.blockLimit) {
      if (this.bound === Bound.MaxOutput) throw limitExceeded(this.maxOutputSize, offset);
      const what =
        this.bound === Bound.Block
          ? 'block decodes to more than its maximum size'
          : 'frame decodes to more than its declared content size';
      throw new LokiChunkError('CORRUPT_STREAM', `zstd ${what}`, { offset });
    }
    this.reserve(end, offset);
    this.writeLimit = Math.min(this.blockLimit, this.buffer.length);
    return this.writeLimit;
  }

  /** The decoded bytes; spare capacity is cut off by a copy unless it is small. */
  result(): Uint8Array {
    const spare = this.buffer.length - this.position;
    if (spare === 0) return this.buffer;
    return spare <= this.position >>> 3 ? this.buffer.subarray(0, this.position) : this.buffer.slice(0, this.position);
  }
}

/** Per-call scratch reused between calls (decoding is synchronous, so one set suffices). */
class DecoderScratch {
  readonly literals = new LiteralsState();
  readonly sequences = new SequenceState();
  readonly executeSequences = createSequenceExecutor(this.sequences, this.literals);
}

let scratch: DecoderScratch | undefined;

/** Compression ratio beyond which a declared size is not trusted to size the first buffer (logs reach ~20). */
const PLAUSIBLE_RATIO = 1024;

/** A copy of `data` with zero bytes after it, so bit readers near its end stay in bounds. */
function padded(data: Uint8Array): Uint8Array {
  const copy = new Uint8Array(data.length + READ_AHEAD);
  copy.set(data);
  return copy;
}

/**
 * The most output a first reservation trusts `inputLength` bytes to produce. A declared content size is read from
 * the input: a tiny frame claiming 100 MiB must not get 100 MiB up front (the buffer still grows as blocks decode).
 */
function plausibleOutput(inputLength: number): number {
  return inputLength * PLAUSIBLE_RATIO + 1024;
}

/** A first guess of the output size, before any frame says. */
function initialOutputSize(data: Uint8Array, options: DecompressOptions): number {
  // A sixteenth more than the hint: the uncompressed size in Loki's block metas is about 2% short of the
  // payload, and a buffer at most an eighth too large is returned as a view, without a copy.
  const guess =
    options.sizeHint !== undefined && options.sizeHint > 0 ? options.sizeHint * 1.0625 + 64 : data.length * 4;
  return Math.max(0, Math.min(options.maxOutputSize, Math.ceil(guess)));
}

/**
 * Decodes the zstd frame at `offset` of `source` into `output`; returns the offset after it.
 */
function decodeFrame(
  data: Uint8Array,
  source: Uint8Array,
  offset: number,
  output: Output,
  work: DecoderScratch,
): { next: number; source: Uint8Array } {
  const header = readFrameHeader(data, offset);
  let view = new DataView(source.buffer, source.byteOffset, source.length);
  const frameStart = output.position;
  const contentEnd = header.contentSize >= 0 ? frameStart + header.contentSize : -1;
  if (contentEnd >= 0) output.reserve(Math.min(contentEnd, frameStart + plausibleOutput(data.length - offset)), offset);
  output.frameStart = frameStart;
  output.windowSize = header.windowSize;
  const literals = work.literals;
  const sequences = work.sequences;
  literals.huffman.maxBits = 0;
  sequences.reset();

  let at = offset + header.headerSize;
  for (;;) {
    const blockHeader = readBlockHeader(data, at);
    const type = blockType(blockHeader);
    const size = blockSize(blockHeader);
    const blockStart = at + 3;
    if (size > header.blockSizeMax) {
      throw new LokiChunkError('CORRUPT_STREAM', `zstd block of ${size} bytes exceeds ${header.blockSizeMax}`, { offset: at });
    }
    if (type === BLOCK_RAW || type === BLOCK_RLE) {
      const storedEnd = blockStart + (type === BLOCK_RAW ? size : 1);
      if (storedEnd > data.length) throw new LokiChunkError('TRUNCATED', 'zstd stream ends inside a block', { offset: at });
      const end = output.position + size;
      if (contentEnd >= 0 && end > contentEnd) {
        throw new LokiChunkError('CORRUPT_STREAM', 'zstd frame decodes to more than its declared content size', { offset: at });
      }
      output.reserve(end, at);
      if (type === BLOCK_RAW) output.buffer.set(data.subarray(blockStart, storedEnd), output.position);
      else output.buffer.fill(data[blockStart]!, output.position, end);
      output.position = end;
      at = storedEnd;
    } else if (type === BLOCK_COMPRESSED) {
      const blockEnd = blockStart + size;
      if (blockEnd > data.length) throw new LokiChunkError('TRUNCATED', 'zstd stream ends inside a block', { offset: at });
      if (size === 0) throw new LokiChunkError('CORRUPT_STREAM', 'zstd compressed block is empty', { offset: at });
      if (blockEnd + READ_AHEAD > source.length) {
        source = padded(data);
        view = new DataView(source.buffer);
      }
      output.prepareBlock(output.position + header.blockSizeMax, contentEnd);
      const sequencesStart = readLiterals(source, view, blockStart, blockEnd, header.blockSizeMax, literals);
      sequences.readHeader(source, sequencesStart, blockEnd);
      work.executeSequences(source, view, blockEnd, output);
      at = blockEnd;
    } else {
      throw new LokiChunkError('CORRUPT_STREAM', 'zstd block has the reserved type 3', { offset: at });
    }
    if (blockIsLast(blockHeader)) break;
  }
  if (contentEnd >= 0 && output.position !== contentEnd) {
    throw new LokiChunkError('CORRUPT_STREAM', 'zstd frame decodes to less than its declared content size', { offset });
  }
  if (header.hasChecksum) {
    verifyContentChecksum(data, at, output.buffer, frameStart, output.position);
    at += 4;
  }
  return { next: at, source };
}

/**
 * Decompresses a zstd stream: any sequence of zstd frames and skippable frames, every content checksum
 * verified, output limited to `options.maxOutputSize`.
 * @throws {LokiChunkError} `TRUNCATED`, `CORRUPT_STREAM`, `CHECKSUM_MISMATCH`, `LIMIT_EXCEEDED`, or
 *   `UNSUPPORTED` (frames that need a dictionary); offsets are relative to `data`.
 */
export function decompressZstd(data: Uint8Array, options: DecompressOptions): Uint8Array {
  // Every read is bounds-checked; should one still fail (a DataView RangeError), it is reported as corruption.
  return wrapForeignErrors(() => decodeFrames(data, options), 'CORRUPT_STREAM', 'corrupt zstd stream', { offset: 0 });
}

/** {@link decompressZstd} without the safety net. */
function decodeFrames(data: Uint8Array, options: DecompressOptions): Uint8Array {
  if (data.length === 0) throw new LokiChunkError('TRUNCATED', 'empty input is not a zstd stream', { offset: 0 });
  const work = (scratch ??= new DecoderScratch());
  const output = new Output(Math.max(0, options.maxOutputSize), data.length);
  let source = data;
  let offset = 0;
  let first = true;
  while (offset < data.length) {
    if (offset + 4 > data.length) {
      throw new LokiChunkError('TRUNCATED', 'zstd stream ends inside a magic number', { offset });
    }
    if (isSkippableMagic(readU32LE(data, offset))) {
      offset = skipSkippableFrame(data, offset);
      continue;
    }
    if (first) {
      // Frames that declare their size get an exact buffer; others start from a guess.
      const header = readFrameHeader(data, offset);
      const guess = header.contentSize >= 0 ? header.contentSize : initialOutputSize(data, options);
      output.reserve(Math.min(guess, plausibleOutput(data.length - offset)), offset);
      first = false;
    }
    const decoded = decodeFrame(data, source, offset, output, work);
    offset = decoded.next;
    source = decoded.source;
  }
  return output.result();
}
