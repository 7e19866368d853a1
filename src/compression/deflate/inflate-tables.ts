/**
 * DEFLATE's Huffman codes as lookup tables for the inflater: one entry per `PRIMARY_BITS`-bit window of the bit
 * buffer, holding the symbol's meaning and its code length, and a sub-table behind each window that starts a
 * longer code. Codes are checked as zlib checks them: an over-subscribed or incomplete set is refused, except a
 * single code of length 1 (and, for distances, no codes at all).
 *
 * An entry is `value << 8 | op << 4 | bits`, `bits` being the code length to consume. Literal/length table ops:
 * 0 literal (value = the byte), 1-6 length with op - 1 extra bits (value = base), 7 end of block; distance
 * table ops: 0-13 extra bits (value = base distance). {@link INVALID} has op 15. A negative entry points to a
 * sub-table: `SUBTABLE | bits << 16 | offset`, indexed by the `bits` bits after the first `PRIMARY_BITS`.
 */
import { LokiChunkError } from '../../errors.js';

/** Bits of the first lookup: 1 KiB entries, which hold every code of Loki's blocks up to 10 bits long. */
export const PRIMARY_BITS = 10;
export const PRIMARY_MASK = (1 << PRIMARY_BITS) - 1;
/** Op of an unused code (symbols 286-287 and 30-31, and the holes of an incomplete code). */
export const OP_INVALID = 15;
export const INVALID = OP_INVALID << 4;
export const OP_END_OF_BLOCK = 7;
/** Flag of an entry that points to a sub-table (the sign bit). */
export const SUBTABLE = 1 << 31;

const MAX_BITS = 15;
/** Largest table: the primary table and a sub-table of 2^5 entries behind each of its windows. */
export const MAX_TABLE_SIZE = (1 << PRIMARY_BITS) * (1 + (1 << (MAX_BITS - PRIMARY_BITS)));

export const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
export const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
export const DISTANCE_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
  8193, 12289, 16385, 24577,
];
export const DISTANCE_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

/** The table entry of each literal/length symbol (without its code length). */
const LITLEN_MEANING = /*#__PURE__*/ (() => {
  const meaning = new Int32Array(288);
  for (let symbol = 0; symbol < 256; symbol++) meaning[symbol] = symbol << 8;
  meaning[256] = OP_END_OF_BLOCK << 4;
  for (let symbol = 257; symbol < 286; symbol++) {
    meaning[symbol] = (LENGTH_BASE[symbol - 257]! << 8) | ((1 + LENGTH_EXTRA[symbol - 257]!) << 4);
  }
  meaning[286] = meaning[287] = INVALID;
  return meaning;
})();

/** The table entry of each distance symbol (without its code length). */
const DISTANCE_MEANING = /*#__PURE__*/ (() => {
  const meaning = new Int32Array(32);
  for (let symbol = 0; symbol < 30; symbol++) meaning[symbol] = (DISTANCE_BASE[symbol]! << 8) | (DISTANCE_EXTRA[symbol]! << 4);
  meaning[30] = meaning[31] = INVALID;
  return meaning;
})();

/** The code-length alphabet's table entries: the symbol itself (0-18). */
const CODE_LENGTH_MEANING = /*#__PURE__*/ Int32Array.from({ length: 19 }, (_, symbol) => symbol << 8);

/** Which alphabet a table is for. */
export const Alphabet = { codeLengths: 0, litlen: 1, distance: 2 } as const;
type Alphabet = (typeof Alphabet)[keyof typeof Alphabet];

const MEANINGS = [CODE_LENGTH_MEANING, LITLEN_MEANING, DISTANCE_MEANING];
const WHAT = ['code lengths', 'literal/length', 'distance'];

/** Bit reversal of each byte. */
const REVERSED = /*#__PURE__*/ (() => {
  const reversed = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let r = 0;
    for (let bit = 0; bit < 8; bit++) r |= ((i >> bit) & 1) << (7 - bit);
    reversed[i] = r;
  }
  return reversed;
})();

