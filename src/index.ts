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
export {
  BUILTIN_CODECS,
  createCodecRegistry,
  defaultCodecRegistry,
  noneCodec,
  gzipCodec,
  flateCodec,
  lz4Codec64k,
  lz4Codec256k,
  lz4Codec1M,
  lz4Codec4M,
  snappyCodec,
  zstdCodec,
  createZstdCodec,
  fzstdCodec,
  type ZstdLevel,
} from './compression/index.js';
export {
  readChunk,
  isRawChunk,
  Chunk,
  ChunkBlock,
  type ReadChunkOptions,
  type EntriesQuery,
  type SkippedBlock,
  type EncodingInfo,
} from './chunk/chunk.js';
export { readCheckpoint, decodeHeadBlock, type HeadBlock } from './chunk/checkpoint.js';
export { openChunk, OpenedChunk, DEFAULT_COALESCE_BYTES, type OpenChunkOptions } from './chunk/open-chunk.js';
export type { MetasSection, StructuredMetadataSection } from './chunk/sections.js';
export { sliceSource, type ByteSource, type ByteSourceStats, type MeteredByteSource } from './io/byte-source.js';
export { bytesSource } from './io/bytes-source.js';
export { blobSource } from './io/blob-source.js';
export { httpSource, type HttpSourceOptions, type HttpByteSource } from './io/http-source.js';
export { entriesToReadableStream, type ReadableStreamOptions } from './io/web-streams.js';
export {
  salvageChunk,
  type SalvageOptions,
  type SalvageResult,
  type SalvagedBlock,
  type SalvageDamage,
} from './chunk/salvage.js';
export { LogEntry } from './chunk/entry.js';
export type { Direction } from './chunk/loki-order.js';
export type { BlockMeta, ChecksumCheck, SectionLocation } from './chunk/layout.js';
export { DEFAULT_LIMITS, type ChunkLimits } from './chunk/limits.js';
export {
  CHUNK_MAGIC,
  HeadBlockFormat,
  DEFAULT_BLOCK_SIZE,
  DEFAULT_TARGET_SIZE,
  type ChunkFormat,
} from './chunk/constants.js';
export {
  normalizeLabelName,
  normalizeStructuredMetadata,
  queryStructuredMetadata,
  type StructuredMetadataPair,
} from './chunk/structured-metadata.js';
export { isStorageWrapped, unwrapStoredChunk, type StorageWrapper, type StorageWrapperHeader } from './storage/wrapper.js';
export type { EntryInput, StructuredMetadataInput } from './chunk/entry-input.js';
export {
  ChunkWriter,
  DEFAULT_CHUNK_FORMAT,
  DEFAULT_ENCODING,
  type ChunkWriterOptions,
  type AppendResult,
} from './chunk/writer.js';
export {
  encodeChunks,
  encodeChunksSync,
  type EncodedChunk,
  type EncodeChunksOptions,
  type EntrySourceInput,
} from './chunk/encode-chunks.js';
