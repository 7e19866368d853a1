/**
 * int64 helpers. Timestamps are int64 nanoseconds: `bigint` at the API, two int32 halves inside the codec
 * (building one BigInt from halves costs ~11 ns; a BigInt per byte ~216 ns; see STYLE.md).
 */
import { LokiChunkError } from '../errors.js';

/** Smallest int64, `-2^63`. */
export const MIN_INT64 = -(1n << 63n);
/** Largest int64, `2^63 - 1`. */
export const MAX_INT64 = (1n << 63n) - 1n;

// One 8-byte scratch buffer viewed as a bigint and as two int32 halves. Every engine loki-chunk targets is
// little-endian; the check keeps the code honest on a big-endian one.
const scratch64 = new BigInt64Array(1);
const scratch32 = new Int32Array(scratch64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

/** The int64 whose low 32 bits are `lo` and high 32 bits `hi` (both taken as int32 bit patterns). */
export function int64FromHalves(lo: number, hi: number): bigint {
  scratch32[LO] = lo;
  scratch32[HI] = hi;
  return scratch64[0]!;
}

/** Splits an int64 into int32 halves, written to `out[0]` (low) and `out[1]` (high). */
export function int64ToHalves(value: bigint, out: Int32Array | number[]): void {
  scratch64[0] = value;
  out[0] = scratch32[LO]!;
  out[1] = scratch32[HI]!;
}

/**
 * Validates a timestamp or other int64 given as `bigint` or integral `number` and returns it as `bigint`.
 * A `number` must be a safe integer: larger ones have already lost precision.
 * @throws {LokiChunkError} `INVALID_ARGUMENT` when out of range or not an integer.
 */
export function toInt64(value: bigint | number, what = 'value'): bigint {
  if (typeof value === 'bigint') {
    if (value < MIN_INT64 || value > MAX_INT64) {
      throw new LokiChunkError('INVALID_ARGUMENT', `${what} ${value} is outside the int64 range`);
    }
    return value;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new LokiChunkError(
    'INVALID_ARGUMENT',
    `${what} must be a bigint or a safe integer number (got ${String(value)}); pass nanoseconds as bigint`,
  );
}

/** `a < b` on signed halves, without building BigInts (for range filters on the decode path). */
export function lessThanHalves(aLo: number, aHi: number, bLo: number, bHi: number): boolean {
  return aHi < bHi || (aHi === bHi && aLo >>> 0 < bLo >>> 0);
}
