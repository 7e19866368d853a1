/**
 * XXH64, the hash behind zstd's content checksum (zstd stores its lower 32 bits).
 *
 * JavaScript numbers hold 53 bits, so the 64-bit state lives in pairs of 32-bit halves and the
 * multiplications are done on 16-bit limbs. The hot loop makes no BigInt and allocates nothing; a BigInt is
 * built once, at the end, by {@link xxh64} only.
 */

// The five XXH64 primes, as (high, low) 32-bit halves.
const PRIME1_HI = 0x9e3779b1;
const PRIME1_LO = 0x85ebca87;
const PRIME2_HI = 0xc2b2ae3d;
const PRIME2_LO = 0x27d4eb4f;
const PRIME3_HI = 0x165667b1;
const PRIME3_LO = 0x9e3779f9;
const PRIME4_HI = 0x85ebca77;
const PRIME4_LO = 0xc2b2ae63;
const PRIME5_HI = 0x27d4eb2f;
const PRIME5_LO = 0x165667c5;

// Results of the 64-bit helpers: the high half is returned through this variable, the low half as the
// function result, so no helper allocates.
let carryHi = 0;

/** Low 32 bits of (aHi:aLo) * (bHi:bLo) mod 2^64; the high half is left in `carryHi`. */
function multiply(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const low = Math.imul(aLo, bLo) >>> 0;
  carryHi = (multiplyHigh(aLo, bLo, low) + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
  return low;
}

/** Low half of (aHi:aLo) + (bHi:bLo) mod 2^64; the high half is left in `carryHi`. */
function add(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const low = aLo + bLo;
  carryHi = (aHi + bHi + (low > 0xffffffff ? 1 : 0)) >>> 0;
  return low >>> 0;
}

/** Low half of (hi:low) rotated left by `count` (1..31); the high half is left in `carryHi`. */
function rotateLeft(hi: number, low: number, count: number): number {
  carryHi = ((hi << count) | (low >>> (32 - count))) >>> 0;
  return ((low << count) | (hi >>> (32 - count))) >>> 0;
}

function readU32(data: Uint8Array, at: number): number {
  return (data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24)) >>> 0;
}

// The result of `hashHalves`.
let resultHi = 0;
let resultLo = 0;

/**
 * XXH64 `round(acc, lane)`: acc += lane * PRIME2; acc = rotl(acc, 31); acc *= PRIME1. Returns the low half,
 * the high half in `carryHi`.
 */
function round(accHi: number, accLo: number, laneHi: number, laneLo: number): number {
  let low = multiply(laneHi, laneLo, PRIME2_HI, PRIME2_LO);
  low = add(accHi, accLo, carryHi, low);
  low = rotateLeft(carryHi, low, 31);
  return multiply(carryHi, low, PRIME1_HI, PRIME1_LO);
}

/** XXH64 `mergeRound(h, acc)`: h ^= round(0, acc); h = h * PRIME1 + PRIME4. */
function mergeRound(hashHi: number, hashLo: number, accHi: number, accLo: number): number {
  const roundLo = round(0, 0, accHi, accLo);
  const low = multiply(hashHi ^ carryHi, (hashLo ^ roundLo) >>> 0, PRIME1_HI, PRIME1_LO);
  return add(carryHi, low, PRIME4_HI, PRIME4_LO);
}

/**
 * The four stripe accumulators as (high, low) pairs: index 2k is the high half of accumulator k. Kept in a
 * typed array so the hot loop updates them in place without allocating.
 */
const lanes = /*#__PURE__*/ new Uint32Array(8);

/**
 * High 32 bits of `value * constant` (both unsigned 32-bit) given its exact low 32 bits `low` (signed or not), as
 * an int32 (callers reduce sums with `>>> 0`). The double product is within 2^11 of the exact one; subtracting
 * `low - 2^31` leaves high * 2^32 + 2^31 within 2^12, so scaled by 2^-32 it is high + 1/2 within 2^-20, and
 * truncation yields high. Scaling by a power of two is exact, so it is applied to `constant` (folded when that is
 * a literal) and to `low` (an integer below 2^31 in magnitude once its top bit is flipped): two multiplications
 * and one subtraction. A `const`, like {@link carryOut}: a function declaration is a mutable binding, and V8
 * would check at every inlined call in the stripe loop that it still holds the same function.
 */
const multiplyHigh = (value: number, constant: number, low: number): number =>
  (value * (constant * (1 / 4294967296)) - (low ^ 0x80000000) * (1 / 4294967296)) | 0;

/**
 * The carry out of the 32-bit addition `a + b` that gave `sum` (0 or 1), computed from the top bits alone:
 * a comparison would compile to a branch the processor mispredicts half the time on hashed data.
 */
