/**
 * zstd decoding through fzstd, made safe: fzstd neither verifies the content checksum, nor bounds its
 * output, nor reports errors in our terms, and it allocates the declared window (8 MiB for Loki's full
 * blocks) on every call. This adapter walks the frames itself, checks every declared size against the limit
 * before fzstd runs, hands fzstd either an exactly sized output buffer (frames that declare their content
 * size) or a header whose window is shrunk to what the limit and the blocks allow, stops as soon as the
 * output passes the limit, and verifies each frame's XXH64 checksum.
 */
import { decompress as fzstdDecompress, Decompress as FzstdStream } from 'fzstd';
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
  type FrameHeader,
} from './frame.js';
import { concatChunks, limitExceeded, skipSkippableFrame } from './stream.js';

/** One zstd frame located by walking its block headers. */
interface FrameExtent {
  header: FrameHeader;
  /** Offset just past the last block (where the checksum is, when there is one). */
  blocksEnd: number;
  /** Offset just past the frame. */
  end: number;
  /** An upper bound of the frame's decompressed size. */
  outputBound: number;
}

/** Walks the block headers of the frame at `offset`, checking every size against the input and the spec. */
function locateFrame(data: Uint8Array, offset: number): FrameExtent {
  const header = readFrameHeader(data, offset);
  let at = offset + header.headerSize;
  let outputBound = 0;
  for (;;) {
    const blockHeader = readBlockHeader(data, at);
    const type = blockType(blockHeader);
    const size = blockSize(blockHeader);
    const storedSize = type === BLOCK_RLE ? 1 : size;
    if (type !== BLOCK_RAW && type !== BLOCK_RLE && type !== BLOCK_COMPRESSED) {
      throw new LokiChunkError('CORRUPT_STREAM', 'zstd block has the reserved type 3', { offset: at });
    }
    if (size > header.blockSizeMax) {
      throw new LokiChunkError('CORRUPT_STREAM', `zstd block of ${size} bytes exceeds ${header.blockSizeMax}`, {
        offset: at,
      });
    }
    if (at + 3 + storedSize > data.length) {
      throw new LokiChunkError('TRUNCATED', 'zstd stream ends inside a block', { offset: at });
    }
    outputBound += type === BLOCK_COMPRESSED ? header.blockSizeMax : size;
    at += 3 + storedSize;
    if (blockIsLast(blockHeader)) break;
  }
  const end = at + (header.hasChecksum ? 4 : 0);
  if (end > data.length) throw new LokiChunkError('TRUNCATED', 'zstd stream ends inside a content checksum', { offset: at });
  return { header, blocksEnd: at, end, outputBound };
}

/** The smallest window-descriptor byte whose window is at least `size` bytes. */
function windowDescriptorFor(size: number): number {
  for (let descriptor = 0; descriptor < 256; descriptor++) {
    const base = 2 ** (10 + (descriptor >>> 3));
    if (base + (base / 8) * (descriptor & 7) >= size) return descriptor;
  }
  return 255;
}

/**
 * Decodes a frame that does not declare its content size with fzstd's streaming decoder, after shrinking
 * the declared window (a copy of the frame is patched) to what this output can need.
 */
function decodeUnsizedFrame(
  frame: Uint8Array,
  extent: FrameExtent,
  remaining: number,
  options: DecompressOptions,
  offset: number,
): Uint8Array {
  const { header } = extent;
  const reachable = Math.min(header.windowSize, extent.outputBound, remaining + 1);
  const needed = Math.max(reachable, header.blockSizeMax);
  let input = frame;
  if (needed < header.windowSize) {
    input = frame.slice();
    // A frame without content size is never single-segment, so its window descriptor is byte 5.
    input[5] = windowDescriptorFor(needed);
  }
  const chunks: Uint8Array[] = [];
  let produced = 0;
  const stream = new FzstdStream((chunk) => {
    produced += chunk.length;
    if (produced > remaining) throw limitExceeded(options.maxOutputSize, offset);
    if (chunk.length > 0) chunks.push(chunk);
  });
  stream.push(input, true);
  return concatChunks(chunks, produced);
}

/**
 * Decompresses a zstd stream (any number of zstd and skippable frames) with fzstd, verifying content
 * checksums and honouring `maxOutputSize`.
 * @throws {LokiChunkError} `TRUNCATED`, `CORRUPT_STREAM`, `CHECKSUM_MISMATCH`, `LIMIT_EXCEEDED`, `UNSUPPORTED`
 *   (dictionaries); offsets are relative to `data`.
 */
export function decompressWithFzstd(data: Uint8Array, options: DecompressOptions): Uint8Array {
  if (data.length === 0) throw new LokiChunkError('TRUNCATED', 'empty input is not a zstd stream', { offset: 0 });
  const outputs: Uint8Array[] = [];
  let total = 0;
  let offset = 0;
  while (offset < data.length) {
    if (offset + 4 > data.length) throw new LokiChunkError('TRUNCATED', 'zstd stream ends inside a magic number', { offset });
    if (isSkippableMagic(readU32LE(data, offset))) {
      offset = skipSkippableFrame(data, offset);
      continue;
    }
    const extent = locateFrame(data, offset);
    const { header } = extent;
    const remaining = options.maxOutputSize - total;
    const frame = data.subarray(offset, extent.end);
    let output: Uint8Array;
    if (header.contentSize >= 0) {
      if (header.contentSize > remaining) throw limitExceeded(options.maxOutputSize, offset);
      if (header.contentSize > extent.outputBound) {
        throw new LokiChunkError('CORRUPT_STREAM', 'zstd frame declares more content than its blocks can hold', {
          offset,
        });
      }
      const exact = new Uint8Array(header.contentSize);
      output = wrapForeignErrors(() => fzstdDecompress(frame, exact), 'CORRUPT_STREAM', 'corrupt zstd frame', { offset });
    } else {
      output = wrapForeignErrors(
        () => decodeUnsizedFrame(frame, extent, remaining, options, offset),
        'CORRUPT_STREAM',
        'corrupt zstd frame',
        { offset },
      );
    }
    if (header.hasChecksum) verifyContentChecksum(data, extent.blocksEnd, output, 0, output.length);
    outputs.push(output);
    total += output.length;
    offset = extent.end;
  }
  return concatChunks(outputs, total);
}
