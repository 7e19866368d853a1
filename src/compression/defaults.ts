/**
 * The built-in codecs: every codec Loki writes, by its codec byte and name.
 */
import type { Codec } from './codec.js';
import { flateCodec } from './deflate/flate.js';
import { gzipCodec } from './deflate/gzip.js';
import { lz4Codec1M, lz4Codec256k, lz4Codec4M, lz4Codec64k } from './lz4/frame.js';
import { noneCodec } from './none.js';
import { CodecRegistry } from './registry.js';
import { snappyCodec } from './snappy/frame.js';
import { zstdCodec } from './zstd/index.js';

/** Every built-in codec, by codec byte: none, gzip, lz4-64k, snappy, lz4-256k, lz4-1M, lz4, flate, zstd. */
export const BUILTIN_CODECS: readonly Codec[] = [
  noneCodec,
  gzipCodec,
  lz4Codec64k,
  snappyCodec,
  lz4Codec256k,
  lz4Codec1M,
  lz4Codec4M,
  flateCodec,
  zstdCodec,
];

/** A new registry holding every built-in codec, yours to extend or override with `register`. */
export function createCodecRegistry(): CodecRegistry {
  return new CodecRegistry(BUILTIN_CODECS);
}

let shared: CodecRegistry | undefined;

/**
 * The shared registry of built-in codecs that readers and writers use when given none. It is frozen:
 * `register` on it throws `INVALID_ARGUMENT`; extend its `clone()` or a {@link createCodecRegistry} instead.
 */
export function defaultCodecRegistry(): CodecRegistry {
  return (shared ??= createCodecRegistry().freeze());
}
