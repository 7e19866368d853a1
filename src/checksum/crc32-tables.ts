/**
 * Slicing-by-8 tables and update loop shared by every reflected CRC-32 variant (Castagnoli for chunks,
 * IEEE for gzip trailers). Slicing-by-8 runs at ~1-1.5 GB/s in pure JS; a byte-at-a-time loop at ~0.3.
 */

/** Builds the 8 x 256 lookup tables for a reflected CRC-32 polynomial. */
export function makeSlicingTables(reflectedPolynomial: number): Uint32Array {
  const tables = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ reflectedPolynomial : c >>> 1;
    tables[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[n]!;
    for (let t = 1; t < 8; t++) {
      c = tables[c & 0xff]! ^ (c >>> 8);
      tables[t * 256 + n] = c;
    }
  }
  return tables;
}

/**
 * Continues a CRC over `data` with `tables` from {@link makeSlicingTables}; `crc` is the finalised previous value.
 *
 * The `length % 8` leading bytes go first, byte by byte, so the 8-byte loop runs to the very end: V8 compiles a
 * long loop while it runs, and cold code after it would be deoptimised on every call. Words are read through a
 * `DataView` (little-endian, any alignment): ~25% faster than assembling them from bytes.
 */
export function updateCrc32(tables: Uint32Array, data: Uint8Array, crc: number): number {
  let c = ~crc;
  let i = 0;
  const n = data.length;
  for (const head = n & 7; i < head; i++) c = tables[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  const view = new DataView(data.buffer, data.byteOffset, n);
  for (; i < n; i += 8) {
    const a = c ^ view.getInt32(i, true);
    const b = view.getInt32(i + 4, true);
    c =
      tables[1792 + (a & 0xff)]! ^
      tables[1536 + ((a >>> 8) & 0xff)]! ^
      tables[1280 + ((a >>> 16) & 0xff)]! ^
      tables[1024 + (a >>> 24)]! ^
      tables[768 + (b & 0xff)]! ^
      tables[512 + ((b >>> 8) & 0xff)]! ^
      tables[256 + ((b >>> 16) & 0xff)]! ^
      tables[b >>> 24]!;
  }
  return ~c >>> 0;
}
