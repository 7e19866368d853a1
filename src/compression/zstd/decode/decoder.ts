/**
 * The zstd decoder: frames (zstd and skippable), blocks, and the output buffer they are decoded into.
 *
 * Everything is decoded straight into one output buffer, the decoder's own (kept between calls, grown
 * geometrically when output needs it, never beyond `maxOutputSize` unless already larger), and copied out at the
 * end. Matches read the buffer itself, so the declared window costs no memory; a window only bounds how far back a
 * match may reach.
 */
import { LokiChunkError, wrapForeignErrors } from '../../../errors.js';
import type { DecompressOptions } from '../../codec.js';
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
} from '../frame.js';
import { LiteralsState, readLiterals } from './literals.js';
import { createSequenceExecutor, SequenceState, type OutputCursor, type OutputTarget } from './sequences.js';
import { limitExceeded, skipSkippableFrame } from '../stream.js';

/** Bytes the bit readers may read past the end of a stream (a 4-byte read starting at its last byte). */
const READ_AHEAD = 3;

/** The decoder's first output buffer: room for Loki's blocks (256 KiB and a line; 1 MiB if so configured). */
const OUTPUT_CAPACITY = 2 << 20;
/** The largest output buffer kept between calls: one grown beyond it is replaced after the call. */
const RETAINED_OUTPUT_MAX = 4 << 20;

/**
 * The decoder's output buffer, kept between calls (decoding is synchronous, so one suffices): decoding into it and
 * copying the result out is about 7% faster on Loki's blocks than decoding into a new buffer each time. The sequence
 * executor's closure holds this object, and while its fields have never been reassigned, V8 folds the buffer and its
 * view as constants (no length or base reload after each write to the output). The first growth ends that for the
 * process (decoding is then about as fast as with a new buffer per call), hence a first buffer large enough for any
 * Loki block; one grown beyond {@link RETAINED_OUTPUT_MAX} is replaced after the call, so that a large frame does not
 * pin its memory.
 */
class OutputBuffer implements OutputTarget {
  buffer = new Uint8Array(OUTPUT_CAPACITY);
  view = new DataView(this.buffer.buffer);

  /** Replaces the buffer by one of `size` bytes holding the first `keep` bytes of the current one. */
  resize(size: number, keep: number): void {
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, keep));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  /** Replaces a buffer too large to keep until the next call. */
  trim(): void {
    if (this.buffer.length > RETAINED_OUTPUT_MAX) this.resize(OUTPUT_CAPACITY, 0);
  }
}

/** What bounds the writes of the current block, to report the right error when output would cross it. */
const enum Bound {
  Block,
  ContentSize,
  MaxOutput,
}

/** The position in the output buffer and the bounds of the block being decoded. */
class Output implements OutputCursor {
  position = 0;
  frameStart = 0;
  windowSize = 0;
  writeLimit = 0;
  private bound = Bound.Block;

  constructor(
    readonly target: OutputBuffer,
    private readonly maxOutputSize: number,
  ) {}

  /**
   * Sets the limits for a block that may write up to `blockLimit`, within `contentEnd` (-1: none), and makes room
   * for them (at most a block more than the output so far).
   */
  prepareBlock(blockLimit: number, contentEnd: number, offset: number): void {
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
    this.bound = bound;
    this.writeLimit = limit;
    this.reserve(limit, offset);
  }

  /**
   * Makes room for `end` bytes in all, found while reading the input at `offset`: the buffer grows to twice its
   * size or to `end`, whichever is more, within `maxOutputSize`.
   */
  reserve(end: number, offset: number): void {
    if (end > this.maxOutputSize) throw limitExceeded(this.maxOutputSize, offset);
    const capacity = this.target.buffer.length;
    if (end <= capacity) return;
    const size = Math.max(end, Math.min(this.maxOutputSize, 2 * capacity));
    this.target.resize(size, this.position);
  }

  overrun(end: number, offset: number): never {
    if (this.bound === Bound.MaxOutput) throw limitExceeded(this.maxOutputSize, offset);
    const what =
      this.bound === Bound.Block
        ? 'block decodes to more than its maximum size'
        : 'frame decodes to more than its declared content size';
    throw new LokiChunkError('CORRUPT_STREAM', `zstd ${what}`, { offset });
  }

  /** A copy of the decoded bytes. */
  result(): Uint8Array {
    // An ArrayBuffer's slice is allocated without being zeroed first, unlike a typed array's (or a new one).
    return new Uint8Array(this.target.buffer.buffer.slice(0, this.position));
  }
}

/** Per-call scratch reused between calls (decoding is synchronous, so one set suffices), made on first use. */
class DecoderScratch {
  readonly literals = new LiteralsState();
  readonly sequences = new SequenceState();
  readonly output = new OutputBuffer();
  readonly executeSequences = createSequenceExecutor(this.sequences, this.literals, this.output);
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
      const buffer = output.target.buffer;
      if (type === BLOCK_RAW) buffer.set(data.subarray(blockStart, storedEnd), output.position);
      else buffer.fill(data[blockStart]!, output.position, end);
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
      output.prepareBlock(output.position + header.blockSizeMax, contentEnd, at);
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
    verifyContentChecksum(data, at, output.target.buffer, frameStart, output.position);
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
  const output = new Output(work.output, Math.max(0, options.maxOutputSize));
  let source = data;
  let offset = 0;
  try {
    while (offset < data.length) {
      if (offset + 4 > data.length) {
        throw new LokiChunkError('TRUNCATED', 'zstd stream ends inside a magic number', { offset });
      }
      if (isSkippableMagic(readU32LE(data, offset))) {
        offset = skipSkippableFrame(data, offset);
        continue;
      }
      const decoded = decodeFrame(data, source, offset, output, work);
      offset = decoded.next;
      source = decoded.source;
    }
    return output.result();
  } finally {
    work.output.trim();
  }
}
