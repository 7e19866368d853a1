/**
 * The zstd encoder: one frame per input (RFC 8878 section 3.1.1) with the content size, blocks of up to
 * 128 KiB each stored compressed, RLE or raw (whichever is smallest), and an XXH64 content checksum.
 */
import { xxh64Low32 } from '../../../checksum/xxh64.js';
import { BlockEncoder } from './block-encoder.js';
import { BLOCK_COMPRESSED, BLOCK_RAW, BLOCK_RLE, FRAME_MAGIC, MAX_BLOCK_SIZE } from '../frame.js';
import { Matcher, type MatcherSettings } from './matcher.js';
import { RepeatOffsets, SequenceBuffer } from './sequence-buffer.js';

/** Compression levels: `default` tuned for Loki's block sizes, `strong` trades speed for ratio. */
export type ZstdLevel = 'default' | 'strong';

const LEVELS: Record<ZstdLevel, MatcherSettings> = {
  default: { strategy: 'fast', longTableLog: 0, shortTableLog: 15, skipShift: 7, indexMatchStarts: false, lazy: false },
  strong: { strategy: 'double', longTableLog: 18, shortTableLog: 17, skipShift: 9, indexMatchStarts: true, lazy: true },
};

/** Largest frame buffer an encoder keeps for its next call (larger inputs get a buffer of their own). */
const KEPT_FRAME_SCRATCH = 4 << 20;
/** Inputs up to this size are written as single-segment frames (window = content size). */
const SINGLE_SEGMENT_LIMIT = 8 << 20;
/** Window log of larger inputs: 8 MiB, as Loki's Go writer uses. */
const LARGE_WINDOW_LOG = 23;

/** Reusable encoder state for one level. */
class FrameEncoder {
  private readonly matcher: Matcher;
  private readonly blocks = new BlockEncoder();
  private readonly sequences = new SequenceBuffer();
  private readonly repeats = new RepeatOffsets();
  private readonly savedRepeats = new RepeatOffsets();
  /**
   * Room for one compressed block before it is known to beat a raw one: literals (at most a block) plus at
   * most about 12 bytes per sequence (a block has at most 43,691), so even a block far larger than raw fits.
   */
  private readonly blockScratch = new Uint8Array(5 * MAX_BLOCK_SIZE);
  /** The frame being written, kept between calls (Loki's blocks are about 256 KiB). */
  private frameScratch = new Uint8Array(0);

  constructor(settings: MatcherSettings) {
    this.matcher = new Matcher(settings);
  }

  encode(input: Uint8Array): Uint8Array {
    const length = input.length;
    const blockCount = Math.max(1, Math.ceil(length / MAX_BLOCK_SIZE));
    // Worst case: every block raw, plus frame header (at most 14 bytes) and checksum. The frame is built in
    // a buffer kept for the next call (up to a size), then copied out at its exact size.
    const bound = length + 3 * blockCount + 18;
    let output = this.frameScratch;
    if (output.length < bound) {
      output = new Uint8Array(bound);
      if (bound <= KEPT_FRAME_SCRATCH) this.frameScratch = output;
    }
    let at = writeFrameHeader(output, length);
    const windowSize = length <= SINGLE_SEGMENT_LIMIT ? length : 1 << LARGE_WINDOW_LOG;

    this.matcher.startInput(length);
    this.blocks.reset();
    this.repeats.reset();
    let start = 0;
    do {
      const end = Math.min(length, start + MAX_BLOCK_SIZE);
      at = this.writeBlock(input, start, end, Math.max(0, start - windowSize), end === length, output, at);
      start = end;
    } while (start < length);

    const checksum = xxh64Low32(input);
    output[at] = checksum;
    output[at + 1] = checksum >>> 8;
    output[at + 2] = checksum >>> 16;
    output[at + 3] = checksum >>> 24;
    return output.slice(0, at + 4);
  }

  private writeBlock(
    input: Uint8Array,
    start: number,
    end: number,
    windowStart: number,
    last: boolean,
    output: Uint8Array,
    at: number,
  ): number {
    const size = end - start;
    if (size > 0 && isSingleByte(input, start, end)) {
      writeBlockHeader(output, at, last, BLOCK_RLE, size);
      output[at + 3] = input[start]!;
      return at + 4;
    }
    if (size >= 32) {
      this.savedRepeats.copyFrom(this.repeats);
      this.matcher.findSequences(input, start, end, windowStart, this.sequences, this.repeats);
      const compressedEnd = this.blocks.encode(this.sequences, this.blockScratch, 0);
      if (compressedEnd < size) {
        this.blocks.commit(this.sequences.count);
        writeBlockHeader(output, at, last, BLOCK_COMPRESSED, compressedEnd);
        output.set(this.blockScratch.subarray(0, compressedEnd), at + 3);
        return at + 3 + compressedEnd;
      }
      // Stored raw: the decoder will not see these sequences, so neither may the repeat offsets.
      this.repeats.copyFrom(this.savedRepeats);
    }
    writeBlockHeader(output, at, last, BLOCK_RAW, size);
    output.set(input.subarray(start, end), at + 3);
    return at + 3 + size;
  }
}

function isSingleByte(input: Uint8Array, start: number, end: number): boolean {
  const first = input[start];
  for (let i = start + 1; i < end; i++) if (input[i] !== first) return false;
  return true;
}

function writeBlockHeader(output: Uint8Array, at: number, last: boolean, type: number, size: number): void {
  const header = (last ? 1 : 0) | (type << 1) | (size << 3);
  output[at] = header;
  output[at + 1] = header >>> 8;
  output[at + 2] = header >>> 16;
}

/** Writes the magic and frame header for `length` bytes of content; returns the offset of the first block. */
function writeFrameHeader(output: Uint8Array, length: number): number {
  output[0] = FRAME_MAGIC & 0xff;
  output[1] = (FRAME_MAGIC >>> 8) & 0xff;
  output[2] = (FRAME_MAGIC >>> 16) & 0xff;
  output[3] = FRAME_MAGIC >>> 24;
  const singleSegment = length <= SINGLE_SEGMENT_LIMIT;
  // Content-size field: 1 byte (single segment only), 2 bytes (minus 256), 4 or 8 bytes.
  const sizeFlag = singleSegment && length < 256 ? 0 : length < 65536 + 256 ? 1 : length <= 0xffffffff ? 2 : 3;
  output[4] = (sizeFlag << 6) | (singleSegment ? 0x20 : 0) | 0x04;
  let at = 5;
  if (!singleSegment) output[at++] = (LARGE_WINDOW_LOG - 10) << 3;
  if (sizeFlag === 0) {
    output[at++] = length;
  } else if (sizeFlag === 1) {
    output[at++] = length - 256;
    output[at++] = (length - 256) >>> 8;
  } else {
    const fieldSize = sizeFlag === 2 ? 4 : 8;
    let rest = length;
    for (let i = 0; i < fieldSize; i++) {
      output[at++] = rest % 256;
      rest = Math.floor(rest / 256);
    }
  }
  return at;
}

const encoders: Partial<Record<ZstdLevel, FrameEncoder>> = {};

/**
 * Compresses `input` into one zstd frame: content size, XXH64 checksum, blocks of up to 128 KiB.
 * Every zstd decoder reads it (Loki's Go reader included).
 */
export function compressZstd(input: Uint8Array, level: ZstdLevel = 'default'): Uint8Array {
  const encoder = (encoders[level] ??= new FrameEncoder(LEVELS[level]));
  return encoder.encode(input);
}
