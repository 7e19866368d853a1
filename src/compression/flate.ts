/**
 * Raw DEFLATE (RFC 1951, no zlib header): Loki's `flate` codec (8), and the bounded inflate the gzip codec shares.
 *
 * fflate does the bit-level work. It has no output limit of its own, so inflating is bounded here: when the
 * size is known (gzip's ISIZE, the caller's hint) fflate writes into a buffer of that size plus one byte, which
 * it cannot grow; otherwise, or when that buffer overflows, the stream is inflated piece by piece and refused
 * as soon as the output passes `maxOutputSize`.
 */
import { deflateSync, Inflate, inflateSync } from 'fflate';
import { isLokiChunkError, LokiChunkError } from '../errors.js';
import { CodecId, type Codec, type DecompressOptions } from './codec.js';
import { checkedOutputLimit, outputLimitError } from './output-buffer.js';

/**
 * fflate's level for gzip and flate. Measured on Loki's golden gzip/flate blocks, level 2 output is 1.9% larger
 * than Loki's (klauspost/compress default level), level 4 0.4%, level 6 0.6% smaller, and level 2 compresses
 * ~25% faster than level 6 (level 1 is 6% larger).
 */
export const DEFLATE_LEVEL = 2;

/** DEFLATE's best case is ~1032:1, so this many input bytes can produce at most ~1 MiB. */
const INPUT_PER_MIB = 1016;
/** Largest input piece given to the streaming inflater at once. */
const MAX_PIECE = 64 * 1024;

/** Raw DEFLATE of `data` at {@link DEFLATE_LEVEL}. */
export function deflateRaw(data: Uint8Array): Uint8Array {
  return deflateSync(data, { level: DEFLATE_LEVEL });
}

function concat(pieces: Uint8Array[], length: number): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/**
 * Feeds `data` to a streaming inflater (`push`) in pieces small enough that one piece cannot expand far past
 * `room()`, the output still allowed; the inflater's output callback enforces the limit itself.
 */
export function feedInPieces(
  data: Uint8Array,
  push: (piece: Uint8Array, final: boolean, pieceStart: number) => void,
  room: () => number,
): void {
  let at = 0;
  do {
    const size = Math.max(256, Math.min(MAX_PIECE, Math.floor((room() / (1 << 20)) * INPUT_PER_MIB)));
    const end = Math.min(data.length, at + size);
    push(data.subarray(at, end), end === data.length, at);
    at = end;
  } while (at < data.length);
}

/**
 * Size of a first output buffer for inflating `deflatedLength` bytes that should give `wanted` bytes: never more
 * than those bytes can expand to nor than `limit`, plus one byte, so that a full buffer means "longer than that".
 */
export function inflateBufferSize(deflatedLength: number, wanted: number, limit: number): number {
  const expandable = Math.ceil((deflatedLength * (1 << 20)) / INPUT_PER_MIB) + 1024;
  return Math.min(wanted, limit, expandable) + 1;
}

/** Inflates with fflate's streaming inflater, stopping as soon as the output passes `limit`. */
function inflateStreaming(deflated: Uint8Array, limit: number, codec: string): Uint8Array {
  const pieces: Uint8Array[] = [];
  let produced = 0;
  let pieceAt = 0;
  const inflater = new Inflate((piece) => {
    produced += piece.length;
    // Located at the input piece that produced the excess.
    if (produced > limit) throw outputLimitError(codec, limit, pieceAt);
    if (piece.length > 0) pieces.push(piece);
  });
  const push = (piece: Uint8Array, final: boolean, pieceStart: number): void => {
    pieceAt = pieceStart;
    inflater.push(piece, final);
  };
  feedInPieces(deflated, push, () => limit - produced);
  return concat(pieces, produced);
}

/**
 * Inflates the raw DEFLATE stream `deflated` (bytes after its final block are ignored, as Go's reader does).
 * @param expectedSize the output size if known or guessed (sizes the first buffer; never trusted), else -1
 * @param sizeIsExact `expectedSize` is the exact size when the stream is intact (gzip's ISIZE); otherwise the
 *   buffer gets 12.5% headroom, because a hint that falls short costs a second, streaming pass
 * @throws {LokiChunkError} `LIMIT_EXCEEDED` past `limit`, `CORRUPT_STREAM`/`TRUNCATED` for a bad stream
 */
export function inflateBounded(
  deflated: Uint8Array,
  limit: number,
  expectedSize: number,
  codec: string,
  sizeIsExact = false,
): Uint8Array {
  if (deflated.length === 0) throw new LokiChunkError('TRUNCATED', `${codec}: empty DEFLATE stream`, { offset: 0 });
  try {
    if (expectedSize >= 0) {
      // The expected size comes from the input (gzip's ISIZE, a chunk's metas): trust it to size a buffer only
      // as far as these bytes could expand. One byte more than allowed: a full buffer means "longer than that".
      const wanted = sizeIsExact ? expectedSize : expectedSize + (expectedSize >>> 3) + 1024;
      const buffer = new Uint8Array(inflateBufferSize(deflated.length, wanted, limit));
      let inflated: Uint8Array | undefined;
      try {
        inflated = inflateSync(deflated, { out: buffer });
      } catch (error) {
        // fflate throws a RangeError when a stored block does not fit: retry without a fixed buffer.
        if (!(error instanceof RangeError)) throw error;
      }
      if (inflated && inflated.length < buffer.length) return inflated;
    }
    return inflateStreaming(deflated, limit, codec);
  } catch (error) {
    throw inflateError(error, codec, deflated.length);
  }
}

/** fflate's "unexpected EOF" error code. */
const FFLATE_UNEXPECTED_EOF = 0;

/**
 * Our error for whatever inflating threw: ours pass through, fflate's are wrapped with their cause. fflate does
 * not say where it failed: a truncation is located at the end of the stream, anything else at its start.
 */
function inflateError(error: unknown, codec: string, streamLength: number): LokiChunkError {
  if (isLokiChunkError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const truncated = (error as { code?: unknown } | null)?.code === FFLATE_UNEXPECTED_EOF;
  return new LokiChunkError(truncated ? 'TRUNCATED' : 'CORRUPT_STREAM', `${codec}: invalid DEFLATE stream: ${reason}`, {
    offset: truncated ? streamLength : 0,
    cause: error,
  });
}

function decompressFlate(data: Uint8Array, options: DecompressOptions): Uint8Array {
  const limit = checkedOutputLimit(options);
  // Without a hint, guess from the typical DEFLATE ratio on logs (below 8); a miss costs a streaming pass.
  return inflateBounded(data, limit, options.sizeHint ? options.sizeHint : data.length * 8, 'flate');
}

/** Loki's `flate` (codec byte 8): raw DEFLATE, as klauspost/compress/flate writes it. */
export const flateCodec: Codec = {
  id: CodecId.flate,
  name: 'flate',
  compress: deflateRaw,
  decompress: decompressFlate,
};
