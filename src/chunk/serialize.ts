/**
 * Writing a chunk's bytes from its cut blocks and symbols, as Loki's `MemChunk.writeTo` does:
 * header | (v4) structured-metadata section + CRC | blocks, each + CRC | metas + CRC | footer.
 */
import { ByteWriter } from '../binary/byte-writer.js';
import { crc32c } from '../checksum/crc32c.js';
import type { Codec } from '../compression/codec.js';
import { CHECKSUM_LENGTH, CHUNK_MAGIC, footerLength, type ChunkFormat } from './constants.js';
import type { Symbolizer } from './symbolizer.js';

/** A cut block: where its compressed bytes are, and the metas Loki records for it. */
export interface CutBlock {
  /** Where the compressed payload starts in {@link ChunkContents.blockBytes}. */
  readonly offset: number;
  /** Length of the compressed payload. */
  readonly length: number;
  /** CRC-32C of the compressed payload. */
  readonly checksum: number;
  /** Length of the decompressed payload. */
  readonly payloadLength: number;
  /** Entries in the block. */
  readonly entryCount: number;
  /** Smallest timestamp in the block. */
  readonly mint: bigint;
  /** Largest timestamp in the block. */
  readonly maxt: bigint;
  /** Loki's head size counter at the cut (line bytes + 8 per structured-metadata pair). */
  readonly uncompressedSize: number;
}

/** What a chunk's bytes are made of. */
export interface ChunkContents {
  /** Chunk format, 1-4. */
  format: ChunkFormat;
  /** The codec of the blocks (its byte goes in the header; v4 symbols are compressed with it). */
  codec: Codec;
  /** The symbol table (written by format 4 only). */
  symbolizer: Symbolizer;
  /** The cut blocks, in chunk order. */
  blocks: readonly CutBlock[];
  /** The blocks' compressed payloads: block `b`'s is `blockBytes[b.offset, b.offset + b.length)`. */
  blockBytes: Uint8Array;
}

/**
 * The chunk bytes. `forCheckpoint`: the WAL checkpoint form, whose v4 symbol table is not compressed
 * (`writeTo(w, forCheckpoint=true)`).
 */
export function serializeChunk(contents: ChunkContents, forCheckpoint = false): Uint8Array {
  const { format, blocks } = contents;
  const section = format >= 4 ? contents.symbolizer.section(forCheckpoint ? null : contents.codec) : null;
  const header = format > 1 ? 6 : 5;
  const sectionSize = section ? section.length + CHECKSUM_LENGTH : 0;

  // The metas come first, so that the chunk is written into one buffer of exactly its size.
  const metas = new ByteWriter(16 + blocks.length * 48);
  metas.uvarint(blocks.length);
  let offset = header + sectionSize;
  for (const block of blocks) {
    metas.uvarint(block.entryCount);
    metas.varint64(block.mint);
    metas.varint64(block.maxt);
    metas.uvarint(offset);
    if (format >= 3) metas.uvarint(block.uncompressedSize);
    metas.uvarint(block.length);
    offset += block.length + CHECKSUM_LENGTH;
  }
  const metasOffset = offset;
  const metasBytes = metas.subarray();
  const size = metasOffset + metasBytes.length + CHECKSUM_LENGTH + footerLength(format);

  const out = new ByteWriter(size);
  out.u32(CHUNK_MAGIC);
  out.u8(format);
  if (format > 1) out.u8(contents.codec.id);
  if (section) {
    out.bytes(section);
    out.u32(crc32c(section));
  }
  for (const block of blocks) {
    out.copyFrom(contents.blockBytes, block.offset, block.offset + block.length);
    out.u32(block.checksum);
  }
  out.bytes(metasBytes);
  out.u32(crc32c(metasBytes));
  if (section) {
    out.u64(section.length);
    out.u64(header);
    out.u64(metasBytes.length);
  }
  out.u64(metasOffset);
  // Written to exactly its size: the buffer is the chunk, no copy needed.
  const bytes = out.subarray();
  return bytes.byteLength === bytes.buffer.byteLength ? bytes : out.toBytes();
}
