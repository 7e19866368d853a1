/**
 * Growing the flat typed arrays the writer appends to: by doubling (at least), so n appends copy O(n) bytes in
 * all, keeping what was written.
 */

/** The capacity after growing `capacity` to hold `needed`: doubled until it does (at least `minimum`). */
function grownCapacity(capacity: number, needed: number, minimum: number): number {
  let next = Math.max(capacity * 2, minimum);
  while (next < needed) next *= 2;
  return next;
}

/** A larger copy of `bytes` holding at least `needed` bytes, with `bytes[0, used)` copied over. */
export function grownBytes(bytes: Uint8Array, used: number, needed: number): Uint8Array<ArrayBuffer> {
  const next = new Uint8Array(grownCapacity(bytes.length, needed, 16));
  next.set(used === bytes.length ? bytes : bytes.subarray(0, used));
  return next;
}

/** A larger copy of `ints` (every element) holding at least `needed` elements. */
export function grownInts(ints: Int32Array, needed: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(grownCapacity(ints.length, needed, 16));
  next.set(ints);
  return next;
}
