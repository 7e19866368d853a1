/**
 * Where things are in a chunk: header, footer, section offsets and the block metas. These functions work on
 * byte ranges (each with its absolute offset) so the in-memory reader and the range reader share them.
 */
import { ByteReader } from '../binary/byte-reader.js';
import { crc32c } from '../checksum/crc32c.js';
import { LokiChunkError } from '../errors.js';
import { CHECKSUM_LENGTH, CHUNK_MAGIC, footerLength, headerLength, type ChunkFormat } from './constants.js';
import type { ChunkLimits } from './limits.js';

/** A stored checksum and the one computed over the bytes it covers. */
export interface ChecksumCheck {
  /** The CRC-32C stored in the chunk. */
  stored: number;
  /** The CRC-32C computed from the bytes. */
  computed: number;
  /** `stored === computed`. */
  ok: boolean;
}

/** A section of the chunk: `length` excludes the 4-byte CRC that follows it. */
export interface SectionLocation {
  offset: number;
  length: number;
}

/** What the header says. */
export interface ChunkHeader {
  format: ChunkFormat;
  /** Codec byte (always 1, gzip, for v1, which stores none). */
  encoding: number;
  /** Length of the header: where the first section starts. */
  length: number;
}

/** What the footer says about the sections. */
export interface ChunkSections {
  metas: SectionLocation;
  /** v4 only. */
  structuredMetadata: SectionLocation | null;
  /** Where Loki expects the first block (after the header, or after the v4 SM section's CRC). */
  firstBlockOffset: number;
}

/** One block's entry in the metas section, as stored. */
export interface BlockMeta {
  /** Position in the metas (blocks Loki skips keep their position here). */
  metaIndex: number;
  /** Number of entries, as the writer counted them (Loki's writer sometimes counts entries it did not store). */
  entryCount: number;
  /** Smallest timestamp (int64 ns). */
  mint: bigint;
  /** Largest timestamp (int64 ns). */
  maxt: bigint;
  /** Absolute offset of the compressed block in the chunk. */
  offset: number;
  /** Compressed length (without the CRC). */
  length: number;
  /** Loki's head-size counter at the cut (v3+; 0 for v1/v2): line bytes plus 8 per structured-metadata pair. */
  uncompressedSize: number;
}

/**
 * Parses the chunk header.
 * @throws {LokiChunkError} `TRUNCATED`, `BAD_MAGIC`, `UNSUPPORTED_VERSION`.
 */
export function parseHeader(bytes: Uint8Array): ChunkHeader {
  const reader = new ByteReader(bytes);
  if (bytes.length < 4) reader.need(4, 'chunk header (magic)');
  const magic = reader.u32('magic number');
  if (magic !== CHUNK_MAGIC) {
    throw new LokiChunkError(
      'BAD_MAGIC',
      `not a Loki chunk: magic number is 0x${magic.toString(16).padStart(8, '0')}, expected 0x012ee56a`,
      { offset: 0 },
    );
  }
  const version = reader.u8('chunk format version');
  if (version < 1 || version > 4) {
    throw new LokiChunkError('UNSUPPORTED_VERSION', `unsupported chunk format version ${version} (known: 1-4)`, { offset: 4 });
  }
  const format = version as ChunkFormat;
  const encoding = format === 1 ? 1 : reader.u8('encoding byte');
  return { format, encoding, length: headerLength(format) };
}

/**
 * Reads the footer (`footerBytes` = the last {@link footerLength} bytes of a chunk of `chunkLength` bytes) and
 * checks that every section it names lies inside the chunk.
 * @throws {LokiChunkError} `TRUNCATED` or `OUT_OF_BOUNDS`.
 */
