/**
 * Our DEFLATE compressor: every stream it writes must decode to its input with our inflater, node:zlib and
 * fflate (stored, fixed and dynamic blocks, one and many per stream), and on log text its output must stay the
 * size of zlib level 3's.
 */
import fc from 'fast-check';
import { inflateSync as fflateInflate } from 'fflate';
import { deflateRawSync, gunzipSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { logTextBlock } from '../../bench/data.js';
import { CodecId } from '../../src/compression/codec.js';
import { deflateRaw } from '../../src/compression/deflate/deflate.js';
import { createCodecRegistry } from '../../src/compression/defaults.js';
import { inflateRaw } from '../../src/compression/deflate/inflate.js';
import { goldenStreams } from '../helpers/golden-streams.js';
import { logText, randomBytes } from '../helpers/sample-data.js';

function same(actual: Uint8Array, expected: Uint8Array): boolean {
  return Buffer.compare(actual, expected) === 0;
}

/** Compresses `data` and checks that all three inflaters give it back; returns the stream. */
function roundTrip(data: Uint8Array, what: string): Uint8Array {
  const stream = deflateRaw(data);
  expect(same(inflateRaw(stream, data.length, data.length, 'flate').output, data), `${what}: ours`).toBe(true);
  expect(same(inflateRawSync(stream), data), `${what}: node:zlib`).toBe(true);
  expect(same(fflateInflate(stream), data), `${what}: fflate`).toBe(true);
  return stream;
}

describe('deflateRaw', () => {
  it('writes a valid stream for the empty input and tiny inputs', () => {
    expect(roundTrip(new Uint8Array(0), 'empty').length).toBeLessThanOrEqual(2);
    for (let size = 1; size <= 40; size++) roundTrip(logText(size, size), `${size} bytes`);
    roundTrip(new Uint8Array([0]), 'one zero');
    roundTrip(new Uint8Array(5).fill(7), 'five equal bytes');
  });

  it('handles runs, every byte value, incompressible data and many blocks', () => {
    roundTrip(new Uint8Array(100_000).fill(97), 'one long run (distance 1, length 258)');
    roundTrip(Uint8Array.from({ length: 70_000 }, (_, i) => i & 0xff), 'every byte value, repeated');
    const random = roundTrip(randomBytes(200_000), 'random (stored blocks over 64 KiB)');
    expect(random.length).toBeLessThan(200_000 + 64);
    roundTrip(logText(3 << 20, 9), '3 MiB of log text (many dynamic blocks)');
    const mixed = new Uint8Array(400_000);
    for (let at = 0; at < mixed.length; at += 50_000) mixed.set(at % 100_000 === 0 ? logText(50_000, at) : randomBytes(50_000, at), at);
    roundTrip(mixed, 'log text and random bytes in turn');
  });

  it('round-trips arbitrary bytes, repetitive bytes and log text (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (data) => {
        roundTrip(data, 'arbitrary');
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 1, 97, 98, 255), { maxLength: 70_000 }), (values) => {
        roundTrip(Uint8Array.from(values), 'small alphabet');
      }),
      { numRuns: 40 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300_000 }), fc.integer({ min: 1, max: 1000 }), (size, seed) => {
        roundTrip(logText(size, seed), 'log text');
      }),
      { numRuns: 30 },
    );
  });

  it('compresses an input the same before and after a larger one than its work buffer holds (which replaces it)', () => {
    const block = logText(300_000, 5);
    const prefix = block.subarray(0, 100_000);
    const before = roundTrip(block, 'before');
    const prefixBefore = roundTrip(prefix, 'prefix before');
    // Larger than any input the tests gave it so far, whatever their order: the work input is replaced.
    const large = logText(9 << 20, 6);
    expect(same(inflateRaw(deflateRaw(large), large.length, large.length, 'flate').output, large)).toBe(true);
    // A shorter input than the last, over other bytes the last one left in the work buffer.
    expect(same(roundTrip(prefix, 'prefix after'), prefixBefore)).toBe(true);
    expect(same(roundTrip(block, 'after'), before)).toBe(true);
  });

  it("compresses the benchmark's 256 KiB log block to the size of zlib level 3's", () => {
    const block = logTextBlock();
    const ours = roundTrip(block, 'benchmark block');
    expect(ours.length).toBeLessThanOrEqual(deflateRawSync(block, { level: 3 }).length * 1.01);
  });
});

/**
 * A v4 symbol table of `count` random request IDs: `uvarint 36 | "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"` each;
 * with `podEvery`, a pod name (`uvarint 25 | "checkout-xxxxxxxxxx-xxxxx"`, whose first 10 bytes repeat) after
 * every `podEvery` IDs, as in the benchmark's tables.
 */
function requestIdTable(count: number, podEvery = 0): Uint8Array {
  const random = randomBytes(count * 46, 11);
  const hex = (at: number, length: number) => Array.from(random.subarray(at, at + length), (byte) => '0123456789abcdef'[byte & 15]).join('');
  let text = '';
  for (let id = 0; id < count; id++) {
    const uuid = hex(id * 46, 31);
    text += `$${uuid.slice(0, 8)}-${uuid.slice(8, 12)}-4${uuid.slice(12, 15)}-8${uuid.slice(15, 18)}-${uuid.slice(18, 30)}`;
    if (podEvery > 0 && id % podEvery === 0) text += `\x19checkout-${hex(id * 46 + 31, 10)}-${hex(id * 46 + 41, 5)}`;
  }
  return new TextEncoder().encode(text);
}

describe('deflateRaw on text that does not repeat', () => {
  it('compresses a table of random request IDs as well as zlib level 6 does, though it skips searches there', () => {
    for (const podEvery of [0, 3]) {
      const table = requestIdTable(20_000, podEvery);
      const ours = roundTrip(table, `request IDs, a pod name every ${podEvery}`);
      expect(ours.length).toBeLessThanOrEqual(deflateRawSync(table, { level: 6 }).length * 1.01);
    }
  });

  it('finds the matches after a long run without any', () => {
    const ids = requestIdTable(600); // 22 KiB: the first copy of the text stays in the 32 KiB window
    const text = logText(8_000, 5);
    const data = new Uint8Array(ids.length + 2 * text.length);
    data.set(text, 0);
    data.set(ids, text.length);
    data.set(text, text.length + ids.length);
    const stream = roundTrip(data, 'log text, IDs, the same log text');
    // The repeated log text costs a few dozen long matches, not its own size again.
    expect(stream.length).toBeLessThan(deflateRaw(data.subarray(0, text.length + ids.length)).length + 500);
  });
});

describe('gzip and flate compression of the golden chunks', () => {
  const codecs = createCodecRegistry();
  const streams = goldenStreams().filter((stream) => stream.codecId === CodecId.gzip || stream.codecId === CodecId.flate);

  it('re-compresses every golden gzip and flate payload into streams node:zlib and ours decode', () => {
    expect(streams.length).toBeGreaterThan(10);
    for (const stream of streams) {
      const codec = codecs.get(stream.codecId);
      const decoded = codec.decompress(stream.compressed, { maxOutputSize: 1 << 30 });
      const recompressed = codec.compress(decoded);
      const viaZlib = stream.codecId === CodecId.gzip ? gunzipSync(recompressed) : inflateRawSync(recompressed);
      expect(same(viaZlib, decoded), `${stream.name}: node:zlib`).toBe(true);
      expect(same(codec.decompress(recompressed, { maxOutputSize: decoded.length }), decoded), `${stream.name}: ours`).toBe(true);
    }
  });
});
