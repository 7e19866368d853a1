/**
 * The object-store wrapper Loki puts around a chunk (`pkg/storage/chunk` `Chunk.Encode`):
 * `u32 metadataLen` (counting its own 4 bytes) | snappy-framed JSON header | `u32 dataLen` | chunk bytes.
 */
import { ByteReader } from '../binary/byte-reader.js';
import { crc32c } from '../checksum/crc32c.js';
import { CodecId } from '../compression/codec.js';
import type { CodecRegistry } from '../compression/registry.js';
import { LokiChunkError } from '../errors.js';

/** The wrapper header: who the chunk belongs to and which stream it holds. */
export interface StorageWrapper {
  /** Tenant. */
  userID: string;
  /** Stream fingerprint (uint64). */
  fingerprint: bigint;
  /** Fingerprint as Loki prints it in object keys (lowercase hex, no padding). */
  fingerprintHex: string;
  /** First timestamp, Unix milliseconds (floored). */
  from: number;
  /** Last timestamp, Unix milliseconds (ceiled). */
  through: number;
  /** Stream labels, including `__name__="logs"`. */
  labels: Record<string, string>;
  /** Loki's chunk encoding id in the header (129 = log chunk). */
  encoding: number;
  /** Ingestion time, Unix milliseconds, when the header has one. */
  ingestedAt: number | null;
  /** The header JSON as stored. */
  headerJSON: string;
  /** First u32 of the object: the header length, including those 4 bytes. */
  metadataLength: number;
  /** Offset of the chunk bytes in the object. */
  dataOffset: number;
  /** Length of the chunk bytes. */
  dataLength: number;
  /** CRC-32C of the whole stored object (the last part of its object key). */
  checksum: number;
  /** The object key Loki would use: `<user>/<fp hex>/<from hex>:<through hex>:<checksum hex>`. */
  externalKey: string;
}

const SNAPPY_STREAM_IDENTIFIER = [0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59];

/** True when `bytes` looks like a storage-wrapped chunk (a length, then a snappy stream identifier). */
export function isStorageWrapped(bytes: Uint8Array): boolean {
  if (bytes.length < 4 + SNAPPY_STREAM_IDENTIFIER.length) return false;
  return SNAPPY_STREAM_IDENTIFIER.every((byte, i) => bytes[4 + i] === byte);
}

/**
 * Splits a storage-wrapped object into its header and the chunk bytes (a view, no copy).
 * @throws {LokiChunkError} `BAD_WRAPPER`, `TRUNCATED`, or a codec error from the snappy header.
 */
export function unwrapStoredChunk(
  bytes: Uint8Array,
  codecs: CodecRegistry,
): { wrapper: StorageWrapper; chunk: Uint8Array } {
  const header = parseStorageWrapperHeader(bytes, bytes.length, codecs);
  return { wrapper: withObjectChecksum(header, crc32c(bytes)), chunk: bytes.subarray(header.dataOffset) };
}

/** The wrapper header without what needs the whole object: its CRC-32C and the object key built from it. */
export type StorageWrapperHeader = Omit<StorageWrapper, 'checksum' | 'externalKey'>;

/** How many bytes of the object's start {@link parseStorageWrapperHeader} needs, given the first u32. */
export function storageWrapperPrefixLength(metadataLength: number): number {
  return metadataLength + 8; // Through the data-length word, wherever the writer put it.
}

/**
 * Parses the wrapper header from the start of an object of `objectSize` bytes, so a range reader need not fetch
 * the whole object: `prefix` holds its first {@link storageWrapperPrefixLength} bytes (or all of a shorter one).
 * @throws {LokiChunkError} `BAD_WRAPPER` or `TRUNCATED`.
 */
