/**
 * The zstd codec (Loki codec byte 9), in pure TypeScript.
 *
 * Loki writes one zstd frame per block with an XXH64 content checksum (klauspost/compress, default level):
 * inputs of 128 KiB and more get an 8 MiB window and no content size, smaller inputs a single-segment frame
 * with their content size; empty input still makes a frame. Our encoder writes one frame with content size
 * and checksum for every input; our decoder reads any zstd stream.
 */
import { CodecId, type Codec, type DecompressOptions } from '../codec.js';
import { decompressZstd } from './decode/decoder.js';
import { compressZstd, type ZstdLevel } from './encode/encoder.js';
import { decompressWithFzstd } from './fzstd-adapter.js';

/** The encoder, our decoder and the fzstd-backed decoder, for direct use. */
export { compressZstd, decompressZstd, decompressWithFzstd };
/** The encoder's compression levels. */
export type { ZstdLevel };

/**
 * A zstd codec compressing at `level` (`'default'`, tuned for Loki's block sizes, or `'strong'`).
 */
export function createZstdCodec(level: ZstdLevel = 'default'): Codec {
  return {
    id: CodecId.zstd,
    name: 'zstd',
    compress: (data: Uint8Array): Uint8Array => compressZstd(data, level),
    decompress: (data: Uint8Array, options: DecompressOptions): Uint8Array => decompressZstd(data, options),
  };
}

/** Loki's zstd codec: our encoder (default level) and our decoder, checksums verified. */
export const zstdCodec: Codec = /*#__PURE__*/ createZstdCodec();

/**
 * The same codec decoding through fzstd (made safe: checksums verified, output bounded), kept to compare
 * decoders in the benchmark.
 */
export const fzstdCodec: Codec = {
  id: CodecId.zstd,
  name: 'zstd',
  compress: (data: Uint8Array): Uint8Array => compressZstd(data),
  decompress: (data: Uint8Array, options: DecompressOptions): Uint8Array => decompressWithFzstd(data, options),
};
