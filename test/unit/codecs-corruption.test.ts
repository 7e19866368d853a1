/**
 * Hostile input to every codec we implement: bit flips at every position, truncation at every length, wrong
 * checksums, random bytes behind valid headers and decompression bombs. The only acceptable failure is a
 * LokiChunkError (never a foreign exception, a hang or an output past maxOutputSize).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xxh32 } from '../../src/checksum/xxh32.js';
import type { Codec } from '../../src/compression/codec.js';
import { flateCodec } from '../../src/compression/deflate/flate.js';
import { gzipCodec } from '../../src/compression/deflate/gzip.js';
import { lz4Codec4M, lz4Codec64k } from '../../src/compression/lz4/frame.js';
import { maskedCrc32c, snappyCodec } from '../../src/compression/snappy/frame.js';
import { isLokiChunkError, LokiChunkError, type LokiChunkErrorCode } from '../../src/errors.js';

const LIMIT = 1 << 20;

function logText(size: number): Uint8Array {
  const line = 'ts=2024-03-10T08:00:00Z level=info msg="GET /api/v1/push" status=204 duration=1.2ms\n';
  return new TextEncoder().encode(line.repeat(Math.ceil(size / line.length)).slice(0, size));
}

/** Decodes, requiring a LokiChunkError or an output within the limit; returns the output or the error. */
function attempt(codec: Codec, data: Uint8Array, maxOutputSize = LIMIT): Uint8Array | LokiChunkError {
  try {
    const out = codec.decompress(data, { maxOutputSize });
    expect(out).toBeInstanceOf(Uint8Array);
    expect(out.length).toBeLessThanOrEqual(maxOutputSize);
    return out;
  } catch (error) {
    if (!(error instanceof LokiChunkError)) throw new Error(`foreign error from ${codec.name}: ${String(error)}`, { cause: error });
    return error;
  }
}

function expectCode(result: Uint8Array | LokiChunkError, code: LokiChunkErrorCode): void {
  expect(isLokiChunkError(result) ? result.code : 'no error').toBe(code);
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/** Small streams of each codec: text (compressed blocks) and a few bytes (stored blocks). */
const samples = [logText(400), Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9])];
const codecs: Codec[] = [gzipCodec, flateCodec, lz4Codec64k, snappyCodec];

describe.each(codecs.map((codec) => [codec.name, codec] as const))('%s on corrupt input', (_name, codec) => {
  it('bit flips at every position raise only LokiChunkError', () => {
    for (const sample of samples) {
      const stream = codec.compress(sample);
      for (let at = 0; at < stream.length; at++) {
        for (let bit = 0; bit < 8; bit++) {
          const flipped = stream.slice();
          flipped[at]! ^= 1 << bit;
          const result = attempt(codec, flipped);
          // gzip's CRC-32 catches every change to the data; only header bytes it does not cover may change.
          if (codec === gzipCodec && result instanceof Uint8Array) expect(same(result, sample), `flip at ${at}`).toBe(true);
        }
      }
    }
  });

  it('truncation at every length raises only LokiChunkError', () => {
    for (const sample of samples) {
      const stream = codec.compress(sample);
      for (let length = 1; length < stream.length; length++) {
        const result = attempt(codec, stream.subarray(0, length));
        // A snappy stream identifier alone is a valid empty stream (golang/snappy reads it so).
        if (codec === snappyCodec && length === 10) {
          expect(result).toHaveLength(0);
          continue;
        }
        // One frame (lz4), one member (gzip), one chunk (snappy, under 64 KiB) or one DEFLATE stream: any cut is an error.
        expect(result instanceof LokiChunkError, `cut at ${length}`).toBe(true);
      }
    }
  });

  it('random bytes, alone or behind a valid stream start, raise only LokiChunkError', () => {
    const prefix = codec.compress(logText(200)).subarray(0, codec === flateCodec ? 0 : 12);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, withPrefix) => {
        attempt(codec, withPrefix ? Uint8Array.from([...prefix, ...bytes]) : bytes);
      }),
      { numRuns: 400 },
    );
  });

  it('a decompression bomb gives LIMIT_EXCEEDED', () => {
    const zeros = new Uint8Array(8 << 20);
    const bomb = codec.compress(zeros);
    expect(bomb.length).toBeLessThan(zeros.length / 16);
    expectCode(attempt(codec, bomb, 1 << 20), 'LIMIT_EXCEEDED');
    expectCode(attempt(codec, bomb, zeros.length - 1), 'LIMIT_EXCEEDED');
    expect(attempt(codec, bomb, zeros.length)).toHaveLength(zeros.length);
  });
});

describe('checksums and lying sizes', () => {
  it('gzip: a small ISIZE in front of a large body still stops at the limit', () => {
    const bomb = gzipCodec.compress(new Uint8Array(4 << 20));
    bomb.set([100, 0, 0, 0], bomb.length - 4);
    expectCode(attempt(gzipCodec, bomb, 1 << 20), 'LIMIT_EXCEEDED');
    expectCode(attempt(gzipCodec, bomb, 8 << 20), 'CORRUPT_STREAM');
  });

  it('flate: a small size hint in front of a large body still stops at the limit', () => {
    const bomb = flateCodec.compress(new Uint8Array(4 << 20));
    expect(() => flateCodec.decompress(bomb, { maxOutputSize: 1 << 20, sizeHint: 100 })).toThrowError(
      expect.objectContaining({ code: 'LIMIT_EXCEEDED' }),
    );
  });

  it('lz4: wrong content checksums are refused', () => {
    const data = logText(3000);
    const frame = lz4Codec4M.compress(data);
    // Re-flag the frame with a content checksum (FLG 0x64) and append it.
    const descriptor = Uint8Array.from([0x64, 0x70]);
    const withChecksum = Uint8Array.from([...frame.subarray(0, 4), ...descriptor, (xxh32(descriptor) >>> 8) & 0xff, ...frame.subarray(7), 0, 0, 0, 0]);
    new DataView(withChecksum.buffer).setUint32(withChecksum.length - 4, xxh32(data), true);
    expect(same(lz4Codec4M.decompress(withChecksum, { maxOutputSize: LIMIT }), data)).toBe(true);
    withChecksum[withChecksum.length - 1]! ^= 0x10;
    expectCode(attempt(lz4Codec4M, withChecksum), 'CHECKSUM_MISMATCH');
  });

  it('lz4: a block whose match length runs past the block maximum is refused', () => {
    // One 64 KiB-frame block: a literal, then a match of 70000 bytes at distance 1.
    const extra = 70000 - 19;
    const block = [0x1f, 0x41, 1, 0, ...new Array(Math.floor(extra / 255)).fill(255), extra % 255, 0x10, 0x42];
    const frame = Uint8Array.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82, block.length & 0xff, block.length >> 8, 0, 0, ...block, 0, 0, 0, 0]);
    expectCode(attempt(lz4Codec64k, frame), 'CORRUPT_STREAM');
  });

  it('snappy: a chunk that decodes to less than it declares is refused', () => {
    const data = logText(1000);
    const stream = snappyCodec.compress(data);
    // Declared length 1000 (varint e8 07) -> 1001 (e9 07): the elements fall one byte short.
    expect([...stream.subarray(18, 20)]).toEqual([0xe8, 0x07]);
    stream[18] = 0xe9;
    expectCode(attempt(snappyCodec, stream), 'CORRUPT_STREAM');
    expect(maskedCrc32c(data)).toBe(new DataView(stream.buffer).getUint32(14, true));
  });
});
