/** Little-endian fixed-width fields, as the gzip, LZ4 and Snappy framings (and XXH32) store them. */

/** Reads the little-endian uint32 at `at` (the caller has checked the bounds). */
export function readUint32LE(data: Uint8Array, at: number): number {
  return (data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24)) >>> 0;
}

/** Writes `value` as a little-endian uint32 at `at` (the caller has checked the bounds). */
export function writeUint32LE(data: Uint8Array, at: number, value: number): void {
  data[at] = value & 0xff;
  data[at + 1] = (value >>> 8) & 0xff;
  data[at + 2] = (value >>> 16) & 0xff;
  data[at + 3] = value >>> 24;
}
