/**
 * The codec interface: one compressed stream in, its bytes out, as Loki frames them (see docs/format.md).
 */
import type { ByteWriter } from '../binary/byte-writer.js';
import { ReusedBuffer } from './output-buffer.js';

/** Loki's codec bytes (`pkg/compression`), as stored in a chunk header. */
export const CodecId = {
  none: 0,
  gzip: 1,
  /** Loki's `dumb` codec: recognised, never supported (Loki cannot read it either). */
  dumb: 2,
  'lz4-64k': 3,
  snappy: 4,
  'lz4-256k': 5,
  'lz4-1M': 6,
  /** LZ4 with 4 MiB frame blocks; Loki calls it `lz4`. */
  lz4: 7,
  flate: 8,
  zstd: 9,
} as const;

/** Loki's name for a codec (`Codec.String()` in Go). */
export type CodecName = keyof typeof CodecId;

/** Options every decompressor honours. */
export interface DecompressOptions {
  /**
   * Refuse (with `LIMIT_EXCEEDED`) to produce more than this many bytes. Guards against decompression
   * bombs: a few bytes that claim or produce gigabytes.
   */
  maxOutputSize: number;
  /** A hint of the expected output size, used only to size buffers (never trusted as a bound). */
  sizeHint?: number;
}

/** A compression codec as Loki uses it. */
export interface Codec {
  /** Loki's codec byte. */
  readonly id: number;
  /** Loki's codec name. */
  readonly name: string;
  /** Compresses `data` into one stream framed as Loki's Go writer frames it. */
  compress(data: Uint8Array): Uint8Array;
  /**
   * Decompresses one stream, verifying every checksum the stream carries.
   * @throws {LokiChunkError} `CORRUPT_STREAM`, `CHECKSUM_MISMATCH`, `TRUNCATED` or `LIMIT_EXCEEDED`; offsets
   *   are relative to `data`.
   */
  decompress(data: Uint8Array, options: DecompressOptions): Uint8Array;
}

/** Default decompressed-size limit: 1 GiB, Loki's own cap on one line. */
export const DEFAULT_MAX_DECOMPRESSED_SIZE = 1 << 30;

/** Compresses `data` as a codec's `compress` does, appending the stream to `out` instead of returning it. */
export type CompressTo = (data: Uint8Array, out: ByteWriter) => void;

/** The built-in codecs that compress straight into a `ByteWriter`. */
const directCompressors = /*#__PURE__*/ new WeakMap<Codec, CompressTo>();

/**
 * @internal Gives a built-in `codec` its direct path for {@link compressInto}. Kept off the `Codec` interface so
 * that a copy of a built-in codec with its own `compress` (`{ ...snappyCodec, compress }`) is used through it.
 */
export function withCompressTo<C extends Codec>(codec: C, compressTo: CompressTo): C {
  directCompressors.set(codec, compressTo);
  return codec;
}

/**
 * @internal Appends the stream `codec.compress(data)` returns to `out`: written there directly by the built-in
 * codecs that can (snappy, lz4, none), which saves allocating, zero-filling and copying an array per block.
 */
export function compressInto(codec: Codec, data: Uint8Array, out: ByteWriter): void {
  const direct = directCompressors.get(codec);
  if (direct) direct(data, out);
  else out.bytes(codec.compress(data));
}

/** How a built-in compressor writes its stream into a buffer it is given. */
export interface StreamWriter {
  /** The most bytes the stream of `length` bytes of data takes. */
  bound(length: number): number;
  /** Writes the stream of `data` at `out[at]`, which has room for {@link bound}; returns the stream's end. */
  write(data: Uint8Array, out: Uint8Array, at: number): number;
}

/**
 * @internal A built-in codec from its compressor's {@link StreamWriter}: `compress` writes the stream into a
 * buffer kept from call to call and copies it out; {@link compressInto} writes it straight into the writer's.
 */
export function streamWritingCodec(codec: Omit<Codec, 'compress'>, stream: StreamWriter): Codec {
  const scratch = new ReusedBuffer();
  return withCompressTo(
    {
      id: codec.id,
      name: codec.name,
      compress(data) {
        const out = scratch.get(stream.bound(data.length));
        return out.slice(0, stream.write(data, out, 0));
      },
      decompress: codec.decompress,
    },
    (data, writer) => {
      const out = writer.room(stream.bound(data.length));
      writer.length = stream.write(data, out, writer.length);
    },
  );
}