const counts = new Uint16Array(MAX_BITS + 1);
const nextCode = new Uint16Array(MAX_BITS + 2);

/**
 * Fills `table` with the lookup table of the code given by `lengths[0, count)` (a code length per symbol).
 * @param offset input offset reported in errors
 * @throws {LokiChunkError} `CORRUPT_STREAM` for an over-subscribed or incomplete code
 */
export function buildTable(
  table: Int32Array,
  lengths: Uint8Array,
  count: number,
  alphabet: Alphabet,
  codec: string,
  offset: number,
): void {
  counts.fill(0);
  let longest = 0;
  for (let symbol = 0; symbol < count; symbol++) {
    const length = lengths[symbol]!;
    counts[length]!++;
    if (length > longest) longest = length;
  }
  counts[0] = 0;
  let left = 1;
  for (let length = 1; length <= MAX_BITS; length++) {
    left = (left << 1) - counts[length]!;
    if (left < 0) throw badCode(codec, alphabet, 'over-subscribed', offset);
  }
  // zlib and Go accept one incomplete code: a single code of length 1 (or, for distances, none at all).
  const emptyDistances = longest === 0 && alphabet === Alphabet.distance;
  if (left > 0 && !(emptyDistances || (longest === 1 && alphabet !== Alphabet.codeLengths))) {
    throw badCode(codec, alphabet, 'incomplete', offset);
  }
  table.fill(INVALID, 0, 1 << PRIMARY_BITS);
  if (longest === 0) return;
  nextCode[1] = 0;
  for (let length = 1; length <= MAX_BITS; length++) nextCode[length + 1] = (nextCode[length]! + counts[length]!) << 1;
  const meaning = MEANINGS[alphabet]!;
  const subBits = Math.max(0, longest - PRIMARY_BITS);
  let subtablesEnd = 1 << PRIMARY_BITS;
  for (let symbol = 0; symbol < count; symbol++) {
    const length = lengths[symbol]!;
    if (length === 0) continue;
    const code = nextCode[length]!++;
    // Huffman codes are sent most significant bit first; the bit buffer holds them reversed.
    const reversed = ((REVERSED[code & 0xff]! << 8) | REVERSED[code >>> 8]!) >>> (16 - length);
    const entry = meaning[symbol]! | length;
    if (length <= PRIMARY_BITS) {
      for (let at = reversed; at < 1 << PRIMARY_BITS; at += 1 << length) table[at] = entry;
      continue;
    }
    const window = reversed & PRIMARY_MASK;
    let pointer = table[window]!;
    if (pointer >= 0) {
      pointer = SUBTABLE | (subBits << 16) | subtablesEnd;
      table[window] = pointer;
      table.fill(INVALID, subtablesEnd, subtablesEnd + (1 << subBits));
      subtablesEnd += 1 << subBits;
    }
    const base = pointer & 0xffff;
    for (let at = reversed >>> PRIMARY_BITS; at < 1 << subBits; at += 1 << (length - PRIMARY_BITS)) table[base + at] = entry;
  }
}

function badCode(codec: string, alphabet: Alphabet, how: string, offset: number): LokiChunkError {
  return new LokiChunkError('CORRUPT_STREAM', `${codec}: invalid DEFLATE stream: ${how} ${WHAT[alphabet]} code`, { offset });
}

/** The tables of DEFLATE's fixed code (block type 1), built on first use. */
let fixedTables: { litlen: Int32Array; distance: Int32Array } | undefined;

/** The literal/length and distance tables of the fixed code. */
export function fixedCodeTables(): { litlen: Int32Array; distance: Int32Array } {
  if (!fixedTables) {
    const lengths = new Uint8Array(288);
    lengths.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
    const litlen = new Int32Array(MAX_TABLE_SIZE);
    buildTable(litlen, lengths, 288, Alphabet.litlen, 'deflate', 0);
    const distance = new Int32Array(MAX_TABLE_SIZE);
    buildTable(distance, new Uint8Array(32).fill(5), 32, Alphabet.distance, 'deflate', 0);
    fixedTables = { litlen, distance };
  }
  return fixedTables;
}
