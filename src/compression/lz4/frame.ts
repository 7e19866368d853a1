/**
 * The LZ4 frame format (codecs 3, 5, 6 and 7), as pierrec/lz4 v4 writes it for Loki and as the LZ4 frame
 * specification allows it to be read.
 *
 * Written: magic `04 22 4d 18`, FLG `0x60` (version 1, independent blocks, no checksums, no content size), BD
 * with the codec's block maximum, the header checksum byte, the blocks (stored uncompressed when they do not
 * shrink), the end mark. Empty input still makes a frame.
 *
 * Read: any sequence of frames and skippable frames; content size, block checksums and content checksum are
 * verified when present; linked blocks are decoded into one contiguous output so their back-references work.
 */
import { xxh32 } from '../../checksum/xxh32.js';
import { LokiChunkError, wrapForeignErrors } from '../../errors.js';
import { CodecId, streamWritingCodec, type Codec, type DecompressOptions } from '../codec.js';
import { viewOf } from '../lz-copy.js';
import { compressLz4Block, decodeLz4Block } from './block.js';
import { checkedOutputLimit, hintedOutputSize, OutputBuffer, outputLimitError } from '../output-buffer.js';
import { readUint32LE, writeUint32LE } from '../../binary/little-endian.js';

const FRAME_MAGIC = 0x184d2204;
/** Skippable frames use magics 0x184D2A50 to 0x184D2A5F. */
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const LEGACY_MAGIC = 0x184c2102;

const FLAG_VERSION_MASK = 0xc0;
const FLAG_VERSION_1 = 0x40;
const FLAG_INDEPENDENT_BLOCKS = 0x20;
const FLAG_BLOCK_CHECKSUM = 0x10;
const FLAG_CONTENT_SIZE = 0x08;
const FLAG_CONTENT_CHECKSUM = 0x04;
const FLAG_RESERVED = 0x02;
const FLAG_DICTIONARY_ID = 0x01;
/** The block-size field (bits 4-6 of BD): 4 = 64 KiB, 5 = 256 KiB, 6 = 1 MiB, 7 = 4 MiB. */
const BLOCK_SIZE_SHIFT = 4;
const BD_RESERVED_MASK = 0x8f;

/** High bit of a block's size: the block is stored uncompressed. */
const UNCOMPRESSED_BIT = 0x80000000;
/** What the writer puts in FLG: version 1 and independent blocks, nothing else (pierrec/lz4 for Loki). */
const WRITER_FLAGS = FLAG_VERSION_1 | FLAG_INDEPENDENT_BLOCKS;
/** Initial output guess when nothing tells the size: a typical LZ4 ratio on logs is below 4. */
const EXPANSION_GUESS = 4;
/** LZ4's best case: a match length byte of 255 adds 255 output bytes per input byte. */
const MAX_EXPANSION = 256;

function blockSizeForCode(code: number): number {
  return 1 << (2 * code + 8);
}

function truncated(what: string, offset: number): LokiChunkError {
  return new LokiChunkError('TRUNCATED', `lz4: stream ends inside ${what}`, { offset });
}

function corrupt(message: string, offset: number): LokiChunkError {
  return new LokiChunkError('CORRUPT_STREAM', `lz4: ${message}`, { offset });
}

function checksumMismatch(what: string, offset: number): LokiChunkError {
  return new LokiChunkError('CHECKSUM_MISMATCH', `lz4: ${what} checksum mismatch`, { offset });
}

/** A parsed frame descriptor. */
interface FrameHeader {
  flags: number;
  blockLimit: number;
  /** Declared content size, or -1. */
  contentSize: number;
  /** Offset of the first block. */
  blocksStart: number;
}

