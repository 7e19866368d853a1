/**
 * gzip (RFC 1952): Loki's codec 1, and the codec of format-1 chunks, which have no codec byte.
 *
 * Written with Loki's header (klauspost/compress/gzip with a zero `ModTime`: MTIME is the low 32 bits of Go's
 * zero time, `0x886E0900`; XFL 0 for the default level; OS 255), a DEFLATE body from fflate, then CRC-32 and
 * ISIZE. Read: every member is checked against its CRC-32 and ISIZE (fflate checks neither); concatenated
 * members are decoded one after another, as Go's multistream reader does.
 */
import { Gunzip } from 'fflate';
import { crc32 } from '../checksum/crc32.js';
import { isLokiChunkError, LokiChunkError } from '../errors.js';
import { CodecId, type Codec, type DecompressOptions } from './codec.js';
import { deflateRaw, feedInPieces, inflateBounded } from './flate.js';
import { checkedOutputLimit, outputLimitError } from './output-buffer.js';
import { readUint32LE, writeUint32LE } from '../binary/little-endian.js';

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
 * Parses the member header at `start` (the member ends at `end`); returns where its DEFLATE data starts.
 * @throws {LokiChunkError} `CORRUPT_STREAM` for a bad magic, method or flags, `CHECKSUM_MISMATCH` for a bad
 *   header CRC, `TRUNCATED`
 */
function readMemberHeader(data: Uint8Array, start: number, end: number): number {
  if (end - start < FIXED_HEADER_LENGTH) throw truncated('a member header', end);
  if (data[start] !== 0x1f || data[start + 1] !== 0x8b) {
    throw new LokiChunkError('CORRUPT_STREAM', 'gzip: bad magic number', { offset: start });
  }
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
 * Decodes the member `data[start, end)`, whose last 8 bytes are its trailer, and checks CRC-32 and ISIZE.
 * @param limit output allowed for this member
 */
function decodeMember(data: Uint8Array, start: number, end: number, limit: number): Uint8Array {
  const bodyStart = readMemberHeader(data, start, end);
  if (end - bodyStart < TRAILER_LENGTH) throw truncated('the trailer', end);
  const trailerAt = end - TRAILER_LENGTH;
  // ISIZE is the size mod 2^32; past 4 GiB it is only a lower bound, and no caller's limit reaches that.
  const declaredSize = readUint32LE(data, trailerAt + 4);
  if (declaredSize > limit) throw outputLimitError('gzip', limit, trailerAt + 4);
  let inflated: Uint8Array;
  try {
    inflated = inflateBounded(data.subarray(bodyStart, trailerAt), limit, declaredSize, 'gzip', true);
  } catch (error) {
    // Offsets in the DEFLATE body are relative to it: make them relative to the gzip stream.
    throw isLokiChunkError(error) ? error.at({ offset: bodyStart + (error.offset ?? 0) }) : error;
  }
  if (inflated.length !== declaredSize) {
    throw new LokiChunkError('CORRUPT_STREAM', `gzip: ISIZE says ${declaredSize} bytes, the data has ${inflated.length}`, {
      offset: trailerAt + 4,
    });
  }
  if (crc32(inflated) !== readUint32LE(data, trailerAt)) {
    throw new LokiChunkError('CHECKSUM_MISMATCH', 'gzip: CRC-32 mismatch', { offset: trailerAt });
  }
  return inflated;
}

/**
 * Where each member after the first starts, found by fflate's multi-member reader (output bounded by `limit`).
 * Returns an empty list when fflate sees a single member.
 */
function laterMemberStarts(data: Uint8Array, limit: number): number[] {
  const starts: number[] = [];
  let produced = 0;
  let at = 0;
  const reader = new Gunzip((piece) => {
    produced += piece.length;
    if (produced > limit) throw outputLimitError('gzip', limit, at);
  });
  reader.onmember = (offset) => starts.push(offset);
  try {
    const push = (piece: Uint8Array, final: boolean, pieceStart: number): void => {
      at = pieceStart;
      reader.push(piece, final);
    };
    feedInPieces(data, push, () => limit - produced);
  } catch (error) {
    if (isLokiChunkError(error)) throw error;
    return [];
  }
  return starts;
}

/**
 * Whether a member could start after `from`: whether ID1 ID2 CM (1f 8b 08) occur there. In one member's
 * compressed data they occur by chance once in 16 MiB, so most streams are proven single-member by this scan.
 */
function mayHoldLaterMember(data: Uint8Array, from: number): boolean {
  for (let at = data.indexOf(0x1f, from); at >= 0 && at + 2 < data.length; at = data.indexOf(0x1f, at + 1)) {
    if (data[at + 1] === 0x8b && data[at + 2] === 8) return true;
  }
  return false;
}

function decompressGzip(data: Uint8Array, options: DecompressOptions): Uint8Array {
  const limit = checkedOutputLimit(options);
  if (data.length === 0) throw truncated('a member header', 0);
  // A stream of several members cannot be read as one: the first member's DEFLATE data ends before the last
  // trailer, which may still match (members with the same content). Find the members when there may be several.
  const starts = mayHoldLaterMember(data, FIXED_HEADER_LENGTH) ? laterMemberStarts(data, limit) : [];
  if (starts.length === 0) return decodeMember(data, 0, data.length, limit);
  const members: Uint8Array[] = [];
  let total = 0;
  let memberStart = 0;
  for (const memberEnd of [...starts, data.length]) {
    const member = decodeMember(data, memberStart, memberEnd, limit - total);
    members.push(member);
    total += member.length;
    memberStart = memberEnd;
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
