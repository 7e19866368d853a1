/**
 * The small chunks the exhaustive corruption tests enumerate: golden chunks written by Loki covering v2-v4 and
 * most codecs, plus three derived from golden ones where Loki's fixtures have no small chunk: v1 (a golden gzip
 * block reassembled as format 1), flate and lz4-1M (a golden payload recompressed by our codec).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readChunk } from '../../src/chunk/chunk.js';
import { CHECKSUM_LENGTH } from '../../src/chunk/constants.js';
import { defaultCodecRegistry } from '../../src/compression/defaults.js';
import { assemble, disassemble } from '../../fuzz/chunk-model.js';

const GOLDEN = join(__dirname, '..', '..', 'fixtures', 'golden');

export function golden(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(GOLDEN, `${name}.chunk`)));
}

/** A golden chunk's blocks recompressed with another codec (and optionally another format). */
function recompressed(name: string, codecName: string, format?: 1 | 2 | 3 | 4): Uint8Array {
  const parts = disassemble(golden(name));
  const from = defaultCodecRegistry().get(parts.encoding);
  const to = defaultCodecRegistry().get(codecName);
  parts.blocks = parts.blocks.map((block) => ({
    ...block,
    data: to.compress(from.decompress(block.data, { maxOutputSize: 1 << 20 })),
  }));
  parts.encoding = to.id;
  if (format) parts.format = format;
  return assemble(parts);
}

/** Name and bytes of every chunk the exhaustive tests cover. */
export function smallChunks(): Array<{ name: string; bytes: Uint8Array }> {
  const names = [
    'single-v2-none',
    'ts-zero-v3-none',
    'single-v3-gzip',
    'single-v4-none-nosm',
    'ts-zero-v4-none',
    'single-v4-snappy',
    'empty-v4-gzip',
    'empty-v4-zstd',
    'empty-v4-lz4-4M',
    'sm-repeated-values-v4-lz4-256k',
    'unicode-v3-lz4-64k',
    'unicode-v4-zstd',
  ];
  const chunks = names.map((name) => ({ name, bytes: golden(name) }));
  chunks.push({ name: 'derived-v1-gzip (single-v3-gzip as format 1)', bytes: recompressed('single-v3-gzip', 'gzip', 1) });
  chunks.push({ name: 'derived-v2-flate (single-v2-none recompressed)', bytes: recompressed('single-v2-none', 'flate') });
  chunks.push({ name: 'derived-v4-lz4-1M (ts-zero-v4-none recompressed)', bytes: recompressed('ts-zero-v4-none', 'lz4-1M') });
  return chunks;
}

/**
 * Which bytes of a sound chunk a CRC-32C covers: every section (v4 symbols, blocks, metas) and the CRC stored
 * after it. The rest is the header (magic, version, codec byte) and the footer.
 */
export function crcCoverage(bytes: Uint8Array): Uint8Array {
  const chunk = readChunk(bytes);
  const covered = new Uint8Array(bytes.length);
  const mark = (offset: number, length: number) => covered.fill(1, offset, offset + length + CHECKSUM_LENGTH);
  for (const block of chunk.blocks) mark(block.offset, block.length);
  mark(chunk.metas.offset, chunk.metas.length);
  if (chunk.structuredMetadata) mark(chunk.structuredMetadata.offset, chunk.structuredMetadata.length);
  return covered;
}
