/** CRC-32C (Castagnoli), the checksum of every Loki chunk section and of Snappy frames. */
import { makeSlicingTables, updateCrc32 } from './crc32-tables.js';

const CASTAGNOLI_TABLES = /*#__PURE__*/ makeSlicingTables(0x82f63b78);

/**
 * CRC-32C of `data`, continuing from `previous` (the result of an earlier call over the preceding bytes).
 * `crc32c(new TextEncoder().encode('123456789')) === 0xe3069283`.
 */
export function crc32c(data: Uint8Array, previous = 0): number {
  return updateCrc32(CASTAGNOLI_TABLES, data, previous);
}