function readFrameHeader(data: Uint8Array, start: number, limit: number): FrameHeader {
  const descriptorStart = start + 4;
  if (data.length - descriptorStart < 3) throw truncated('a frame header', data.length);
  const flags = data[descriptorStart]!;
  const descriptor = data[descriptorStart + 1]!;
  if ((flags & FLAG_VERSION_MASK) !== FLAG_VERSION_1) throw corrupt(`unknown frame version in FLG 0x${flags.toString(16)}`, descriptorStart);
  if (flags & FLAG_RESERVED) throw corrupt('reserved FLG bit is set', descriptorStart);
  if (descriptor & BD_RESERVED_MASK) throw corrupt('reserved BD bits are set', descriptorStart + 1);
  const blockCode = descriptor >>> BLOCK_SIZE_SHIFT;
  if (blockCode < 4) throw corrupt(`invalid block maximum size code ${blockCode}`, descriptorStart + 1);
  const descriptorLength = 2 + (flags & FLAG_CONTENT_SIZE ? 8 : 0) + (flags & FLAG_DICTIONARY_ID ? 4 : 0);
  const checksumAt = descriptorStart + descriptorLength;
  if (checksumAt >= data.length) throw truncated('a frame header', data.length);
  if (((xxh32(data, descriptorStart, checksumAt) >>> 8) & 0xff) !== data[checksumAt]) {
    throw checksumMismatch('frame header', checksumAt);
  }
  if (flags & FLAG_DICTIONARY_ID) {
    throw new LokiChunkError('UNSUPPORTED', 'lz4: frames that need a dictionary are not supported', { offset: descriptorStart });
  }
  let contentSize = -1;
  if (flags & FLAG_CONTENT_SIZE) {
    const low = readUint32LE(data, descriptorStart + 2);
    const high = readUint32LE(data, descriptorStart + 6);
    // Anything at or above 2^32 * 2^21 is beyond any limit a caller can pass.
    contentSize = high >= 0x200000 ? Number.MAX_SAFE_INTEGER : high * 0x100000000 + low;
    if (contentSize > limit) throw outputLimitError('lz4', limit, descriptorStart + 2);
  }
  return { flags, blockLimit: blockSizeForCode(blockCode), contentSize, blocksStart: checksumAt + 1 };
}

/** Decodes one frame's blocks onto `output`; returns the offset after the frame. */
function decodeFrame(data: Uint8Array, dataView: DataView, header: FrameHeader, output: OutputBuffer): number {
  const { flags, blockLimit } = header;
  const frameStart = output.length;
  const independent = (flags & FLAG_INDEPENDENT_BLOCKS) !== 0;
  const blockChecksums = (flags & FLAG_BLOCK_CHECKSUM) !== 0;
  let at = header.blocksStart;
  for (;;) {
    if (data.length - at < 4) throw truncated('a block size', data.length);
    const sizeField = readUint32LE(data, at);
    at += 4;
    if (sizeField === 0) break;
    const blockLength = sizeField & ~UNCOMPRESSED_BIT;
    if (blockLength > blockLimit) throw corrupt(`block of ${blockLength} bytes exceeds the frame's maximum of ${blockLimit}`, at - 4);
    if (data.length - at < blockLength + (blockChecksums ? 4 : 0)) throw truncated('a block', data.length);
    const blockStart = output.length;
    if (sizeField & UNCOMPRESSED_BIT) {
      const out = output.reserve(blockLength, at);
      out.set(data.subarray(at, at + blockLength), blockStart);
      output.length += blockLength;
    } else {
      decodeLz4Block(data, at, at + blockLength, output, independent ? blockStart : frameStart, blockLimit, dataView);
    }
    if (blockChecksums) {
      const stored = readUint32LE(data, at + blockLength);
      // The specification hashes the block as stored; pierrec/lz4 hashes it decoded. Accept either.
      if (stored !== xxh32(data, at, at + blockLength) && stored !== xxh32(output.bytes, blockStart, output.length)) {
        throw checksumMismatch('block', at + blockLength);
      }
    }
    at += blockLength + (blockChecksums ? 4 : 0);
  }
  const frameLength = output.length - frameStart;
  if (header.contentSize >= 0 && frameLength !== header.contentSize) {
    throw corrupt(`frame declares ${header.contentSize} content bytes but holds ${frameLength}`, at);
  }
  if (flags & FLAG_CONTENT_CHECKSUM) {
    if (data.length - at < 4) throw truncated('the content checksum', data.length);
    if (readUint32LE(data, at) !== xxh32(output.bytes, frameStart, output.length)) throw checksumMismatch('content', at);
    at += 4;
  }
  return at;
}

