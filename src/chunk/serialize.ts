/**
 * Writing a chunk's bytes from its cut blocks and symbols, as Loki's `MemChunk.writeTo` does:
 * header | (v4) structured-metadata section + CRC | blocks, each + CRC | metas + CRC | footer.
 */
import { ByteWriter } from '../binary/byte-writer.js';
import { crc32c } from '../checksum/crc32c.js';
import type { Codec } from '../compression/codec.js';
import { CHECKSUM_LENGTH, CHUNK_MAGIC, footerLength, type ChunkFormat } from './constants.js';
import type { Symbolizer } from './symbolizer.js';

/** A cut block: its compressed bytes and the metas Loki records for it. */
export interface CutBlock {
  /** The compressed payload. */
  readonly bytes: Uint8Array;
  /** CRC-32C of `bytes`. */
  readonly checksum: number;
  /** Length of the decompressed payload. */
  readonly payloadLength: number;
  /** Entries in the block. */
  readonly entryCount: number;
  readonly mint: bigint;
  readonly maxt: bigint;
  /** Loki's head size counter at the cut (line bytes + 8 per structured-metadata pair). */
  readonly uncompressedSize: number;
}

/** What a chunk's bytes are made of. */
export interface ChunkContents {
  format: ChunkFormat;
  codec: Codec;
  symbolizer: Symbolizer;
  blocks: readonly CutBlock[];
}

/**
 * The chunk bytes. `forCheckpoint`: the WAL checkpoint form, whose v4 symbol table is not compressed
 * (`writeTo(w, forCheckpoint=true)`).
 */
export function serializeChunk(contents: ChunkContents, forCheckpoint = false): Uint8Array {
  const { format, blocks } = contents;
  const section = format >= 4 ? contents.symbolizer.section(forCheckpoint ? null : contents.codec) : null;
  let blockBytes = 0;
  for (const block of blocks) blockBytes += block.bytes.length + CHECKSUM_LENGTH;
  const out = new ByteWriter(6 + (section ? section.length + CHECKSUM_LENGTH : 0) + blockBytes + 10 + blocks.length * 60 + 4 + footerLength(format));

  out.u32(CHUNK_MAGIC);
  out.u8(format);
  if (format > 1) out.u8(contents.codec.id);

  const sectionOffset = out.length;
  if (section) {
    out.bytes(section);
    out.u32(crc32c(section));
  }

  const offsets: number[] = [];
  for (const block of blocks) {
    offsets.push(out.length);
    out.bytes(block.bytes);
    out.u32(block.checksum);
  }

  const metasOffset = out.length;
  out.uvarint(blocks.length);
  blocks.forEach((block, i) => {
    out.uvarint(block.entryCount);
    out.varint64(block.mint);
    out.varint64(block.maxt);
    out.uvarint(offsets[i]!);
    if (format >= 3) out.uvarint(block.uncompressedSize);
    out.uvarint(block.bytes.length);
  });
  const metasLength = out.length - metasOffset;
  out.u32(crc32c(out.subarray().subarray(metasOffset)));

  if (section) {
    out.u64(section.length);
    out.u64(sectionOffset);
    out.u64(metasLength);
  }
  out.u64(metasOffset);
  return out.toBytes();
}
