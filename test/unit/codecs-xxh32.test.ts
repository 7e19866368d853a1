import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xxh32 } from '../../src/checksum/xxh32.js';

const PRIME32 = 2654435761;
const ascii = (text: string) => new TextEncoder().encode(text);

/** xxHash's sanity-check buffer (`XSUM_fillTestBuffer`). */
function sanityBuffer(length: number): Uint8Array {
  const buffer = new Uint8Array(length);
  let generator = BigInt(PRIME32);
  for (let i = 0; i < length; i++) {
    buffer[i] = Number(generator >> 56n);
    generator = (generator * 11400714785074694797n) & ((1n << 64n) - 1n);
  }
  return buffer;
}

/** A straightforward XXH32 on BigInt arithmetic, independent of the 32-bit implementation. */
function referenceXxh32(data: Uint8Array, seed = 0): number {
  const M = (1n << 32n) - 1n;
  const [P1, P2, P3, P4, P5] = [2654435761n, 2246822519n, 3266489917n, 668265263n, 374761393n];
  const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (32n - r))) & M;
  const u32 = (at: number) => BigInt(data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16)) + (BigInt(data[at + 3]!) << 24n);
  const round = (acc: bigint, lane: bigint) => (rotl((acc + lane * P2) & M, 13n) * P1) & M;
  const s = BigInt(seed);
  let at = 0;
  let hash: bigint;
  if (data.length >= 16) {
    const acc = [(s + P1 + P2) & M, (s + P2) & M, s, (s - P1 + (1n << 32n)) & M];
    for (; at + 16 <= data.length; at += 16) for (let lane = 0; lane < 4; lane++) acc[lane] = round(acc[lane]!, u32(at + lane * 4));
    hash = (rotl(acc[0]!, 1n) + rotl(acc[1]!, 7n) + rotl(acc[2]!, 12n) + rotl(acc[3]!, 18n)) & M;
  } else {
    hash = (s + P5) & M;
  }
  hash = (hash + BigInt(data.length)) & M;
  for (; at + 4 <= data.length; at += 4) hash = (rotl((hash + u32(at) * P3) & M, 17n) * P4) & M;
  for (; at < data.length; at++) hash = (rotl((hash + BigInt(data[at]!) * P5) & M, 11n) * P1) & M;
  hash = ((hash ^ (hash >> 15n)) * P2) & M;
  hash = ((hash ^ (hash >> 13n)) * P3) & M;
  return Number(hash ^ (hash >> 16n));
}

describe('xxh32', () => {
  it('matches the published vectors', () => {
    expect(xxh32(ascii(''))).toBe(0x02cc5d05);
    expect(xxh32(ascii('a'))).toBe(0x550d7456);
    expect(xxh32(ascii('abc'))).toBe(0x32d153ff);
    expect(xxh32(ascii('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
  });

  it("matches xxHash's sanity-check table", () => {
    const buffer = sanityBuffer(222);
    const table: Array<[number, number, number]> = [
      [0, 0, 0x02cc5d05],
      [0, PRIME32, 0x36b78ae7],
      [1, 0, 0xcf65b03e],
      [1, PRIME32, 0xb4545aa4],
      [14, 0, 0x1208e7e2],
      [14, PRIME32, 0x6af1d1fe],
      [222, 0, 0x5bd11dbd],
      [222, PRIME32, 0x58803c5f],
    ];
    for (const [length, seed, expected] of table) expect(xxh32(buffer, 0, length, seed)).toBe(expected);
  });

  it('gives the LZ4 frame header checksum bytes Loki writes', () => {
    // FLG 0x60 with BD 0x40/0x50/0x60/0x70 -> HC 0x82/0xfb/0x51/0x73 (pierrec/lz4 frames in the golden chunks).
    const expected = [0x82, 0xfb, 0x51, 0x73];
    [0x40, 0x50, 0x60, 0x70].forEach((bd, i) => expect((xxh32(new Uint8Array([0x60, bd])) >>> 8) & 0xff).toBe(expected[i]));
  });

  it('agrees with a BigInt reference on arbitrary input, ranges and seeds', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(20), fc.nat(20), fc.integer({ min: 0, max: 0xffffffff }), (bytes, cutStart, cutEnd, seed) => {
        const start = Math.min(cutStart, bytes.length);
        const end = Math.max(start, bytes.length - cutEnd);
        expect(xxh32(bytes, start, end, seed)).toBe(referenceXxh32(bytes.subarray(start, end), seed));
      }),
      { numRuns: 300 },
    );
  });
});
