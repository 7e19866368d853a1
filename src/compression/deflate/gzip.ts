/**
 * gzip (RFC 1952): Loki's codec 1, and the codec of format-1 chunks, which have no codec byte.
 *
 * Written with Loki's header (klauspost/compress/gzip with a zero `ModTime`: MTIME is the low 32 bits of Go's
 * zero time, `0x886E0900`; XFL 0 for the default level; OS 255), a DEFLATE body from deflate.ts, then CRC-32 and
 * ISIZE. Read: every member is checked against its CRC-32 and ISIZE; concatenated members are decoded one after
 * another, as Go's multistream reader does.
 */
import { crc32 } from '../../checksum/crc32.js';
import { isLokiChunkError, LokiChunkError } from '../../errors.js';
import { CodecId, type Codec, type DecompressOptions } from '../codec.js';
import { deflateRaw, inflateBounded } from './flate.js';
import type { Inflated } from './inflate.js';
import { checkedOutputLimit, outputLimitError } from '../output-buffer.js';
import { readUint32LE, writeUint32LE } from '../../binary/little-endian.js';

/** ID1 ID2 CM FLG MTIME(4) XFL OS, exactly as Loki's writer emits them. */
const LOKI_HEADER = /*#__PURE__*/ new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x09, 0x6e, 0x88, 0x00, 0xff]);
const FIXED_HEADER_LENGTH = 10;
const TRAILER_LENGTH = 8;

const FLAG_HEADER_CRC = 0x02;
const FLAG_EXTRA = 0x04;
const FLAG_NAME = 0x08;
const FLAG_COMMENT = 0x10;
const FLAG_RESERVED = 0xe0;

function truncated(what: string, offset: number): LokiChunkError {
  return new LokiChunkError('TRUNCATED', `gzip: stream ends inside ${what}`, { offset });
}

/** Skips a zero-terminated header field starting at `at`; returns the offset after its terminator. */
function skipZeroTerminated(data: Uint8Array, at: number, end: number, what: string): number {
  const terminator = data.subarray(at, end).indexOf(0);
  if (terminator < 0) throw truncated(what, end);
  return at + terminator + 1;
}

/**
 * Parses the member header at `start`; returns where its DEFLATE data starts.
 * @throws {LokiChunkError} `CORRUPT_STREAM` for a bad magic, method or flags, `CHECKSUM_MISMATCH` for a bad
 *   header CRC, `TRUNCATED`
 */
function readMemberHeader(data: Uint8Array, start: number): number {
  const end = data.length;
  // Bytes that cannot start a member are corrupt, however few; a cut member start is truncated.
  if ((start < end && data[start] !== 0x1f) || (start + 1 < end && data[start + 1] !== 0x8b)) {
    throw new LokiChunkError('CORRUPT_STREAM', 'gzip: bad magic number', { offset: start });
  }
  if (end - start < FIXED_HEADER_LENGTH) throw truncated('a member header', end);
  if (data[start + 2] !== 8) {
    throw new LokiChunkError('CORRUPT_STREAM', `gzip: unknown compression method ${data[start + 2]}`, { offset: start + 2 });
  }
  const flags = data[start + 3]!;
  if (flags & FLAG_RESERVED) throw new LokiChunkError('CORRUPT_STREAM', 'gzip: reserved flag bits are set', { offset: start + 3 });
  let at = start + FIXED_HEADER_LENGTH;
  if (flags & FLAG_EXTRA) {
    if (end - at < 2) throw truncated('the extra field', end);
    const extraLength = data[at]! | (data[at + 1]! << 8);
    at += 2;
    if (end - at < extraLength) throw truncated('the extra field', end);
    at += extraLength;
  }
  if (flags & FLAG_NAME) at = skipZeroTerminated(data, at, end, 'the file name');
  if (flags & FLAG_COMMENT) at = skipZeroTerminated(data, at, end, 'the comment');
  if (flags & FLAG_HEADER_CRC) {
    if (end - at < 2) throw truncated('the header CRC', end);
    const stored = data[at]! | (data[at + 1]! << 8);
    if (stored !== (crc32(data.subarray(start, at)) & 0xffff)) {
      throw new LokiChunkError('CHECKSUM_MISMATCH', 'gzip: header CRC mismatch', { offset: at });
    }
    at += 2;
  }
  return at;
}

