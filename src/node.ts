/**
 * Node-only helpers for loki-chunk (file handles, Node streams, native zlib). Everything platform-neutral is in
 * the main entry point, which this module re-exports.
 */
export * from './index.js';
export { fileSource, type FileByteSource } from './io/node/file-source.js';
export { createNodeCodecRegistry, nodeZlibCodecs } from './compression/node/zlib.js';
export { createZlibCodecs, ZLIB_LEVEL, type ZlibFunctions, type ZlibInflated } from './compression/deflate/zlib-codecs.js';
