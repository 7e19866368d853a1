/**
 * The fixed parts of the zstd format (RFC 8878) that the decoder and the encoder both use: the sequence codes'
 * baselines and extra bits, the predefined FSE distributions, the longest Huffman code. `decode/` and `encode/`
 * import them from here, never from each other.
 */

/** Baselines and extra-bit counts of the 36 literal-length codes. */
export const LITERAL_LENGTH_BASE = /*#__PURE__*/ Uint32Array.of(
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024,
  2048, 4096, 8192, 16384, 32768, 65536,
);
/** Extra bits of each literal-length code. */
export const LITERAL_LENGTH_BITS = /*#__PURE__*/ Uint8Array.of(
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
);
/** Baselines of the 53 match-length codes. */
export const MATCH_LENGTH_BASE = /*#__PURE__*/ Uint32Array.of(
  3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
  34, 35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051, 4099, 8195, 16387, 32771, 65539,
);
/** Extra bits of each match-length code. */
export const MATCH_LENGTH_BITS = /*#__PURE__*/ Uint8Array.of(
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3,
  3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
);
/** Largest offset code this decoder accepts (offsets up to 2^32 - 4, far beyond any window). */
export const MAX_OFFSET_CODE = 31;
/** Predefined distribution of literal-length codes (RFC 8878 section 3.1.1.3.2.2). */
export const PREDEFINED_LITERAL_LENGTHS = /*#__PURE__*/ Int16Array.of(
  4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1,
);
/** Predefined distribution of match-length codes. */
export const PREDEFINED_MATCH_LENGTHS = /*#__PURE__*/ Int16Array.of(
  1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1,
);
/** Predefined distribution of offset codes. */
export const PREDEFINED_OFFSETS = /*#__PURE__*/ Int16Array.of(
  1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1,
);
/** Accuracy log of the predefined literal-length table. */
export const PREDEFINED_LITERAL_LENGTH_LOG = 6;
/** Accuracy log of the predefined match-length table. */
export const PREDEFINED_MATCH_LENGTH_LOG = 6;
/** Accuracy log of the predefined offset table. */
export const PREDEFINED_OFFSET_LOG = 5;

/** Longest Huffman code zstd allows. */
export const MAX_HUFFMAN_BITS = 11;

/** The index of the highest set bit of `value` (> 0). */
export function highBit(value: number): number {
  return 31 - Math.clz32(value);
}