/**
 * Decodes the member at `start` and checks its CRC-32 and ISIZE; returns its output and where it ends.
 * @param limit output allowed for this member
 * @param sizeGuess its expected output size (sizes the first buffer)
 */
function decodeMember(data: Uint8Array, start: number, limit: number, sizeGuess: number): Inflated {
  const bodyStart = readMemberHeader(data, start);
  let inflated: Inflated;
  try {
    inflated = inflateBounded(data.subarray(bodyStart), limit, sizeGuess, 'gzip');
  } catch (error) {
    // Offsets in the DEFLATE body are relative to it: make them relative to the gzip stream.
    throw isLokiChunkError(error) ? error.at({ offset: bodyStart + (error.offset ?? 0) }) : error;
  }
  const trailerAt = bodyStart + inflated.end;
  if (data.length - trailerAt < TRAILER_LENGTH) throw truncated('the trailer', data.length);
  // ISIZE is the size mod 2^32; past 4 GiB it is only a lower bound, and no caller's limit reaches that.
  const declaredSize = readUint32LE(data, trailerAt + 4);
  const output = inflated.output;
  if (output.length !== declaredSize) {
    throw new LokiChunkError('CORRUPT_STREAM', `gzip: ISIZE says ${declaredSize} bytes, the data has ${output.length}`, {
      offset: trailerAt + 4,
    });
  }
  if (crc32(output) !== readUint32LE(data, trailerAt)) {
    throw new LokiChunkError('CHECKSUM_MISMATCH', 'gzip: CRC-32 mismatch', { offset: trailerAt });
  }
  return { output, end: trailerAt + TRAILER_LENGTH };
}

/** Every member of the stream, one after another, as Go's multistream reader reads them. */
function decompressGzip(data: Uint8Array, options: DecompressOptions): Uint8Array {
  const limit = checkedOutputLimit(options);
  if (data.length === 0) throw truncated('a member header', 0);
  const lastSize = Math.max(0, lastMemberSize(data));
  if (lastSize > limit) throw outputLimitError('gzip', limit, data.length - 4);
  const first = decodeMember(data, 0, limit, lastSize);
  if (first.end === data.length) return first.output;
  const members = [first.output];
  let total = first.output.length;
  for (let at = first.end; at < data.length; ) {
    const member = decodeMember(data, at, limit - total, lastSize);
    members.push(member.output);
    total += member.output.length;
    at = member.end;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const member of members) {
    out.set(member, at);
    at += member.length;
  }
  return out;
}

/**
 * The ISIZE of the last member: the whole output size when there is one member, which is what Loki writes
 * (only a hint otherwise). -1 when `data` is too short to hold a member.
 */
export function lastMemberSize(data: Uint8Array): number {
  return data.length >= FIXED_HEADER_LENGTH + TRAILER_LENGTH ? readUint32LE(data, data.length - 4) : -1;
}

/**
 * One gzip member as Loki writes it: Loki's header, the DEFLATE `body`, then the CRC-32 and size of the data
 * the body holds.
 */
export function frameGzipMember(body: Uint8Array, dataLength: number, dataCrc32: number): Uint8Array {
  const out = new Uint8Array(LOKI_HEADER.length + body.length + TRAILER_LENGTH);
  out.set(LOKI_HEADER);
  out.set(body, LOKI_HEADER.length);
  writeUint32LE(out, LOKI_HEADER.length + body.length, dataCrc32);
  // ISIZE is the input size mod 2^32.
  writeUint32LE(out, LOKI_HEADER.length + body.length + 4, dataLength % 0x100000000);
  return out;
}

function compressGzip(data: Uint8Array): Uint8Array {
  return frameGzipMember(deflateRaw(data), data.length, crc32(data));
}

/** Loki's `gzip` (codec byte 1; also format-1 chunks): gzip with Loki's header, every member verified. */
export const gzipCodec: Codec = {
  id: CodecId.gzip,
  name: 'gzip',
  compress: compressGzip,
  decompress: decompressGzip,
};
