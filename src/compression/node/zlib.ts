/**
 * Loki's gzip and flate codecs over `node:zlib` (native C), for Node only: the pure-TypeScript codecs'
 * semantics (see `../deflate/zlib-codecs.ts`) with zlib doing the work.
 */
import { constants as bufferConstants } from 'node:buffer';
import * as zlib from 'node:zlib';
import { crc32 } from '../../checksum/crc32.js';
import type { Codec } from '../codec.js';
import { createCodecRegistry } from '../defaults.js';
import type { CodecRegistry } from '../registry.js';
import { createZlibCodecs, type ZlibFunctions } from '../deflate/zlib-codecs.js';

/** zlib's smallest output chunk. */
const MIN_CHUNK = 64;

/** zlib's output options: fail past `maxOutput`; write into one buffer of `bufferSize` first. */
function outputOptions(maxOutput: number, bufferSize: number): zlib.ZlibOptions {
  return {
    maxOutputLength: Math.max(1, Math.min(maxOutput, bufferConstants.MAX_LENGTH)),
    chunkSize: Math.max(MIN_CHUNK, bufferSize),
  };
}

/** A plain Uint8Array over zlib's output, so that `slice()` copies as callers expect (a Node Buffer's does not). */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `node:zlib` as the zlib codecs use it (`zlib.crc32` is Node 20.15+/22.2+; older Node gets ours). */
const NODE_ZLIB: ZlibFunctions = {
  gunzip(data, maxOutput, bufferSize) {
    const options = { ...outputOptions(maxOutput, bufferSize), info: true };
    const { buffer, engine } = zlib.gunzipSync(data, options) as unknown as { buffer: Uint8Array; engine: zlib.Gunzip };
    return { output: plain(buffer), consumed: engine.bytesWritten };
  },
  inflateRaw: (data, maxOutput, bufferSize) => plain(zlib.inflateRawSync(data, outputOptions(maxOutput, bufferSize))),
  // memLevel 9 (zlib's largest hash table): 5-8% faster than the default 8 on log blocks, and 0.1% smaller.
  deflateRaw: (data, level) => plain(zlib.deflateRawSync(data, { level, memLevel: 9 })),
  crc32: typeof zlib.crc32 === 'function' ? (data) => zlib.crc32(data) : (data) => crc32(data),
};

/**
 * Loki's `gzip` and `flate` codecs over `node:zlib`: the same codec bytes, names, output and errors as the
 * built-in pure-TypeScript ones; on the benchmark chunks ~1.5x as fast to decompress and ~1.15x to compress.
 * Register them on a registry (or use {@link createNodeCodecRegistry}).
 */
export const nodeZlibCodecs: readonly Codec[] = /*#__PURE__*/ Object.values(createZlibCodecs(NODE_ZLIB));

/** A new registry holding every built-in codec, with gzip and flate over `node:zlib`. */
export function createNodeCodecRegistry(): CodecRegistry {
  const registry = createCodecRegistry();
  for (const codec of nodeZlibCodecs) registry.register(codec, { verify: false });
  return registry;
}
