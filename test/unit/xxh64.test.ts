import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { xxh64, xxh64Low32 } from '../../src/checksum/xxh64.js';

const PRIME32 = 2654435761n;
const PRIME64 = 11400714785074694797n;
const MASK = (1n << 64n) - 1n;

/** xxHash's sanity-check buffer (`XSUM_fillTestBuffer`). */
function sanityBuffer(length: number): Uint8Array {
  const buffer = new Uint8Array(length);
  let generator = PRIME32;
  for (let i = 0; i < length; i++) {
    buffer[i] = Number(generator >> 56n);
    generator = (generator * PRIME64) & MASK;
  }
  return buffer;
}

/** A straightforward BigInt XXH64, independent of the 32-bit-halves implementation. */
function referenceXxh64(data: Uint8Array, seed = 0n): bigint {
  const P1 = 0x9e3779b185ebca87n;
  const P2 = 0xc2b2ae3d27d4eb4fn;
  const P3 = 0x165667b19e3779f9n;
  const P4 = 0x85ebca77c2b2ae63n;
  const P5 = 0x27d4eb2f165667c5n;
  const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & MASK;
  const round = (acc: bigint, lane: bigint) => (rotl((acc + lane * P2) & MASK, 31n) * P1) & MASK;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  let hash: bigint;
  if (data.length >= 32) {
    const acc = [(seed + P1 + P2) & MASK, (seed + P2) & MASK, seed, (seed - P1) & MASK];
    for (; at + 32 <= data.length; at += 32) {
      for (let lane = 0; lane < 4; lane++) acc[lane] = round(acc[lane]!, view.getBigUint64(at + lane * 8, true));
    }
    hash = (rotl(acc[0]!, 1n) + rotl(acc[1]!, 7n) + rotl(acc[2]!, 12n) + rotl(acc[3]!, 18n)) & MASK;
    for (const value of acc) hash = (((hash ^ round(0n, value)) * P1) + P4) & MASK;
  } else {
    hash = (seed + P5) & MASK;
  }
  hash = (hash + BigInt(data.length)) & MASK;
  for (; at + 8 <= data.length; at += 8) {
    hash = ((rotl(hash ^ round(0n, view.getBigUint64(at, true)), 27n) * P1) + P4) & MASK;
  }
  if (at + 4 <= data.length) {
    hash = ((rotl(hash ^ ((BigInt(view.getUint32(at, true)) * P1) & MASK), 23n) * P2) + P3) & MASK;
    at += 4;
  }
  for (; at < data.length; at++) hash = (rotl(hash ^ ((BigInt(data[at]!) * P5) & MASK), 11n) * P1) & MASK;
  hash ^= hash >> 33n;
  hash = (hash * P2) & MASK;
  hash ^= hash >> 29n;
  hash = (hash * P3) & MASK;
  return hash ^ (hash >> 32n);
}

describe('xxh64', () => {
  it('matches the published sanity-check vectors (xxHash cli/xsum_sanity_check.c)', () => {
    const cases: [number, bigint, bigint][] = [
      [0, 0n, 0xef46db3751d8e999n],
      [0, PRIME32, 0xac75fda2929b17efn],
      [1, 0n, 0xe934a84adb052768n],
      [1, PRIME32, 0x5014607643a9b4c3n],
      [4, 0n, 0x9136a0dca57457een],
      [14, 0n, 0x8282dcc4994e35c8n],
      [14, PRIME32, 0xc3bd6bf63deb6df0n],
      [222, 0n, 0xb641ae8cb691c174n],
      [222, PRIME32, 0x20cb8ab7ae10c14an],
    ];
    for (const [length, seed, expected] of cases) {
      expect(xxh64(sanityBuffer(length), seed)).toBe(expected);
    }
  });

  it('gives the lower 32 bits zstd stores, over any sub-range', () => {
    const data = sanityBuffer(222);
    expect(xxh64Low32(data)).toBe(0xb691c174);
    expect(xxh64Low32(data, 10, 100)).toBe(Number(xxh64(data.subarray(10, 100)) & 0xffffffffn));
  });

  it('agrees with a BigInt reference on arbitrary data and seeds', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.bigInt({ min: 0n, max: MASK }), (data, seed) => {
        expect(xxh64(data, seed)).toBe(referenceXxh64(data, seed));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same result at any alignment and across its copy buffer', () => {
    const data = sanityBuffer(200_000);
    for (let shift = 0; shift < 4; shift++) {
      const view = data.subarray(shift, shift + 150_000);
      const copy = view.slice();
      expect(xxh64(view)).toBe(xxh64(copy));
      expect(xxh64Low32(data, shift, shift + 150_000)).toBe(Number(xxh64(copy) & 0xffffffffn));
    }
    expect(xxh64(data.subarray(1, 1001))).toBe(referenceXxh64(data.subarray(1, 1001)));
    // Longer than one call of the stripe loop (4 KiB), aligned and not.
    for (const [start, end] of [[0, 12_345], [3, 9_000], [0, 4096], [8, 8200]] as const) {
      expect(xxh64(data.subarray(start, end))).toBe(referenceXxh64(data.subarray(start, end)));
    }
  });

  it('reduces seeds modulo 2^64', () => {
    const data = sanityBuffer(40);
    expect(xxh64(data, -1n)).toBe(xxh64(data, MASK));
  });
});
