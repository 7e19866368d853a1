/**
 * A chunk taken apart into its sections and put back together with fresh offsets and CRC-32Cs. Structure-aware
 * mutations edit the parts (a metas field, a block's bytes, a decompressed payload) and reassemble, so the
 * mutated chunk gets past the checksums and exercises the decompressors and the entry parser.
 */
import { ByteWriter } from '../src/binary/byte-writer.js';
import { crc32c } from '../src/checksum/crc32c.js';
import { readChunk } from '../src/chunk/chunk.js';
import { CHUNK_MAGIC, type ChunkFormat } from '../src/chunk/constants.js';

/** One block: its compressed bytes and its metas fields (wide enough to hold any value a varint can). */
export interface BlockPart {
  data: Uint8Array;
  entryCount: bigint;
  mint: bigint;
  maxt: bigint;
  uncompressedSize: bigint;
  /** Stored offset; `undefined` = where the block really is. */
  offset?: bigint;
  /** Stored length; `undefined` = the data's length. */
  length?: bigint;
}

/** A chunk as parts. */
export interface ChunkParts {
  format: ChunkFormat;
  encoding: number;
  /** v4: the structured-metadata section (symbol count and compressed symbols), without its CRC. */
  symbols: Uint8Array | null;
  blocks: BlockPart[];
  /** Stored block count; `undefined` = `blocks.length`. */
  blockCount?: bigint;
}

/** Takes a sound chunk apart (throws if it is not one). */
export function disassemble(bytes: Uint8Array, fromCheckpoint = false): ChunkParts {
  const chunk = readChunk(bytes, { fromCheckpoint });
  const sm = chunk.structuredMetadata;
  return {
    format: chunk.format,
    encoding: chunk.encoding.id,
    symbols: sm ? bytes.slice(sm.offset, sm.offset + sm.length) : null,
    blocks: chunk.blocks.map((block) => ({
      data: block.compressedBytes().slice(),
      entryCount: BigInt(block.entryCount),
      mint: block.mint,
      maxt: block.maxt,
      uncompressedSize: BigInt(block.uncompressedSize),
    })),
  };
}

/** Writes the parts as a chunk: header, (v4) symbols, blocks, metas, footer, every CRC-32C recomputed. */
export function assemble(parts: ChunkParts): Uint8Array {
  const out = new ByteWriter(4096);
  out.u32(CHUNK_MAGIC);
  out.u8(parts.format);
  if (parts.format > 1) out.u8(parts.encoding);
  let symbolsOffset = 0;
  if (parts.format === 4) {
    const symbols = parts.symbols ?? new Uint8Array([0]);
    symbolsOffset = out.subarray().length;
    out.bytes(symbols);
    out.u32(crc32c(symbols));
  }
  const offsets = parts.blocks.map((block) => {
    const offset = out.subarray().length;
    out.bytes(block.data);
    out.u32(crc32c(block.data));
    return offset;
  });
  const metasOffset = out.subarray().length;
  const metas = new ByteWriter(256);
  metas.uvarint64(parts.blockCount ?? BigInt(parts.blocks.length));
  parts.blocks.forEach((block, i) => {
    metas.uvarint64(block.entryCount);
    metas.varint64(block.mint);
    metas.varint64(block.maxt);
    metas.uvarint64(block.offset ?? BigInt(offsets[i]!));
    if (parts.format >= 3) metas.uvarint64(block.uncompressedSize);
    metas.uvarint64(block.length ?? BigInt(block.data.length));
  });
  const metasBytes = metas.toBytes();
  out.bytes(metasBytes);
  out.u32(crc32c(metasBytes));
  if (parts.format === 4) {
    out.u64(parts.symbols?.length ?? 1);
    out.u64(symbolsOffset);
    out.u64(metasBytes.length);
  }
  out.u64(metasOffset);
  return out.toBytes();
}

/** Where a sound chunk's CRC-covered sections are (each `[offset, offset + length)` followed by its CRC). */
export function sectionsOf(bytes: Uint8Array, fromCheckpoint = false): Array<{ offset: number; length: number }> {
  const chunk = readChunk(bytes, { fromCheckpoint });
  const sections = chunk.blocks.map((block) => ({ offset: block.offset, length: block.length }));
  sections.push({ offset: chunk.metas.offset, length: chunk.metas.length });
  if (chunk.structuredMetadata) sections.push({ offset: chunk.structuredMetadata.offset, length: chunk.structuredMetadata.length });
  return sections;
}

/** Recomputes the CRC-32C after each section in place (sections must lie inside `bytes`). */
export function fixChecksums(bytes: Uint8Array, sections: ReadonlyArray<{ offset: number; length: number }>): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const { offset, length } of sections) {
    if (offset + length + 4 <= bytes.length) view.setUint32(offset + length, crc32c(bytes.subarray(offset, offset + length)));
  }
}
