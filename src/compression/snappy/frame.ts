/**
 * Snappy's framing format (codec 4), as golang/snappy's buffered Writer writes it for Loki and as its Reader
 * reads it.
 *
 * A stream is a stream identifier chunk, then compressed (0x00) and uncompressed (0x01) chunks of at most
 * 64 KiB of data, each with the masked CRC-32C of its *uncompressed* data. Padding (0xfe) and skippable
 * (0x80-0xfd) chunks are skipped, repeated stream identifiers accepted, reserved chunks (0x02-0x7f) refused.
 * Empty input is written as zero bytes.
 *
 * Decoding scans the chunk headers first, so the output is allocated once, at its exact size, after the
 * `maxOutputSize` check, and every chunk lands straight in it (through the block decoder's work buffer).
 */
import { crc32c } from '../../checksum/crc32c.js';
import { LokiChunkError, wrapForeignErrors } from '../../errors.js';
import { CodecId, streamWritingCodec, type Codec, type DecompressOptions } from '../codec.js';
import { checkedOutputLimit, outputLimitError } from '../output-buffer.js';
import {
  compressSnappyBlock,
  decodeSnappyBlock,
  MAX_SNAPPY_BLOCK_DECODED,
  MAX_SNAPPY_BLOCK_ENCODED,
  maxSnappyBlockLength,
  readSnappyBlockHeader,
} from './block.js';
import { readUint32LE, writeUint32LE } from '../../binary/little-endian.js';

