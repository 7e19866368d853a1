/**
 * The literals section of a compressed block (RFC 8878 section 3.1.1.3.1): raw, RLE, Huffman-compressed with
 * a new tree, or Huffman-compressed with the previous block's tree ("treeless").
 */
import { LokiChunkError } from '../../../errors.js';
import { MAX_BLOCK_SIZE } from '../frame.js';
import { createHuffmanDecoder, HuffmanTable, readHuffmanTable } from './huffman.js';

/**
 * A block's literals after {@link readLiterals}: `buffer[0, length)`. Raw literals are copied there too, so the
 * sequence loop always reads one buffer (see `createSequenceExecutor`).
 */
export class LiteralsState {
  length = 0;
  /** Decoded literals (sized for the largest block). */
  readonly buffer = new Uint8Array(MAX_BLOCK_SIZE);
  /** A view of {@link buffer}, for 4-byte copies. */
  readonly view = new DataView(this.buffer.buffer);
  /** The latest Huffman tree of the frame, for treeless sections; `maxBits` is 0 when there is none. */
  readonly huffman = new HuffmanTable();
  /** Decodes Huffman-coded literals with {@link huffman} into {@link buffer}. */
  readonly decodeHuffman = createHuffmanDecoder(this.huffman, this.buffer);
}

const RAW = 0;
const RLE = 1;
const COMPRESSED = 2;

function corrupt(message: string, offset: number): LokiChunkError {
  return new LokiChunkError('CORRUPT_STREAM', `zstd ${message}`, { offset });
}

/**
 * Reads the literals section starting at `source[start]` (`view` sees the same bytes) of a block ending at
 * `blockEnd` into `state`; returns the offset of the sequences section.
 * @throws {LokiChunkError} `CORRUPT_STREAM` for a malformed section.
 */
export function readLiterals(
  source: Uint8Array,
  view: DataView,
  start: number,
  blockEnd: number,
  blockSizeMax: number,
  state: LiteralsState,
): number {
  const first = source[start]!;
  const type = first & 3;
  const sizeFormat = (first >>> 2) & 3;
  if (type === RAW || type === RLE) {
    let headerSize: number;
    let size: number;
    if ((sizeFormat & 1) === 0) {
      headerSize = 1;
      size = first >>> 3;
    } else if (sizeFormat === 1) {
      headerSize = 2;
      size = (first >>> 4) | (source[start + 1]! << 4);
    } else {
      headerSize = 3;
      size = (first >>> 4) | (source[start + 1]! << 4) | (source[start + 2]! << 12);
    }
    const contentStart = start + headerSize;
    if (size > blockSizeMax) throw corrupt('literals are larger than a block', start);
    if (type === RAW) {
      if (contentStart + size > blockEnd) throw corrupt('raw literals overrun their block', start);
      state.buffer.set(source.subarray(contentStart, contentStart + size));
      state.length = size;
      return contentStart + size;
    }
    if (contentStart >= blockEnd) throw corrupt('RLE literals overrun their block', start);
    state.buffer.fill(source[contentStart]!, 0, size);
    state.length = size;
    return contentStart + 1;
  }

  // Huffman-compressed: sizes of 10, 14 or 18 bits each, in a 3, 4 or 5-byte header.
  if (start + 5 > blockEnd) throw corrupt('literals header overruns its block', start);
  const header32 = (first | (source[start + 1]! << 8) | (source[start + 2]! << 16) | (source[start + 3]! << 24)) >>> 0;
  let headerSize: number;
  let regeneratedSize: number;
  let compressedSize: number;
  if (sizeFormat < 2) {
    headerSize = 3;
    regeneratedSize = (header32 >>> 4) & 0x3ff;
    compressedSize = (header32 >>> 14) & 0x3ff;
  } else if (sizeFormat === 2) {
    headerSize = 4;
    regeneratedSize = (header32 >>> 4) & 0x3fff;
    compressedSize = header32 >>> 18;
  } else {
    headerSize = 5;
    regeneratedSize = (header32 >>> 4) & 0x3ffff;
    compressedSize = (header32 >>> 22) | (source[start + 4]! << 10);
  }
  const contentStart = start + headerSize;
  const contentEnd = contentStart + compressedSize;
  if (regeneratedSize > blockSizeMax) throw corrupt('literals are larger than a block', start);
  if (contentEnd > blockEnd) throw corrupt('compressed literals overrun their block', start);
  let streamsStart = contentStart;
  if (type === COMPRESSED) {
    streamsStart = readHuffmanTable(source, contentStart, contentEnd, state.huffman);
  } else if (state.huffman.maxBits === 0) {
    throw corrupt('treeless literals without a previous Huffman tree', start);
  }
  state.decodeHuffman(source, view, streamsStart, contentEnd, sizeFormat !== 0, regeneratedSize);
  state.length = regeneratedSize;
  return contentEnd;
}
