/**
 * zstd frame and block headers (RFC 8878, sections 3.1.1 and 3.1.1.2).
 *
 * A zstd stream is a sequence of frames: zstd frames (magic `0xFD2FB528`) and skippable frames (magics
 * `0x184D2A50`..`0x184D2A5F`, a 4-byte length, then that many ignored bytes). A zstd frame is a header, blocks
 * each with a 3-byte header, and an optional 4-byte XXH64 content checksum.
 */
import { readUint32LE as readU32LE } from '../../binary/little-endian.js';
import { LokiChunkError } from '../../errors.js';
import { xxh64Low32 } from '../../checksum/xxh64.js';

/** The little-endian u32 reader, under the name the zstd modules use. */
export { readU32LE };

/** Magic number of a zstd frame (little-endian on the wire). */
export const FRAME_MAGIC = 0xfd2fb528;
/** Magic number of a skippable frame, with the low 4 bits cleared (any value of them is allowed). */
export const SKIPPABLE_MAGIC = 0x184d2a50;
/** The largest block content a frame may declare, whatever its window (`Block_Maximum_Size`). */
export const MAX_BLOCK_SIZE = 128 * 1024;

/** Block type: stored bytes. */
export const BLOCK_RAW = 0;
/** Block type: one byte repeated `size` times. */
export const BLOCK_RLE = 1;
/** Block type: literals and sequences. */
export const BLOCK_COMPRESSED = 2;

/** What a zstd frame header declares. */
export interface FrameHeader {
  /** Bytes from the frame's first byte (its magic) to its first block header. */
  headerSize: number;
  /** Declared decompressed size, or -1 when the frame does not say. Values beyond 2^53 are approximate. */
  contentSize: number;
  /** Window size: how far back matches may reach (the content size for single-segment frames). */
  windowSize: number;
  /** The largest content one block of this frame may have: min(windowSize, 128 KiB). */
  blockSizeMax: number;
  /** Whether a 4-byte XXH64 content checksum follows the last block. */
  hasChecksum: boolean;
  /** Dictionary id, 0 when none. */
  dictionaryId: number;
}

/** True when `magic` is one of the sixteen skippable-frame magics. */
export function isSkippableMagic(magic: number): boolean {
  return (magic & 0xfffffff0) >>> 0 === SKIPPABLE_MAGIC;
}

function truncated(what: string, offset: number): LokiChunkError {
  return new LokiChunkError('TRUNCATED', `zstd stream ends inside ${what}`, { offset });
}

/**
 * Reads the magic and header of the zstd frame starting at `offset`.
 * @throws {LokiChunkError} `TRUNCATED` when the header is cut short, `CORRUPT_STREAM` for a wrong magic or a
 *   reserved bit set, `UNSUPPORTED` for frames that need a dictionary.
 */
export function readFrameHeader(data: Uint8Array, offset: number): FrameHeader {
  if (offset + 5 > data.length) throw truncated('a frame header', offset);
  const magic = readU32LE(data, offset);
  if (magic !== FRAME_MAGIC) {
    throw new LokiChunkError('CORRUPT_STREAM', `not a zstd frame (magic 0x${magic.toString(16)})`, { offset });
  }
  const descriptor = data[offset + 4]!;
  const contentSizeFlag = descriptor >>> 6;
  const singleSegment = (descriptor & 0x20) !== 0;
  const dictionaryIdFlag = descriptor & 3;
  if (descriptor & 0x08) {
    throw new LokiChunkError('CORRUPT_STREAM', 'zstd frame header has its reserved bit set', { offset: offset + 4 });
  }
  const dictionaryIdSize = dictionaryIdFlag === 3 ? 4 : dictionaryIdFlag;
  const contentSizeSize = contentSizeFlag === 0 ? (singleSegment ? 1 : 0) : 1 << contentSizeFlag;
  let at = offset + 5;
  const headerSize = 5 + (singleSegment ? 0 : 1) + dictionaryIdSize + contentSizeSize;
  if (offset + headerSize > data.length) throw truncated('a frame header', offset);

  let windowSize = 0;
  if (!singleSegment) {
    const windowDescriptor = data[at++]!;
    const windowLog = 10 + (windowDescriptor >>> 3);
    const windowBase = 2 ** windowLog;
    windowSize = windowBase + (windowBase / 8) * (windowDescriptor & 7);
  }
  let dictionaryId = 0;
  for (let i = 0; i < dictionaryIdSize; i++) dictionaryId += data[at++]! * 2 ** (8 * i);
  if (dictionaryId !== 0) {
    throw new LokiChunkError('UNSUPPORTED', `zstd frame needs dictionary ${dictionaryId}; dictionaries are not supported`, {
      offset,
    });
  }
  let contentSize = -1;
  if (contentSizeSize > 0) {
    contentSize = 0;
    for (let i = 0; i < contentSizeSize; i++) contentSize += data[at++]! * 2 ** (8 * i);
    if (contentSizeSize === 2) contentSize += 256;
  }
  if (singleSegment) windowSize = contentSize;
  return {
    headerSize,
    contentSize,
    windowSize,
    blockSizeMax: Math.min(windowSize, MAX_BLOCK_SIZE),
    hasChecksum: (descriptor & 0x04) !== 0,
    dictionaryId,
  };
}

/**
 * Reads the 3-byte block header at `offset`: bit 0 last-block flag, bits 1-2 type, bits 3-23 size.
 * Returns the raw 24-bit value; see {@link blockIsLast}, {@link blockType}, {@link blockSize}.
 * @throws {LokiChunkError} `TRUNCATED` when fewer than 3 bytes remain.
 */
export function readBlockHeader(data: Uint8Array, offset: number): number {
  if (offset + 3 > data.length) throw truncated('a block header', offset);
  return data[offset]! | (data[offset + 1]! << 8) | (data[offset + 2]! << 16);
}

/** Whether a block header marks the frame's last block. */
export function blockIsLast(header: number): boolean {
  return (header & 1) !== 0;
}

/** The block type of a block header (`BLOCK_RAW`, `BLOCK_RLE`, `BLOCK_COMPRESSED`, or 3, reserved). */
export function blockType(header: number): number {
  return (header >>> 1) & 3;
}

/** The size field of a block header: content size for raw and RLE blocks, stored size for compressed ones. */
export function blockSize(header: number): number {
  return header >>> 3;
}

/**
 * Checks the 4-byte content checksum stored at `checksumOffset` against XXH64 of `output[start, end)`.
 * @throws {LokiChunkError} `TRUNCATED` when the checksum is missing, `CHECKSUM_MISMATCH` when it differs.
 */
export function verifyContentChecksum(
  data: Uint8Array,
  checksumOffset: number,
  output: Uint8Array,
  start: number,
  end: number,
): void {
  if (checksumOffset + 4 > data.length) throw truncated('a content checksum', checksumOffset);
  const stored = readU32LE(data, checksumOffset);
  const actual = xxh64Low32(output, start, end);
  if (stored !== actual) {
    throw new LokiChunkError(
      'CHECKSUM_MISMATCH',
      `zstd content checksum mismatch: stored 0x${stored.toString(16)}, computed 0x${actual.toString(16)}`,
      { offset: checksumOffset },
    );
  }
}