const carryOut = (a: number, b: number, sum: number): number => ((a & b) | ((a | b) & ~sum)) >>> 31;

/**
 * Runs the stripe rounds over `words[from, to)` (a multiple of 8 little-endian 32-bit words): for each of the four
 * accumulators in `lanes`, acc = rotl(acc + lane * PRIME2, 31) * PRIME1. The accumulators live in locals for
 * the whole loop and the four lanes are written out, with no calls: V8 then keeps every value in a register
 * as a 32-bit integer (through `lanes` and a lane loop it was about 1.6 times slower). Called on at most
 * {@link STRIPE_CALL_WORDS} words at a time: see there.
 */
const hashStripes = /*#__PURE__*/ stripeHasher();

/**
 * Makes {@link hashStripes}. Its function literal then has a single closure, which V8 compiles with what the
 * closure sees (here the helpers it calls) as constants: no check per inlined call that a binding still holds
 * the same function (about 5% faster).
 */
function stripeHasher(): (words: Int32Array, from: number, to: number) => void {
  const state = lanes;
  return (words, from, to) => {
    // PRIME1 and PRIME2 again, as local literals: bundlers turn module constants into variables, which V8 can
    // then neither fold into the multiplications nor keep out of the loop (about 40% slower).
    const prime1Hi = 0x9e3779b1 | 0;
    const prime1Lo = 0x85ebca87 | 0;
    const prime2Hi = 0xc2b2ae3d | 0;
    const prime2Lo = 0x27d4eb4f | 0;
    const prime1LoUnsigned = 0x85ebca87;
    const prime2LoUnsigned = 0x27d4eb4f;
    let hi1 = state[0]! | 0;
    let lo1 = state[1]! | 0;
    let hi2 = state[2]! | 0;
    let lo2 = state[3]! | 0;
    let hi3 = state[4]! | 0;
    let lo3 = state[5]! | 0;
    let hi4 = state[6]! | 0;
    let lo4 = state[7]! | 0;
    for (let at = from; at < to; at += 8) {
      // Each lane: lane * PRIME2 + acc in int32 arithmetic (wrapping is what we want), rotl 31, then * PRIME1.
      let laneLo = words[at]!;
      let productLo = Math.imul(laneLo, prime2Lo);
      let productHi =
        multiplyHigh(laneLo >>> 0, prime2LoUnsigned, productLo) + Math.imul(words[at + 1]!, prime2Lo) + Math.imul(laneLo, prime2Hi);
      let sumLo = (productLo + lo1) | 0;
      let sumHi = (hi1 + productHi + carryOut(productLo, lo1, sumLo)) | 0;
      let rotatedLo = (sumLo << 31) | (sumHi >>> 1);
      let rotatedHi = (sumHi << 31) | (sumLo >>> 1);
      lo1 = Math.imul(rotatedLo, prime1Lo);
      hi1 = (multiplyHigh(rotatedLo >>> 0, prime1LoUnsigned, lo1) + Math.imul(rotatedHi, prime1Lo) + Math.imul(rotatedLo, prime1Hi)) | 0;

      laneLo = words[at + 2]!;
      productLo = Math.imul(laneLo, prime2Lo);
      productHi =
        multiplyHigh(laneLo >>> 0, prime2LoUnsigned, productLo) + Math.imul(words[at + 3]!, prime2Lo) + Math.imul(laneLo, prime2Hi);
      sumLo = (productLo + lo2) | 0;
      sumHi = (hi2 + productHi + carryOut(productLo, lo2, sumLo)) | 0;
      rotatedLo = (sumLo << 31) | (sumHi >>> 1);
      rotatedHi = (sumHi << 31) | (sumLo >>> 1);
      lo2 = Math.imul(rotatedLo, prime1Lo);
      hi2 = (multiplyHigh(rotatedLo >>> 0, prime1LoUnsigned, lo2) + Math.imul(rotatedHi, prime1Lo) + Math.imul(rotatedLo, prime1Hi)) | 0;

      laneLo = words[at + 4]!;
      productLo = Math.imul(laneLo, prime2Lo);
      productHi =
        multiplyHigh(laneLo >>> 0, prime2LoUnsigned, productLo) + Math.imul(words[at + 5]!, prime2Lo) + Math.imul(laneLo, prime2Hi);
      sumLo = (productLo + lo3) | 0;
      sumHi = (hi3 + productHi + carryOut(productLo, lo3, sumLo)) | 0;
      rotatedLo = (sumLo << 31) | (sumHi >>> 1);
      rotatedHi = (sumHi << 31) | (sumLo >>> 1);
      lo3 = Math.imul(rotatedLo, prime1Lo);
      hi3 = (multiplyHigh(rotatedLo >>> 0, prime1LoUnsigned, lo3) + Math.imul(rotatedHi, prime1Lo) + Math.imul(rotatedLo, prime1Hi)) | 0;

      laneLo = words[at + 6]!;
      productLo = Math.imul(laneLo, prime2Lo);
      productHi =
        multiplyHigh(laneLo >>> 0, prime2LoUnsigned, productLo) + Math.imul(words[at + 7]!, prime2Lo) + Math.imul(laneLo, prime2Hi);
      sumLo = (productLo + lo4) | 0;
      sumHi = (hi4 + productHi + carryOut(productLo, lo4, sumLo)) | 0;
      rotatedLo = (sumLo << 31) | (sumHi >>> 1);
      rotatedHi = (sumHi << 31) | (sumLo >>> 1);
      lo4 = Math.imul(rotatedLo, prime1Lo);
      hi4 = (multiplyHigh(rotatedLo >>> 0, prime1LoUnsigned, lo4) + Math.imul(rotatedHi, prime1Lo) + Math.imul(rotatedLo, prime1Hi)) | 0;
    }
    state[0] = hi1;
    state[1] = lo1;
    state[2] = hi2;
    state[3] = lo2;
    state[4] = hi3;
    state[5] = lo3;
    state[6] = hi4;
    state[7] = lo4;
  };
}

