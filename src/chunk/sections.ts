/**
 * The chunk's sections decoded: the metas (checked, parsed) and the v4 structured-metadata symbol table. Both
 * readers go through here: `readChunk` with views into the whole chunk, `openChunk` with the ranges it fetched.
 */
import type { Codec } from '../compression/codec.js';
import type { CodecRegistry } from '../compression/registry.js';
import { LokiChunkError } from '../errors.js';
import {
  checkSectionCrc,
  parseMetas,
  type BlockMeta,
  type ChecksumCheck,
  type ChunkHeader,
  type ChunkSections,
  type SectionLocation,
} from './layout.js';
import type { ChunkLimits } from './limits.js';
import { decodeSymbolTable } from './symbol-table.js';

/** The metas section, its checksum and the number of blocks it lists. */
export interface MetasSection extends SectionLocation {
  checksum: ChecksumCheck;
  blockCount: number;
}

/** The v4 structured-metadata section, its checksum and the number of symbols it holds. */
export interface StructuredMetadataSection extends SectionLocation {
  checksum: ChecksumCheck;
  symbolCount: number;
}

/** Everything known about a chunk before any block is touched. */
export interface DecodedSections {
  metas: MetasSection;
  /** One entry per block in the metas, in stored order. */
  blockMetas: BlockMeta[];
  structuredMetadata: StructuredMetadataSection | null;
  /** The v4 symbol table (empty before v4). */
  symbols: string[];
}

/** How strictly the sections are read. */
export interface SectionOptions {
  /** Raise `CHECKSUM_MISMATCH` on a bad section CRC (else record it). */
  verify: boolean;
  limits: ChunkLimits;
  /** WAL checkpoint chunks store the v4 symbols uncompressed. */
  fromCheckpoint: boolean;
}

/**
 * Checks and decodes the metas and (v4) structured-metadata sections. Each of `bytes` is one section followed by
 * its 4-byte CRC, located where `sections` says.
 * @throws {LokiChunkError} `CHECKSUM_MISMATCH`, or the parse errors of the metas and the symbol table.
 */
export function decodeSections(
  header: ChunkHeader,
  codec: Codec,
  sections: ChunkSections,
  bytes: { metas: Uint8Array; structuredMetadata: Uint8Array | null },
  options: SectionOptions,
): DecodedSections {
  const metasLocation = sections.metas;
  const metasChecksum = checkSectionCrc(bytes.metas);
  if (!metasChecksum.ok && options.verify) throw checksumError('metas section', metasLocation.offset, metasChecksum);
  const blockMetas = parseMetas(bytes.metas.subarray(0, metasLocation.length), metasLocation.offset, header.format, options.limits);

  let symbols: string[] = [];
  let structuredMetadata: StructuredMetadataSection | null = null;
  const location = sections.structuredMetadata;
  if (location && bytes.structuredMetadata) {
    const checksum = checkSectionCrc(bytes.structuredMetadata);
    if (!checksum.ok && options.verify) throw checksumError('structured-metadata section', location.offset, checksum);
    const section = bytes.structuredMetadata.subarray(0, location.length);
    symbols = decodeSymbolTable(section, location.offset, options.fromCheckpoint ? null : codec, options.limits);
    structuredMetadata = { ...location, checksum, symbolCount: symbols.length };
  }
  return {
    metas: { ...metasLocation, checksum: metasChecksum, blockCount: blockMetas.length },
    blockMetas,
    structuredMetadata,
    symbols,
  };
}

/**
 * The codec the header names.
 * @throws {LokiChunkError} `UNSUPPORTED_ENCODING` at the codec byte.
 */
export function codecForHeader(codecs: CodecRegistry, header: ChunkHeader): Codec {
  try {
    return codecs.get(header.encoding);
  } catch (error) {
    if (error instanceof LokiChunkError) throw error.at({ offset: 5 });
    throw error;
  }
}

/** A `CHECKSUM_MISMATCH` error for a section or block, with both CRCs in the message. */
export function checksumError(what: string, offset: number, checksum: ChecksumCheck, block?: number): LokiChunkError {
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return new LokiChunkError(
    'CHECKSUM_MISMATCH',
    `${what} at offset ${offset}: stored CRC-32C ${hex(checksum.stored)}, computed ${hex(checksum.computed)}`,
    { offset, block },
  );
}