export function parseStorageWrapperHeader(prefix: Uint8Array, objectSize: number, codecs: CodecRegistry): StorageWrapperHeader {
  const reader = new ByteReader(prefix);
  const metadataLength = reader.u32('wrapper metadata length');
  // Newer writers count the length word itself; older Cortex ones did not.
  const headerEnd = [metadataLength, metadataLength + 4].find((end) => {
    if (end < 8 || end + 4 > prefix.length || end + 4 > objectSize) return false;
    const dataLength = new DataView(prefix.buffer, prefix.byteOffset + end, 4).getUint32(0);
    return end + 4 + dataLength === objectSize;
  });
  if (headerEnd === undefined) {
    throw new LokiChunkError(
      'BAD_WRAPPER',
      `storage wrapper lengths do not add up: metadata length ${metadataLength}, object ${objectSize} bytes`,
      { offset: 0 },
    );
  }
  let json: Uint8Array;
  try {
    json = codecs.get(CodecId.snappy).decompress(prefix.subarray(4, headerEnd), { maxOutputSize: 16 * 1024 * 1024 });
  } catch (error) {
    throw new LokiChunkError('BAD_WRAPPER', `storage wrapper header is not valid snappy: ${String(error)}`, {
      offset: 4,
      cause: error,
    });
  }
  const headerJSON = new TextDecoder('utf-8').decode(json);
  const dataOffset = headerEnd + 4;
  return parseHeaderJSON(headerJSON, { metadataLength, dataOffset, dataLength: objectSize - dataOffset });
}

/** The full wrapper, given the CRC-32C of the whole stored object. */
export function withObjectChecksum(header: StorageWrapperHeader, checksum: number): StorageWrapper {
  const { userID, fingerprintHex, from, through } = header;
  return { ...header, checksum, externalKey: `${userID}/${fingerprintHex}/${from.toString(16)}:${through.toString(16)}:${checksum.toString(16)}` };
}

function parseHeaderJSON(
  text: string,
  layout: Pick<StorageWrapper, 'metadataLength' | 'dataOffset' | 'dataLength'>,
): StorageWrapperHeader {
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new LokiChunkError('BAD_WRAPPER', `storage wrapper header is not JSON: ${String(error)}`, { offset: 4, cause: error });
  }
  if (typeof header !== 'object' || header === null) {
    throw new LokiChunkError('BAD_WRAPPER', 'storage wrapper header is not a JSON object', { offset: 4 });
  }
  // Numbers are read from the text: a uint64 fingerprint does not survive JSON.parse.
  const fingerprint = BigInt(rawNumber(text, 'fingerprint') ?? '0');
  const from = millis(rawNumber(text, 'from'));
  const through = millis(rawNumber(text, 'through'));
  const ingested = rawNumber(text, 'ingestedAt');
  const labels: Record<string, string> = {};
  const metric = header.metric;
  if (metric && typeof metric === 'object') {
    for (const [name, value] of Object.entries(metric as Record<string, unknown>)) labels[name] = String(value);
  }
  const userID = typeof header.userID === 'string' ? header.userID : '';
  const fingerprintHex = fingerprint.toString(16);
  return {
    userID,
    fingerprint,
    fingerprintHex,
    from,
    through,
    labels,
    encoding: typeof header.encoding === 'number' ? header.encoding : 0,
    ingestedAt: ingested === undefined ? null : millis(ingested),
    headerJSON: text,
    ...layout,
  };
}

/** The literal digits of a top-level numeric field. */
function rawNumber(text: string, field: string): string | undefined {
  return new RegExp(`"${field}"\\s*:\\s*(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)`).exec(text)?.[1];
}

/** Prometheus `model.Time` JSON (seconds with a millisecond fraction) to integer milliseconds, exactly. */
function millis(raw: string | undefined): number {
  if (raw === undefined) return 0;
  if (/[eE]/.test(raw)) return Math.round(Number(raw) * 1000);
  const negative = raw.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? raw.slice(1) : raw).split('.');
  const ms = Number(whole) * 1000 + Number(fraction.padEnd(3, '0').slice(0, 3));
  return negative ? -ms : ms;
}
