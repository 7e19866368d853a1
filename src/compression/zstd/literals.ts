/**
 * The literals section of a compressed block (RFC 8878 section 3.1.1.3.1): raw, RLE, Huffman-compressed with
 * a new tree, or Huffman-compressed with the previous block's tree ("treeless").
 */
import { LokiChunkError } from '../../errors.js';
import { MAX_BLOCK_SIZE } from './frame.js';
import { decodeHuffmanLiterals, HuffmanTable, readHuffmanTable } from './huffman.js';

/** Where a block's literals are after {@link readLiterals}: `source[start, start + length)`. */
export class LiteralsState {
  /** Either the compressed input (raw literals are used in place) or {@link buffer}. */
  source: Uint8Array;
  /** A view of `source`, for 4-byte copies. */
  view: DataView;
  start = 0;
  length = 0;
  /** Decoded literals of Huffman and RLE sections. */
  readonly buffer = new Uint8Array(MAX_BLOCK_SIZE);
  private readonly bufferView = new DataView(this.buffer.buffer);
  /** The latest Huffman tree of the frame, for treeless sections; `maxBits` is 0 when there is none. */
  readonly huffman = new HuffmanTable();

  constructor() {
    this.source = this.buffer;
    this.view = this.bufferView;
  }

  /** Points at decoded literals in {@link buffer}. */
  useBuffer(length: number): void {
    this.source = this.buffer;
    this.view = this.bufferView;
    this.start = 0;
    this.length = length;
  }

  /** Points at raw literals inside the compressed input, seen through `view`. */
  useInput(source: Uint8Array, view: DataView, start: number, length: number): void {
    this.source = source;
    this.view = view;
    this.start = start;
    this.length = length;
  }
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
      state.useInput(source, view, contentStart, size);
      return contentStart + size;
    }
    if (contentStart >= blockEnd) throw corrupt('RLE literals overrun their block', start);
    state.buffer.fill(source[contentStart]!, 0, size);
    state.useBuffer(size);
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
  decodeHuffmanLiterals(
    source,
    view,
    streamsStart,
    contentEnd,
    sizeFormat !== 0,
    state.huffman,
    state.buffer,
    regeneratedSize,
  );
  state.useBuffer(regeneratedSize);
  return contentEnd;
}
