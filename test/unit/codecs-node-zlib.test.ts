/**
 * gzip and flate over node:zlib (the Node entry point's `nodeZlibCodecs`) against the pure codecs on the same
 * input: golden streams, zlib-made streams at every level, several members, trailing bytes, corrupt and
 * truncated streams and output limits. Both must return the same bytes or throw the same code at the same offset.
 */
import { deflateRawSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readChunk } from '../../src/chunk/chunk.js';
import type { Codec, DecompressOptions } from '../../src/compression/codec.js';
import { flateCodec } from '../../src/compression/deflate/flate.js';
import { gzipCodec } from '../../src/compression/deflate/gzip.js';
import { createZlibCodecs, type ZlibFunctions } from '../../src/compression/deflate/zlib-codecs.js';
import { isLokiChunkError } from '../../src/errors.js';
import { createNodeCodecRegistry, nodeZlibCodecs } from '../../src/node.js';
import { goldenBytes, loadGoldenCases } from '../helpers/golden-cases.js';
import { goldenStreams } from '../helpers/golden-streams.js';
import { logText } from '../helpers/sample-data.js';

const nodeGzip = nodeZlibCodecs.find((codec) => codec.name === 'gzip')!;
const nodeFlate = nodeZlibCodecs.find((codec) => codec.name === 'flate')!;
const pairs = [
  ['gzip', gzipCodec, nodeGzip],
  ['flate', flateCodec, nodeFlate],
] as const;
const LIMIT = 1 << 20;

/** What a decoder did: its output, or its error's code and offset. */
function outcome(codec: Codec, data: Uint8Array, options: DecompressOptions): string | Uint8Array {
  try {
    const out = codec.decompress(data, options);
    expect(out.length).toBeLessThanOrEqual(options.maxOutputSize);
    return out;
  } catch (error) {
    if (!isLokiChunkError(error)) throw new Error(`foreign error from ${codec.name}: ${String(error)}`, { cause: error });
    return `${error.code} at ${error.offset}`;
  }
}