const CHUNK_COMPRESSED = 0x00;
const CHUNK_UNCOMPRESSED = 0x01;
const CHUNK_RESERVED_SKIPPABLE_MIN = 0x80;
const CHUNK_STREAM_IDENTIFIER = 0xff;
const STREAM_IDENTIFIER = /*#__PURE__*/ new Uint8Array([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);
const CHUNK_HEADER_LENGTH = 4;
const CHECKSUM_LENGTH = 4;
/** Most data one chunk may hold (golang/snappy's `maxBlockSize`). */
const MAX_CHUNK_DATA = MAX_SNAPPY_BLOCK_DECODED;
/**
 * The longest chunk of any type golang/snappy's reader takes (its buffer: the longest block plus a checksum);
 * it refuses longer ones as unsupported, so we do too.
 */
const MAX_CHUNK_LENGTH = MAX_SNAPPY_BLOCK_ENCODED + CHECKSUM_LENGTH;

/** The framing format's masked CRC-32C: rotated right by 15 bits, plus a constant. */
export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

function corrupt(message: string, offset: number): LokiChunkError {
  return new LokiChunkError('CORRUPT_STREAM', `snappy: ${message}`, { offset });
}

/**
 * Walks the chunk headers, checking each chunk's type and length, and returns the total decoded size.
 * @throws {LokiChunkError} `TRUNCATED`, `CORRUPT_STREAM`, or `LIMIT_EXCEEDED` once the total passes `limit`
 */
function scanChunks(data: Uint8Array, limit: number): number {
  let total = 0;
  let at = 0;
  while (at < data.length) {
    if (data.length - at < CHUNK_HEADER_LENGTH) {
      throw new LokiChunkError('TRUNCATED', 'snappy: stream ends inside a chunk header', { offset: data.length });
    }
    const type = data[at]!;
    const length = data[at + 1]! | (data[at + 2]! << 8) | (data[at + 3]! << 16);
    const body = at + CHUNK_HEADER_LENGTH;
    if (at === 0 && type !== CHUNK_STREAM_IDENTIFIER) throw corrupt('stream does not start with a stream identifier', 0);
    if (length > MAX_CHUNK_LENGTH) {
      throw corrupt(`chunk of ${length} bytes is longer than golang/snappy reads (${MAX_CHUNK_LENGTH})`, at);
    }
    if (data.length - body < length) {
      throw new LokiChunkError('TRUNCATED', 'snappy: stream ends inside a chunk', { offset: data.length });
    }
    if (type === CHUNK_COMPRESSED || type === CHUNK_UNCOMPRESSED) {
      if (length < CHECKSUM_LENGTH) throw corrupt('chunk too short for its checksum', at);
      const decoded =
        type === CHUNK_UNCOMPRESSED
          ? length - CHECKSUM_LENGTH
          : readSnappyBlockHeader(data, body + CHECKSUM_LENGTH, body + length).decodedLength;
      if (decoded > MAX_CHUNK_DATA) throw corrupt(`chunk holds ${decoded} bytes, more than ${MAX_CHUNK_DATA}`, at);
      total += decoded;
      if (total > limit) throw outputLimitError('snappy', limit, at);
    } else if (type === CHUNK_STREAM_IDENTIFIER) {
      if (length !== STREAM_IDENTIFIER.length - CHUNK_HEADER_LENGTH) throw corrupt('bad stream identifier length', at);
      for (let i = CHUNK_HEADER_LENGTH; i < STREAM_IDENTIFIER.length; i++) {
        if (data[at + i] !== STREAM_IDENTIFIER[i]) throw corrupt('bad stream identifier', at);
      }
    } else if (type < CHUNK_RESERVED_SKIPPABLE_MIN) {
      throw corrupt(`reserved unskippable chunk type 0x${type.toString(16)}`, at);
    }
    // 0x80-0xfe (skippable and padding): nothing to do.
    at = body + length;
  }
  return total;
}

function decompressStream(data: Uint8Array, options: DecompressOptions): Uint8Array {
  const limit = checkedOutputLimit(options);
  const output = new Uint8Array(scanChunks(data, limit));
  let to = 0;
  let at = 0;
  while (at < data.length) {
    const type = data[at]!;
    const length = data[at + 1]! | (data[at + 2]! << 8) | (data[at + 3]! << 16);
    const body = at + CHUNK_HEADER_LENGTH;
    if (type === CHUNK_COMPRESSED || type === CHUNK_UNCOMPRESSED) {
      const chunkStart = to;
      if (type === CHUNK_COMPRESSED) {
        const header = readSnappyBlockHeader(data, body + CHECKSUM_LENGTH, body + length);
        decodeSnappyBlock(data, header.elementsStart, body + length, output, to, header.decodedLength);
        to += header.decodedLength;
      } else {
        output.set(data.subarray(body + CHECKSUM_LENGTH, body + length), to);
        to += length - CHECKSUM_LENGTH;
      }
      if (maskedCrc32c(output.subarray(chunkStart, to)) !== readUint32LE(data, body)) {
        throw new LokiChunkError('CHECKSUM_MISMATCH', 'snappy: chunk checksum mismatch', { offset: body });
      }
    }
    at = body + length;
  }
  return output;
}

function writeChunkHeader(out: Uint8Array, at: number, type: number, length: number, checksum: number): void {
  out[at] = type;
  out[at + 1] = length & 0xff;
  out[at + 2] = (length >>> 8) & 0xff;
  out[at + 3] = length >>> 16;
  writeUint32LE(out, at + CHUNK_HEADER_LENGTH, checksum);
}

/** The most bytes the stream of `length` bytes of data takes. */
function streamBound(length: number): number {
  const chunkCount = Math.ceil(length / MAX_CHUNK_DATA);
  return STREAM_IDENTIFIER.length + chunkCount * (CHUNK_HEADER_LENGTH + CHECKSUM_LENGTH + 32) + maxSnappyBlockLength(length);
}

/** Writes the stream of `data` at `out[at]`, which has room for {@link streamBound}; returns its end. */
function writeStream(data: Uint8Array, out: Uint8Array, at: number): number {
  // golang/snappy writes nothing at all, not even the stream identifier, for empty input.
  if (data.length === 0) return at;
  const headers = CHUNK_HEADER_LENGTH + CHECKSUM_LENGTH;
  out.set(STREAM_IDENTIFIER, at);
  let to = at + STREAM_IDENTIFIER.length;
  for (let start = 0; start < data.length; start += MAX_CHUNK_DATA) {
    const end = Math.min(data.length, start + MAX_CHUNK_DATA);
    const length = end - start;
    const checksum = maskedCrc32c(data.subarray(start, end));
    const blockEnd = compressSnappyBlock(data, start, end, out, to + headers);
    const compressedLength = blockEnd - to - headers;
    // golang/snappy keeps the compressed form only when it saves at least 12.5%.
    if (compressedLength < length - Math.floor(length / 8)) {
      writeChunkHeader(out, to, CHUNK_COMPRESSED, CHECKSUM_LENGTH + compressedLength, checksum);
      to = blockEnd;
    } else {
      writeChunkHeader(out, to, CHUNK_UNCOMPRESSED, CHECKSUM_LENGTH + length, checksum);
      out.set(data.subarray(start, end), to + headers);
      to += headers + length;
    }
  }
  return to;
}

/** Loki's `snappy` (codec byte 4): Snappy's framing format, written byte-identically to golang/snappy. */
export const snappyCodec: Codec = /*#__PURE__*/ streamWritingCodec(
  {
    id: CodecId.snappy,
    name: 'snappy',
    decompress: (data, options) =>
      wrapForeignErrors(() => decompressStream(data, options), 'CORRUPT_STREAM', 'snappy: cannot decode stream'),
  },
  { bound: streamBound, write: writeStream },
);