export function parseFooter(header: ChunkHeader, footerBytes: Uint8Array, chunkLength: number): ChunkSections {
  const size = footerLength(header.format);
  const footerOffset = chunkLength - size;
  if (footerOffset < header.length) {
    throw new LokiChunkError('TRUNCATED', `chunk of ${chunkLength} bytes is too short for a v${header.format} header and footer`, {
      offset: chunkLength,
    });
  }
  const reader = new ByteReader(footerBytes, 0, footerBytes.length, footerOffset);
  const field = (what: string): number => {
    const at = reader.offset;
    const value = reader.u64(what);
    if (value > BigInt(chunkLength)) {
      throw new LokiChunkError('OUT_OF_BOUNDS', `${what} ${value} at offset ${at} is beyond the chunk (${chunkLength} bytes)`, {
        offset: at,
      });
    }
    return Number(value);
  };
  if (header.format < 4) {
    const metasOffset = field('metas offset');
    const metasLength = footerOffset - CHECKSUM_LENGTH - metasOffset;
    if (metasOffset < header.length || metasLength < 1) {
      throw new LokiChunkError('OUT_OF_BOUNDS', `metas offset ${metasOffset} leaves no room for the metas section`, {
        offset: footerOffset,
      });
    }
    return { metas: { offset: metasOffset, length: metasLength }, structuredMetadata: null, firstBlockOffset: header.length };
  }
  const smLength = field('structured-metadata length');
  const smOffset = field('structured-metadata offset');
  const metasLength = field('metas length');
  const metasOffset = field('metas offset');
  checkSection('structured-metadata section', smOffset, smLength, header.length, footerOffset, footerOffset);
  checkSection('metas section', metasOffset, metasLength, header.length, footerOffset, footerOffset + 16);
  return {
    metas: { offset: metasOffset, length: metasLength },
    structuredMetadata: { offset: smOffset, length: smLength },
    firstBlockOffset: smOffset + smLength + CHECKSUM_LENGTH,
  };
}

function checkSection(what: string, offset: number, length: number, start: number, end: number, fieldAt: number): void {
  if (offset < start || offset + length + CHECKSUM_LENGTH > end || length < 1) {
    throw new LokiChunkError(
      'OUT_OF_BOUNDS',
      `${what} [${offset}, ${offset + length}) plus its checksum does not fit between the header and the footer (${start}..${end})`,
      { offset: fieldAt },
    );
  }
}

/** Compares the CRC-32C stored right after `section` (in `sectionWithCrc`) with the one computed. */
export function checkSectionCrc(sectionWithCrc: Uint8Array): ChecksumCheck {
  const length = sectionWithCrc.length - CHECKSUM_LENGTH;
  const view = new DataView(sectionWithCrc.buffer, sectionWithCrc.byteOffset, sectionWithCrc.byteLength);
  const stored = view.getUint32(length);
  const computed = crc32c(sectionWithCrc.subarray(0, length));
  return { stored, computed, ok: stored === computed };
}

/**
 * Parses the metas section (without its CRC): `uvarint #blocks`, then per block `uvarint #entries | varint mint |
 * varint maxt | uvarint offset | uvarint uncompressedSize (v3+) | uvarint len`.
 * @throws {LokiChunkError} `TRUNCATED`, `VARINT_OVERFLOW`, `MALFORMED`, `LIMIT_EXCEEDED`.
 */
export function parseMetas(metas: Uint8Array, metasOffset: number, format: ChunkFormat, limits: ChunkLimits): BlockMeta[] {
  const reader = new ByteReader(metas, 0, metas.length, metasOffset);
  const countAt = reader.offset;
  const count = reader.uvarint('block count');
  // Each block meta takes at least 5 bytes (6 in v3+), so a count beyond that is a lie: refuse before allocating.
  const minimumMetaSize = format >= 3 ? 6 : 5;
  if (count > limits.maxBlocks) {
    throw new LokiChunkError('LIMIT_EXCEEDED', `chunk claims ${count} blocks (maxBlocks ${limits.maxBlocks})`, { offset: countAt });
  }
  if (count * minimumMetaSize > reader.remaining) {
    throw new LokiChunkError('TRUNCATED', `metas claim ${count} blocks but hold only ${reader.remaining} bytes`, { offset: countAt });
  }
  const blocks: BlockMeta[] = [];
  for (let metaIndex = 0; metaIndex < count; metaIndex++) {
    const entryCount = reader.uvarint('block entry count');
    const mint = reader.varint64('block mint');
    const maxt = reader.varint64('block maxt');
    const offset = reader.uvarint('block offset');
    const uncompressedSize = format >= 3 ? reader.uvarint('block uncompressed size') : 0;
    const length = reader.uvarint('block length');
    blocks.push({ metaIndex, entryCount, mint, maxt, offset, length, uncompressedSize });
  }
  return blocks;
}