/** Both codecs agree on `data`: same bytes, or the same error code at the same offset. */
function expectSame(pure: Codec, native: Codec, data: Uint8Array, options: DecompressOptions = { maxOutputSize: LIMIT }, what = ''): void {
  const expected = outcome(pure, data, options);
  const actual = outcome(native, data, options);
  if (typeof expected === 'string') expect(actual, what).toBe(expected);
  else {
    expect(typeof actual, what).not.toBe('string');
    expect(Buffer.compare(actual as Uint8Array, expected), what).toBe(0);
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

describe('node:zlib codecs', () => {
  it('are gzip and flate with the pure codecs\' bytes and names, and a registry holds them', () => {
    expect(nodeGzip).toMatchObject({ id: gzipCodec.id, name: 'gzip' });
    expect(nodeFlate).toMatchObject({ id: flateCodec.id, name: 'flate' });
    const registry = createNodeCodecRegistry();
    expect(registry.get('gzip')).toBe(nodeGzip);
    expect(registry.get(8)).toBe(nodeFlate);
    expect(registry.get('snappy').name).toBe('snappy');
  });

  it('decode every golden gzip and flate stream as the pure codecs do, with and without the size hint', () => {
    const streams = goldenStreams().filter((stream) => stream.codecId === 1 || stream.codecId === 8);
    expect(streams.length).toBeGreaterThan(50);
    for (const stream of streams) {
      const [, pure, native] = stream.codecId === 1 ? pairs[0] : pairs[1];
      const hint = stream.kind === 'block' ? stream.golden.blocks[stream.block!]!.uncompressedSize : undefined;
      expectSame(pure, native, stream.compressed, { maxOutputSize: 1 << 30, sizeHint: hint }, stream.name);
      expectSame(pure, native, stream.compressed, { maxOutputSize: 1 << 30 }, stream.name);
    }
  });

  it('read the golden gzip and flate chunks as the default registry does', () => {
    const registry = createNodeCodecRegistry();
    const cases = loadGoldenCases().filter((golden) => golden.format === 1 || ['gzip', 'flate'].includes(golden.encoding.name));
    expect(cases.length).toBeGreaterThan(5);
    for (const golden of cases) {
      const bytes = goldenBytes(`${golden.case}.chunk`);
      const lines = (codecs?: typeof registry) => [...readChunk(bytes, { codecs }).entries()].map((entry) => entry.line);
      expect(lines(registry), golden.case).toEqual(lines());
    }
  });

  it.each(pairs)('%s: round-trips through both codecs and returns plain Uint8Arrays', (_name, pure, native) => {
    for (const size of [0, 1, 100, 70_000, 300_000]) {
      const data = logText(size, size);
      const compressed = native.compress(data);
      expect(Object.getPrototypeOf(compressed)).toBe(Uint8Array.prototype);
      for (const decoder of [pure, native]) {
        const back = decoder.decompress(compressed, { maxOutputSize: size, sizeHint: size });
        expect(Object.getPrototypeOf(back)).toBe(Uint8Array.prototype);
        expect(Buffer.compare(back, data)).toBe(0);
      }
      expect(Buffer.compare(native.decompress(pure.compress(data), { maxOutputSize: size }), data)).toBe(0);
    }
  });

  it('gzip members carry Loki\'s header and the CRC-32 and size', () => {
    const data = logText(5000);
    const member = nodeGzip.compress(data);
    expect([...member.subarray(0, 10)]).toEqual([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x09, 0x6e, 0x88, 0x00, 0xff]);
    expect(Buffer.compare(member.subarray(member.length - 8), gzipCodec.compress(data).subarray(-8))).toBe(0);
  });

  it.each(pairs)('%s: decode zlib-made streams at every level, stored, fixed and dynamic blocks', (name, pure, native) => {
    for (const data of [logText(200_000), logText(40), new Uint8Array(70_000).map((_, i) => (i * 7919) >>> 3), new Uint8Array(0)]) {
      for (let level = 0; level <= 9; level++) {
        for (const strategy of [0, 2 /* huffman only */, 3 /* RLE */, 4 /* fixed */]) {
          const stream = name === 'gzip' ? gzipSync(data, { level, strategy }) : deflateRawSync(data, { level, strategy });
          expectSame(pure, native, stream, { maxOutputSize: LIMIT }, `level ${level} strategy ${strategy}`);
          expectSame(pure, native, stream, { maxOutputSize: LIMIT, sizeHint: data.length }, `level ${level} hinted`);
        }
      }
    }
  });

  it('gzip: several members, trailing zeros or garbage, and junk before the trailer are judged as the pure codec does', () => {
    const a = gzipCodec.compress(logText(3000, 1));
    const b = nodeGzip.compress(logText(500, 2));
    const empty = gzipSync(new Uint8Array(0));
    const junkBeforeTrailer = concat(a.subarray(0, a.length - 8), Uint8Array.of(0, 0), a.subarray(a.length - 8));
    for (const stream of [
      concat(a, b),
      concat(a, b, a),
      concat(empty, a, empty),
      concat(a, new Uint8Array(4)),
      concat(a, new Uint8Array(30)),
      concat(a, Uint8Array.of(0x1f)),
      concat(a, Uint8Array.of(0x1f, 0x8b)),
      concat(a, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20)),
      concat(a, b.subarray(0, 20)),
      junkBeforeTrailer,
    ]) {
      expectSame(gzipCodec, nodeGzip, stream);
      expectSame(gzipCodec, nodeGzip, stream, { maxOutputSize: 3400 });
    }
    // The last trailer matches the first member's content: still three members, as Go's multistream reader reads.
    const three = gzipCodec.decompress(concat(a, b, a), { maxOutputSize: LIMIT });
    expect(Buffer.compare(three, concat(logText(3000, 1), logText(500, 2), logText(3000, 1)))).toBe(0);
    expect(gzipCodec.decompress(concat(empty, a, empty), { maxOutputSize: LIMIT })).toHaveLength(3000);
  });

  it('flate: bytes after the final block are ignored, as by the pure codec', () => {
    const stream = nodeFlate.compress(logText(3000));
    for (const tail of [Uint8Array.of(0), Uint8Array.of(0xff, 0xff, 0xff), nodeFlate.compress(logText(10))]) {
      expectSame(flateCodec, nodeFlate, concat(stream, tail));
    }
  });

  it.each(pairs)('%s: every bit flip and every truncation gives the pure codec\'s output or error', (_name, pure, native) => {
    for (const sample of [logText(600), Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9])]) {
      for (const stream of [pure.compress(sample), native.compress(sample)]) {
        for (let at = 0; at < stream.length; at++) {
          for (let bit = 0; bit < 8; bit++) {
            const flipped = stream.slice();
            flipped[at]! ^= 1 << bit;
            expectSame(pure, native, flipped, { maxOutputSize: LIMIT }, `flip ${at}.${bit}`);
          }
        }
        for (let length = 0; length < stream.length; length++) {
          expectSame(pure, native, stream.subarray(0, length), { maxOutputSize: LIMIT }, `cut at ${length}`);
        }
      }
    }
  });

  it.each(pairs)('%s: output limits and bombs give the pure codec\'s error', (_name, pure, native) => {
    const data = logText(100_000);
    const bomb = new Uint8Array(4 << 20);
    for (const stream of [native.compress(data), pure.compress(data)]) {
      for (const maxOutputSize of [0, 1, 99_999, 100_000, 100_001]) {
        expectSame(pure, native, stream, { maxOutputSize }, `limit ${maxOutputSize}`);
        expectSame(pure, native, stream, { maxOutputSize, sizeHint: 10 }, `limit ${maxOutputSize}, small hint`);
        expectSame(pure, native, stream, { maxOutputSize, sizeHint: 1 << 30 }, `limit ${maxOutputSize}, huge hint`);
      }
    }
    expectSame(pure, native, native.compress(bomb), { maxOutputSize: 1 << 20 });
    expect(() => native.decompress(native.compress(data), { maxOutputSize: -1 })).toThrow(/maxOutputSize/);
  });

  it('gzip: a lying ISIZE neither allocates past what the input can expand to nor changes the outcome', () => {
    const stream = nodeGzip.compress(logText(1000));
    const lying = stream.slice();
    lying.set([0xff, 0xff, 0xff, 0x3f], lying.length - 4);
    expectSame(gzipCodec, nodeGzip, lying, { maxOutputSize: 1 << 30 });
  });

  it('hand to the pure codec whatever zlib fails on or does not consume to its end', () => {
    const fake: ZlibFunctions = {
      gunzip: (data) => ({ output: new Uint8Array(0), consumed: data.length - 1 }),
      inflateRaw: () => {
        throw new Error('zlib: invalid stored block lengths');
      },
      deflateRaw: (data) => flateCodec.compress(data),
      crc32: () => 0,
    };
    const codecs = createZlibCodecs(fake);
    const data = logText(1000);
    expect(Buffer.compare(codecs.gzip.decompress(gzipCodec.compress(data), { maxOutputSize: LIMIT }), data)).toBe(0);
    expect(Buffer.compare(codecs.flate.decompress(flateCodec.compress(data), { maxOutputSize: LIMIT }), data)).toBe(0);
  });
});
