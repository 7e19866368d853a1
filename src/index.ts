/**
 * loki-chunk: read and write Grafana Loki chunks in pure TypeScript.
 *
 * This module only re-exports; each concept lives in its own folder (binary, checksum, compression, chunk,
 * storage, io). Node-only helpers (file handles, streams) are in `loki-chunk/node`.
 */
export { LokiChunkError, isLokiChunkError, type LokiChunkErrorCode, type LokiChunkErrorDetails } from './errors.js';
export { MIN_INT64, MAX_INT64 } from './binary/int64.js';
export { crc32c } from './checksum/crc32c.js';
export {
  CodecId,
  DEFAULT_MAX_DECOMPRESSED_SIZE,
  type Codec,
  type CodecName,
  type DecompressOptions,
} from './compression/codec.js';
export { CodecRegistry, type RegisterOptions } from './compression/registry.js';