const LITTLE_ENDIAN = /*#__PURE__*/ new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
/**
 * Words hashed per call of {@link hashStripes} (a multiple of 8). Short calls get the stripe loop compiled as a
 * whole function, with its accumulators known to be int32. When one long call had it compiled while running
 * instead (on-stack replacement), the accumulators entered the loop as untyped numbers, the stores after the
 * loop had no type feedback yet (deoptimizing it on every call, ~1,000 times in some processes), and later calls
 * ran that slower code: 0.7 GB/s instead of 1.1 in some processes, depending on compiler timing.
 */
const STRIPE_CALL_WORDS = 1024;
/** Bytes hashed per pass through the aligned copy (a multiple of 32). */
const SCRATCH_BYTES = 1 << 16;
let scratchWords: Int32Array | undefined;

/**
 * Hashes the stripes of `data[start, start + length)` (`length` a multiple of 32): in place through a word
 * view when the bytes are 4-aligned on a little-endian machine, otherwise through an aligned copy.
 */
function hashStripeBytes(data: Uint8Array, start: number, length: number): void {
  if (LITTLE_ENDIAN && ((data.byteOffset + start) & 3) === 0) {
    hashWords(new Int32Array(data.buffer, data.byteOffset + start, length >>> 2), length >>> 2);
    return;
  }
  const words = (scratchWords ??= new Int32Array(SCRATCH_BYTES >>> 2));
  const bytes = new Uint8Array(words.buffer);
  for (let done = 0; done < length; done += SCRATCH_BYTES) {
    const size = Math.min(SCRATCH_BYTES, length - done);
    if (LITTLE_ENDIAN) {
      bytes.set(data.subarray(start + done, start + done + size));
    } else {
      for (let i = 0; i < size; i += 4) words[i >>> 2] = readU32(data, start + done + i);
    }
    hashWords(words, size >>> 2);
  }
}

/** Runs the stripe rounds over `words[0, count)`, {@link STRIPE_CALL_WORDS} words per call. */
function hashWords(words: Int32Array, count: number): void {
  for (let from = 0; from < count; from += STRIPE_CALL_WORDS) {
    hashStripes(words, from, Math.min(count, from + STRIPE_CALL_WORDS));
  }
}

