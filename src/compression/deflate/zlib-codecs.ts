/**
 * gzip and flate codecs over a native zlib (Node's `node:zlib`), behind the same {@link Codec} interface as the
 * pure ones. This module only sees the few functions it needs ({@link ZlibFunctions}), so it stays free of
 * Node imports; the Node entry point passes `node:zlib` in.
 *
 * The pure codecs stay the authority: whenever zlib fails or sees something they would judge differently
 * (trailing bytes after the last gzip member, which zlib skips when they are zeros), the input goes to the
 * pure codec, which then returns what it would have returned or throws its own error, with its code and
 * offset. Corrupt input is rare, so that second pass costs nothing in practice, and bounded input stays
 * bounded: zlib stops at `maxOutputSize`, and so does the pure codec.
 */
import { CodecId, type Codec, type DecompressOptions } from '../codec.js';
import { flateCodec, flateSizeGuess, inflateBufferSize } from './flate.js';
import { frameGzipMember, gzipCodec, lastMemberSize } from './gzip.js';
import { checkedOutputLimit } from '../output-buffer.js';

/** What zlib returns for a stream it inflated. */
export interface ZlibInflated {
  /** The inflated bytes. */
  output: Uint8Array;
  /** Input bytes zlib consumed (fewer than given when it stopped early). */
  consumed: number;
}

/** The native functions the codecs need; every one throws on failure. */
export interface ZlibFunctions {
  /**
   * Inflates every gzip member of `data`, checking each CRC-32 and ISIZE.
   * @param maxOutput fail rather than produce more than this
   * @param bufferSize size of the output buffer zlib writes into first (it adds more as needed)
   */
  gunzip(data: Uint8Array, maxOutput: number, bufferSize: number): ZlibInflated;
  /** Inflates the raw DEFLATE stream `data`, ignoring bytes after its final block. */
  inflateRaw(data: Uint8Array, maxOutput: number, bufferSize: number): Uint8Array;
  /** Raw DEFLATE of `data` at zlib level `level`. */
  deflateRaw(data: Uint8Array, level: number): Uint8Array;
  /** CRC-32 (IEEE) of `data`. */
  crc32(data: Uint8Array): number;
}

/**
 * zlib's level for gzip and flate: the fastest within 5% of Loki's size. Measured on the benchmark chunks (7
 * chunks, 87 blocks of 256 KiB) against Loki's (klauspost/compress default level): level 2 is 5.5% larger,
 * level 3 4.4% larger, level 4 0.3% smaller; on one 256 KiB block level 3 compresses at ~95 MB/s, level 4 at ~78.
 */
export const ZLIB_LEVEL = 3;

function decompressGzip(zlib: ZlibFunctions, data: Uint8Array, options: DecompressOptions): Uint8Array {
  const limit = checkedOutputLimit(options);
  const declaredSize = lastMemberSize(data);
  if (declaredSize >= 0 && declaredSize <= limit) {
    try {
      // One byte more than expected: zlib adds a second buffer when the first is exactly full.
      const inflated = zlib.gunzip(data, limit, inflateBufferSize(data.length, declaredSize, limit) + 1);
      if (inflated.consumed === data.length) return inflated.output;
    } catch {
      // The pure codec says what is wrong, below.
    }
  }
  return gzipCodec.decompress(data, options);
}

function decompressFlate(zlib: ZlibFunctions, data: Uint8Array, options: DecompressOptions): Uint8Array {
  const limit = checkedOutputLimit(options);
  if (data.length > 0) {
    try {
      const guess = flateSizeGuess(data.length, options);
      return zlib.inflateRaw(data, limit, inflateBufferSize(data.length, guess, limit) + 1);
    } catch {
      // The pure codec says what is wrong, below.
    }
  }
  return flateCodec.decompress(data, options);
}

/**
 * Loki's `gzip` and `flate` codecs over a native zlib: same codec bytes and names as {@link gzipCodec} and
 * {@link flateCodec}, the same output and the same errors, native speed. gzip members carry Loki's header.
 * @param zlib the native functions (the Node entry point's `nodeZlibCodecs` passes `node:zlib`)
 */
export function createZlibCodecs(zlib: ZlibFunctions): { gzip: Codec; flate: Codec } {
  return {
    gzip: {
      id: CodecId.gzip,
      name: 'gzip',
      compress: (data) => frameGzipMember(zlib.deflateRaw(data, ZLIB_LEVEL), data.length, zlib.crc32(data)),
      decompress: (data, options) => decompressGzip(zlib, data, options),
    },
    flate: {
      id: CodecId.flate,
      name: 'flate',
      compress: (data) => zlib.deflateRaw(data, ZLIB_LEVEL),
      decompress: (data, options) => decompressFlate(zlib, data, options),
    },
  };
}
