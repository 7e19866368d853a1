/**
 * Node-only helpers for loki-chunk (file handles and Node streams). Everything platform-neutral is in the
 * main entry point, which this module re-exports.
 */
export * from './index.js';
export { fileSource, type FileByteSource } from './io/node/file-source.js';
