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

/** Continues a CRC over `data` with `tables` from {@link makeSlicingTables}; `crc` is the finalised previous value. */
export function updateCrc32(tables: Uint32Array, data: Uint8Array, crc: number): number {
  let c = ~crc;
  let i = 0;
  const n = data.length;
  const end8 = n - (n & 7);
  for (; i < end8; i += 8) {
    const a = c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    const b = data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24);
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
  for (; i < n; i++) c = tables[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
