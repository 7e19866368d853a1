/**
 * Our raw DEFLATE decoder against zlib (node:zlib) on the same streams: zlib-made streams at every level and
 * strategy, every bit flip and truncation of small streams, and random bytes. It must accept exactly what zlib
 * accepts, with the same output, and fail only with LokiChunkError.
 */
import fc from 'fast-check';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateRaw } from '../../src/compression/deflate/inflate.js';
import { isLokiChunkError } from '../../src/errors.js';
import { logText } from '../helpers/sample-data.js';

const LIMIT = 4 << 20;

/** zlib's verdict: its output, or `error`. */
function zlibInflate(stream: Uint8Array): Uint8Array | 'error' {
  try {
    return inflateRawSync(stream);
  } catch {
    return 'error';
  }
}

/** Ours: the output, or `error` (only a LokiChunkError is allowed). */
function ourInflate(stream: Uint8Array, expectedSize = 0): Uint8Array | 'error' {
  try {
    return inflateRaw(stream, LIMIT, expectedSize, 'flate').output;
  } catch (error) {
    if (!isLokiChunkError(error)) throw new Error(`foreign error: ${String(error)}`, { cause: error });
    return 'error';
  }
}

function expectAsZlib(stream: Uint8Array, what: string): void {
  const expected = zlibInflate(stream);
  const actual = ourInflate(stream, 100);
  if (expected === 'error') expect(actual, what).toBe('error');
  else {
    expect(actual, what).not.toBe('error');
    expect(Buffer.compare(actual as Uint8Array, expected), what).toBe(0);
  }
}

describe('inflateRaw', () => {
  it('decodes zlib streams of every level and strategy (stored, fixed, dynamic blocks), whatever the size guess', () => {
    const inputs = [new Uint8Array(0), logText(1), logText(300), logText(1 << 20, 7), new Uint8Array(100_000).map((_, i) => (i * i) >>> 5)];
    for (const data of inputs) {
      for (let level = 0; level <= 9; level++) {
        for (const strategy of [0, 1, 2, 3, 4]) {
          const stream = deflateRawSync(data, { level, strategy });
          for (const guess of [0, data.length, data.length >> 1]) {
            const inflated = inflateRaw(stream, LIMIT, guess, 'flate');
            expect(Buffer.compare(inflated.output, data), `level ${level} strategy ${strategy}`).toBe(0);
            expect(inflated.end).toBe(stream.length);
          }
        }
      }
    }
  });

  it('says where the stream ends and ignores what follows', () => {
    const stream = deflateRawSync(logText(5000), { level: 6 });
    const followed = Uint8Array.from([...stream, 0xff, 0x00, 0x12]);
    const inflated = inflateRaw(followed, LIMIT, 0, 'flate');
    expect(inflated.end).toBe(stream.length);
    expect(Buffer.compare(inflated.output, logText(5000))).toBe(0);
  });

  it('stops at the limit', () => {
    const stream = deflateRawSync(new Uint8Array(3 << 20));
    expect(() => inflateRaw(stream, 1 << 20, 0, 'flate')).toThrowError(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
    expect(inflateRaw(stream, 3 << 20, 0, 'flate').output).toHaveLength(3 << 20);
  });

  it('refuses what zlib refuses: bad block type, stored lengths, far distances, bad codes', () => {
    const cases: Record<string, number[]> = {
      'block type 3': [0x07, 0x00],
      'stored NLEN mismatch': [0x01, 0x05, 0x00, 0xfa, 0xfe, 1, 2, 3, 4, 5],
      // Fixed block: a length-3 match (code 257) with distance 1 and nothing before it.
      'distance too far back': [0x03, 0x02, 0x00],
      'empty input': [],
    };
    for (const [what, bytes] of Object.entries(cases)) {
      expect(zlibInflate(Uint8Array.from(bytes)), what).toBe('error');
      expect(ourInflate(Uint8Array.from(bytes)), what).toBe('error');
    }
  });

  it('agrees with zlib on every bit flip and every truncation', () => {
    const streams = [
      deflateRawSync(logText(700), { level: 6 }),
      deflateRawSync(logText(700), { level: 1, strategy: 4 }),
      deflateRawSync(logText(40), { level: 0 }),
      deflateRawSync(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), { level: 9 }),
      deflateRawSync(logText(3000), { level: 9, strategy: 2 }),
    ];
    for (const [index, stream] of streams.entries()) {
      for (let at = 0; at < stream.length; at++) {
        for (let bit = 0; bit < 8; bit++) {
          const flipped = stream.slice();
          flipped[at]! ^= 1 << bit;
          expectAsZlib(flipped, `stream ${index} flip ${at}.${bit}`);
        }
      }
      for (let length = 0; length < stream.length; length++) {
        expect(ourInflate(stream.subarray(0, length)), `stream ${index} cut at ${length}`).toBe('error');
      }
    }
  });

  it('agrees with zlib on random bytes, alone and behind a dynamic block header', () => {
    const header = deflateRawSync(logText(2000), { level: 6 }).subarray(0, 40);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, prefixed) => {
        expectAsZlib(prefixed ? Uint8Array.from([...header, ...bytes]) : bytes, 'random');
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});
