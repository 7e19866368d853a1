/**
 * Finds every `[data][CRC-32C of data]` frame in a byte range in linear time, without knowing where any frame
 * starts. This is how salvage finds blocks once the metas that located them are gone.
 *
 * Trying every (start, end) pair would be quadratic. CRC-32C is linear over GF(2), so with `P(k)` the raw CRC
 * register over the first `k` bytes (zero initial value, no final xor) and `x` the polynomial variable:
 *
 *   crc(bytes[s..e)) = ~(P(e) ^ x^(8(e-s)) * (P(s) ^ ~0))            (mod the CRC polynomial)
 *
 * so a frame `[s, e)` whose CRC is stored at `e` exists exactly when
 *
 *   x^(-8s) * (P(s) ^ ~0)  ===  x^(-8e) * (~stored(e) ^ P(e)).
 *
 * Each side depends on one position only: one pass computes a "start key" and an "end key" per position and a
 * hash table pairs them up. Cost: two 32-step carry-less multiplications per byte.
 */
import { makeSlicingTables } from '../checksum/crc32-tables.js';

// Everything below stays in signed int32 (`| 0`, `<< 1`): uint32 values above 2^31 would leave V8's small-integer
// representation and make the per-byte loop allocate.

/** CRC-32C polynomial, reflected, as an int32. */
const POLY = 0x82f63b78 | 0;
/** The polynomial `1` in the reflected representation (the sign bit). */
const ONE = 0x80000000 | 0;

let byteTable: Int32Array | undefined;

/** `a * b` modulo the CRC-32C polynomial, both in the reflected representation (zlib's `multmodp`). */
function multiplyModPoly(a: number, b: number): number {
  let product = 0;
  let factor = b;
  // Branch-free (the bits are random, so branches would mispredict half the time): bit 31 - i of `a`, the
  // coefficient of x^i, is the sign of `a << i`; `factor` is multiplied by x at each step.
  for (let i = 0; i < 32; i++) {
    product ^= factor & ((a << i) >> 31);
    factor = (factor >>> 1) ^ (POLY & -(factor & 1));
  }
  return product;
}

/** `value * x^-1`: undoes one step of the reflected shift (the polynomial has a constant term, so x is invertible). */
function divideByX(value: number): number {
  return ((value ^ (POLY & (value >> 31))) << 1) | (value >>> 31);
}

/** A CRC-framed region: data in `[start, end)`, its CRC-32C stored big-endian at `end`. */
export interface CrcFrame {
  start: number;
  end: number;
}

/**
 * Every frame `[start, end)` with `from <= start < end` and `end + 4 <= to` whose stored CRC-32C matches, in
 * order of `end` (then `start`). `minLength` skips frames shorter than that. About 2^-32 of all position pairs match by
 * chance: callers must still validate what a frame holds.
 */
export function findCrcFrames(bytes: Uint8Array, from: number, to: number, minLength = 1): CrcFrame[] {
  const table = (byteTable ??= new Int32Array(makeSlicingTables(0x82f63b78).buffer, 0, 256));
  const span = Math.max(0, to - from);
  const frames: CrcFrame[] = [];
  if (span < 5) return frames;
  // Open-addressed buckets of start positions (chained through `next`), keyed by the start key.
  let bucketCount = 1;
  while (bucketCount < span) bucketCount <<= 1;
  const bucketMask = bucketCount - 1;
  const heads = new Int32Array(bucketCount).fill(-1);
  const next = new Int32Array(span);
  const startKeys = new Int32Array(span);

  let register = 0; // P(k) for k = position - from.
  let inverseShift = ONE; // x^(-8k)
  for (let k = 0; k <= span - 4; k++) {
    const position = from + k;
    // End key at e = k: is there an earlier start whose frame ends here?
    if (k >= minLength) {
      const stored = (bytes[position]! << 24) | (bytes[position + 1]! << 16) | (bytes[position + 2]! << 8) | bytes[position + 3]!;
      const endKey = multiplyModPoly(inverseShift, ~stored ^ register);
      for (let start = heads[endKey & bucketMask]!; start !== -1; start = next[start]!) {
        if (startKeys[start] === endKey && k - start >= minLength) frames.push({ start: from + start, end: position });
      }
    }
    // Start key at s = k (a frame needs at least one data byte and its 4-byte CRC after it).
    if (k <= span - 5) {
      const startKey = multiplyModPoly(inverseShift, ~register);
      startKeys[k] = startKey;
      const bucket = startKey & bucketMask;
      next[k] = heads[bucket]!;
      heads[bucket] = k;
    }
    register = table[(register ^ bytes[position]!) & 0xff]! ^ (register >>> 8);
    for (let bit = 0; bit < 8; bit++) inverseShift = divideByX(inverseShift);
  }
  return frames;
}
