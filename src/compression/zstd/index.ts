/**
 * The zstd codec (Loki codec byte 9).
 *
 * Loki writes one zstd frame per block with an XXH64 content checksum (klauspost/compress, default level):
 * inputs of 128 KiB and more get an 8 MiB window and no content size, smaller inputs a single-segment frame
 * with their content size; empty input still makes a frame.
 */
import { LokiChunkError } from '../../errors.js';
import { CodecId, type Codec, type DecompressOptions } from '../codec.js';
import { decompressWithFzstd } from './fzstd-adapter.js';

/** Loki's zstd codec: decodes every zstd stream, verifying content checksums and `maxOutputSize`. */
export const zstdCodec: Codec = {
  id: CodecId.zstd,
  name: 'zstd',
  compress(): Uint8Array {
    throw new LokiChunkError('UNSUPPORTED', 'writing zstd is not supported yet');
  },
  decompress(data: Uint8Array, options: DecompressOptions): Uint8Array {
    return decompressWithFzstd(data, options);
  },
};
