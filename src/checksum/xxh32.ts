/**
 * XXH32, the hash of the LZ4 frame format: its header checksum byte, block checksums and content checksum.
 *
 * All arithmetic is on 32-bit integers (`Math.imul`, `>>> 0`), so the loop makes no BigInt and allocates nothing.
 */
import { readUint32LE } from '../binary/little-endian.js';

const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const PRIME4 = 0x27d4eb2f;
const PRIME5 = 0x165667b1;

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

function round(accumulator: number, lane: number): number {
  return Math.imul(rotateLeft((accumulator + Math.imul(lane, PRIME2)) | 0, 13), PRIME1);
}

/**
 * XXH32 of `data[start, end)` with `seed` (LZ4 always uses seed 0), as an unsigned 32-bit number.
 * `xxh32(new Uint8Array(0)) === 0x02cc5d05`.
 */
export function xxh32(data: Uint8Array, start = 0, end = data.length, seed = 0): number {
  let at = start;
  let hash: number;
  if (end - start >= 16) {
    let acc1 = (seed + PRIME1 + PRIME2) | 0;
    let acc2 = (seed + PRIME2) | 0;
    let acc3 = seed | 0;
    let acc4 = (seed - PRIME1) | 0;
    const stripesEnd = end - 16;
    while (at <= stripesEnd) {
      acc1 = round(acc1, readUint32LE(data, at));
      acc2 = round(acc2, readUint32LE(data, at + 4));
      acc3 = round(acc3, readUint32LE(data, at + 8));
      acc4 = round(acc4, readUint32LE(data, at + 12));
      at += 16;
    }
    hash = (rotateLeft(acc1, 1) + rotateLeft(acc2, 7) + rotateLeft(acc3, 12) + rotateLeft(acc4, 18)) | 0;
  } else {
    hash = (seed + PRIME5) | 0;
  }
  hash = (hash + (end - start)) | 0;
  for (; at + 4 <= end; at += 4) {
    hash = Math.imul(rotateLeft((hash + Math.imul(readUint32LE(data, at), PRIME3)) | 0, 17), PRIME4);
  }
  for (; at < end; at++) {
    hash = Math.imul(rotateLeft((hash + Math.imul(data[at]!, PRIME5)) | 0, 11), PRIME1);
  }
  hash = Math.imul(hash ^ (hash >>> 15), PRIME2);
  hash = Math.imul(hash ^ (hash >>> 13), PRIME3);
  return (hash ^ (hash >>> 16)) >>> 0;
}
