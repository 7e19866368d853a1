/** Codecs: the interface, the registry, and Loki's built-in codecs. */
export { CodecId, DEFAULT_MAX_DECOMPRESSED_SIZE, type Codec, type CodecName, type DecompressOptions } from './codec.js';
export { CodecRegistry, type RegisterOptions } from './registry.js';
export { BUILTIN_CODECS, createCodecRegistry, defaultCodecRegistry } from './defaults.js';
export { noneCodec } from './none.js';
export { gzipCodec } from './deflate/gzip.js';
export { flateCodec } from './deflate/flate.js';
export { lz4Codec64k, lz4Codec256k, lz4Codec1M, lz4Codec4M } from './lz4/frame.js';
export { snappyCodec } from './snappy/frame.js';
export { zstdCodec, createZstdCodec, fzstdCodec, type ZstdLevel } from './zstd/index.js';