function decompressFrames(data: Uint8Array, options: DecompressOptions): Uint8Array {
  const limit = checkedOutputLimit(options);
  let output: OutputBuffer | undefined;
  const dataView = viewOf(data);
  let at = 0;
  while (at < data.length) {
    if (data.length - at < 4) throw truncated('a frame magic number', data.length);
    const magic = readUint32LE(data, at);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (data.length - at < 8) throw truncated('a skippable frame header', data.length);
      const skip = readUint32LE(data, at + 4);
      if (data.length - at - 8 < skip) throw truncated('a skippable frame', data.length);
      at += 8 + skip;
      continue;
    }
    if (magic === LEGACY_MAGIC) {
      throw new LokiChunkError('UNSUPPORTED', 'lz4: the legacy frame format is not supported', { offset: at });
    }
    if (magic !== FRAME_MAGIC) throw corrupt(`bad frame magic 0x${magic.toString(16)}`, at);
    const header = readFrameHeader(data, at, limit);
    if (!output) {
      const hint = options.sizeHint;
      const guess = header.contentSize >= 0 ? header.contentSize : hint ? hintedOutputSize(hint) : data.length * EXPANSION_GUESS;
      // A content size or hint is read from the input: never allocate more than these bytes could expand to.
      output = new OutputBuffer('lz4', limit, Math.min(guess, data.length * MAX_EXPANSION));
    } else if (header.contentSize > limit - output.length) {
      throw outputLimitError('lz4', limit, at);
    }
    at = decodeFrame(data, dataView, header, output);
  }
  return output ? output.result() : new Uint8Array(0);
}

/** The frame writer's FLG, BD and header checksum bytes for a block maximum code. */
function writerDescriptor(blockCode: number): Uint8Array {
  const descriptor = new Uint8Array([WRITER_FLAGS, blockCode << BLOCK_SIZE_SHIFT, 0]);
  descriptor[2] = (xxh32(descriptor, 0, 2) >>> 8) & 0xff;
  return descriptor;
}

/** The most bytes the frame of `length` bytes of data takes. */
function frameBound(length: number, blockLimit: number, descriptor: Uint8Array): number {
  // Each block is at most its own size (stored uncompressed otherwise) plus its 4-byte size field.
  return 4 + descriptor.length + Math.ceil(length / blockLimit) * 4 + length + 4;
}

/** Writes the frame of `data` at `out[at]`, which has room for {@link frameBound}; returns its end. */
function writeFrame(data: Uint8Array, blockLimit: number, descriptor: Uint8Array, out: Uint8Array, at: number): number {
  writeUint32LE(out, at, FRAME_MAGIC);
  out.set(descriptor, at + 4);
  let to = at + 4 + descriptor.length;
  for (let start = 0; start < data.length; start += blockLimit) {
    const block = data.subarray(start, Math.min(data.length, start + blockLimit));
    const compressedLength = compressLz4Block(block, out, to + 4);
    if (compressedLength > 0) {
      writeUint32LE(out, to, compressedLength);
      to += 4 + compressedLength;
    } else {
      writeUint32LE(out, to, (block.length | UNCOMPRESSED_BIT) >>> 0);
      out.set(block, to + 4);
      to += 4 + block.length;
    }
  }
  writeUint32LE(out, to, 0);
  return to + 4;
}

function lz4Codec(id: number, name: string, blockCode: number): Codec {
  const blockLimit = blockSizeForCode(blockCode);
  const descriptor = writerDescriptor(blockCode);
  return streamWritingCodec(
    {
      id,
      name,
      decompress: (data, options) =>
        wrapForeignErrors(() => decompressFrames(data, options), 'CORRUPT_STREAM', 'lz4: cannot decode stream'),
    },
    {
      bound: (length) => frameBound(length, blockLimit, descriptor),
      write: (data, out, at) => writeFrame(data, blockLimit, descriptor, out, at),
    },
  );
}

/** Loki's `lz4-64k` (codec byte 3): LZ4 frames with 64 KiB blocks. */
export const lz4Codec64k: Codec = /*#__PURE__*/ lz4Codec(CodecId['lz4-64k'], 'lz4-64k', 4);
/** Loki's `lz4-256k` (codec byte 5): LZ4 frames with 256 KiB blocks. */
export const lz4Codec256k: Codec = /*#__PURE__*/ lz4Codec(CodecId['lz4-256k'], 'lz4-256k', 5);
/** Loki's `lz4-1M` (codec byte 6): LZ4 frames with 1 MiB blocks. */
export const lz4Codec1M: Codec = /*#__PURE__*/ lz4Codec(CodecId['lz4-1M'], 'lz4-1M', 6);
/** Loki's `lz4` (codec byte 7): LZ4 frames with 4 MiB blocks. */
export const lz4Codec4M: Codec = /*#__PURE__*/ lz4Codec(CodecId.lz4, 'lz4', 7);