/** Computes XXH64 of `data[start, end)` with seed `seedHi:seedLo` into `resultHi`/`resultLo`. */
function hashHalves(data: Uint8Array, start: number, end: number, seedHi: number, seedLo: number): void {
  const length = end - start;
  let at = start;
  let hashHi: number;
  let hashLo: number;
  if (length >= 32) {
    // Four accumulators: seed + P1 + P2, seed + P2, seed, seed - P1.
    let low = add(seedHi, seedLo, PRIME1_HI, PRIME1_LO);
    lanes[1] = add(carryHi, low, PRIME2_HI, PRIME2_LO);
    lanes[0] = carryHi;
    lanes[3] = add(seedHi, seedLo, PRIME2_HI, PRIME2_LO);
    lanes[2] = carryHi;
    lanes[4] = seedHi;
    lanes[5] = seedLo;
    // -P1 mod 2^64 is the two's complement of P1.
    low = add(seedHi, seedLo, ~PRIME1_HI >>> 0, (~PRIME1_LO + 1) >>> 0);
    lanes[7] = low;
    lanes[6] = carryHi;
    const stripeLength = length - (length & 31);
    hashStripeBytes(data, start, stripeLength);
    at += stripeLength;
    const hi1 = lanes[0]!;
    const lo1 = lanes[1]!;
    const hi2 = lanes[2]!;
    const lo2 = lanes[3]!;
    const hi3 = lanes[4]!;
    const lo3 = lanes[5]!;
    const hi4 = lanes[6]!;
    const lo4 = lanes[7]!;
    // h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18), then merge each accumulator.
    hashLo = rotateLeft(hi1, lo1, 1);
    hashHi = carryHi;
    let rotatedLo = rotateLeft(hi2, lo2, 7);
    hashLo = add(hashHi, hashLo, carryHi, rotatedLo);
    hashHi = carryHi;
    rotatedLo = rotateLeft(hi3, lo3, 12);
    hashLo = add(hashHi, hashLo, carryHi, rotatedLo);
    hashHi = carryHi;
    rotatedLo = rotateLeft(hi4, lo4, 18);
    hashLo = add(hashHi, hashLo, carryHi, rotatedLo);
    hashHi = carryHi;
    hashLo = mergeRound(hashHi, hashLo, hi1, lo1);
    hashHi = carryHi;
    hashLo = mergeRound(hashHi, hashLo, hi2, lo2);
    hashHi = carryHi;
    hashLo = mergeRound(hashHi, hashLo, hi3, lo3);
    hashHi = carryHi;
    hashLo = mergeRound(hashHi, hashLo, hi4, lo4);
    hashHi = carryHi;
  } else {
    hashLo = add(seedHi, seedLo, PRIME5_HI, PRIME5_LO);
    hashHi = carryHi;
  }
  // h += length (a length beyond 2^32 cannot occur for a Uint8Array here, but keep the high part exact).
  hashLo = add(hashHi, hashLo, Math.floor(length / 0x100000000), length >>> 0);
  hashHi = carryHi;

  while (at + 8 <= end) {
    const laneLo = round(0, 0, readU32(data, at + 4), readU32(data, at));
    let low = rotateLeft(hashHi ^ carryHi, (hashLo ^ laneLo) >>> 0, 27);
    low = multiply(carryHi, low, PRIME1_HI, PRIME1_LO);
    hashLo = add(carryHi, low, PRIME4_HI, PRIME4_LO);
    hashHi = carryHi;
    at += 8;
  }
  if (at + 4 <= end) {
    const wordLo = multiply(0, readU32(data, at), PRIME1_HI, PRIME1_LO);
    let low = rotateLeft(hashHi ^ carryHi, (hashLo ^ wordLo) >>> 0, 23);
    low = multiply(carryHi, low, PRIME2_HI, PRIME2_LO);
    hashLo = add(carryHi, low, PRIME3_HI, PRIME3_LO);
    hashHi = carryHi;
    at += 4;
  }
  while (at < end) {
    const byteLo = multiply(0, data[at]!, PRIME5_HI, PRIME5_LO);
    const low = rotateLeft(hashHi ^ carryHi, (hashLo ^ byteLo) >>> 0, 11);
    hashLo = multiply(carryHi, low, PRIME1_HI, PRIME1_LO);
    hashHi = carryHi;
    at += 1;
  }

  // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
  hashLo = (hashLo ^ (hashHi >>> 1)) >>> 0;
  hashLo = multiply(hashHi, hashLo, PRIME2_HI, PRIME2_LO);
  hashHi = carryHi;
  hashLo = (hashLo ^ ((hashHi << 3) | (hashLo >>> 29))) >>> 0;
  hashHi = (hashHi ^ (hashHi >>> 29)) >>> 0;
  hashLo = multiply(hashHi, hashLo, PRIME3_HI, PRIME3_LO);
  hashHi = carryHi;
  hashLo = (hashLo ^ hashHi) >>> 0;
  resultHi = hashHi;
  resultLo = hashLo;
}

const MASK64 = (1n << 64n) - 1n;

/**
 * XXH64 of `data` with an optional 64-bit `seed`.
 * `xxh64(new Uint8Array(0)) === 0xef46db3751d8e999n`.
 */
export function xxh64(data: Uint8Array, seed: bigint = 0n): bigint {
  const seed64 = seed & MASK64;
  hashHalves(data, 0, data.length, Number(seed64 >> 32n), Number(seed64 & 0xffffffffn));
  return (BigInt(resultHi) << 32n) | BigInt(resultLo);
}

/**
 * The lower 32 bits of XXH64 (seed 0) of `data[start, end)`: the value a zstd frame stores as its content
 * checksum (little-endian). Makes no BigInt.
 */
export function xxh64Low32(data: Uint8Array, start = 0, end = data.length): number {
  hashHalves(data, start, end, 0, 0);
  return resultLo;
}
