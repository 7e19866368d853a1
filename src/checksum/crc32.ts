/** CRC-32 (IEEE 802.3), as used by gzip trailers. */
import { makeSlicingTables, updateCrc32 } from './crc32-tables.js';

const IEEE_TABLES = /*#__PURE__*/ makeSlicingTables(0xedb88320);

/** CRC-32 (IEEE) of `data`, continuing from `previous`. `crc32(ascii('123456789')) === 0xcbf43926`. */
export function crc32(data: Uint8Array, previous = 0): number {
  return updateCrc32(IEEE_TABLES, data, previous);
}
