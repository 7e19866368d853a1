/**
 * Raw DEFLATE (RFC 1951, no zlib header): Loki's `flate` codec (8), and the bounded inflate the gzip codec shares.
 *
 * Compression is ours (deflate.ts: zlib level-3-like ratio, faster than fflate on log blocks); decompression too
 * (inflate.ts: stricter, and faster on log blocks), into a buffer sized from the expected size (gzip's ISIZE, the
 * caller's hint) and refused as soon as it passes `maxOutputSize`.
 */
import { LokiChunkError } from '../../errors.js';
import { CodecId, type Codec, type DecompressOptions } from '../codec.js';
import { deflateRaw } from './deflate.js';
import { inflateRaw, type Inflated } from './inflate.js';
import { checkedOutputLimit, hintedOutputSize } from '../output-buffer.js';

/** DEFLATE's best case is ~1032:1, so this many input bytes can produce at most ~1 MiB. */
const INPUT_PER_MIB = 1016;

export { deflateRaw };

/**
 * Size of a first output buffer for inflating `deflatedLength` bytes that should give `wanted` bytes: never more
 * than those bytes can expand to, nor than `limit`. A hostile size field costs no more than honest data.
 */
export function inflateBufferSize(deflatedLength: number, wanted: number, limit: number): number {
  const expandable = Math.ceil((deflatedLength * (1 << 20)) / INPUT_PER_MIB) + 1024;
  return Math.max(0, Math.min(wanted, limit, expandable));
}

/**
 * Inflates the raw DEFLATE stream at the start of `deflated` (bytes after its final block are ignored, as Go's
 * reader does); returns the output and where the stream ended.
 * @param expectedSize the output size if known or guessed (sizes the first buffer; never trusted)
 * @throws {LokiChunkError} `LIMIT_EXCEEDED` past `limit`, `CORRUPT_STREAM`/`TRUNCATED` for a bad stream
 */
export function inflateBounded(deflated: Uint8Array, limit: number, expectedSize: number, codec: string): Inflated {
  if (deflated.length === 0) throw new LokiChunkError('TRUNCATED', `${codec}: empty DEFLATE stream`, { offset: 0 });
  return inflateRaw(deflated, limit, inflateBufferSize(deflated.length, expectedSize, limit), codec);
}

/**
 * The output size to plan for when inflating `deflatedLength` bytes: the caller's hint with headroom (see
 * {@link hintedOutputSize}) or, without one, the typical DEFLATE ratio on logs (below 8).
 */
export function flateSizeGuess(deflatedLength: number, options: DecompressOptions): number {
  const hint = options.sizeHint;
  return hint ? hintedOutputSize(hint) : deflatedLength * 8;
}

function decompressFlate(data: Uint8Array, options: DecompressOptions): Uint8Array {
  const limit = checkedOutputLimit(options);
  return inflateBounded(data, limit, flateSizeGuess(data.length, options), 'flate').output;
}

/** Loki's `flate` (codec byte 8): raw DEFLATE, as klauspost/compress/flate writes it. */
export const flateCodec: Codec = {
  id: CodecId.flate,
  name: 'flate',
  compress: deflateRaw,
  decompress: decompressFlate,
};
