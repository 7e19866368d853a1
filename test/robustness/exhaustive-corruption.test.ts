/**
 * Every single-bit flip and every truncation of small chunks covering formats v1-v4 and every codec, enumerated
 * exhaustively. Each one either decodes (readChunk, forward and backward iteration, every block's decode) or
 * raises a well-formed LokiChunkError — in strict mode, with Loki's lenient recovery, and with checksums not
 * verified (so every flipped bit of a compressed block reaches its decompressor). In strict mode a flip inside a
 * CRC-covered byte is always detected; the only flips that can go unnoticed are in the bytes no CRC covers: the
 * header (magic, version, codec byte) and the footer (section offsets and lengths) — and on these chunks, only in
 * the codec byte.
 */
import { describe, expect, it } from 'vitest';
import { checkChunk } from '../../fuzz/oracle.js';
import { footerLength, headerLength, type ChunkFormat } from '../../src/chunk/constants.js';
import { crcCoverage, smallChunks } from './corpus.js';

const chunks = smallChunks();

function flipped(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

const fullyDecoded = (outcomes: string[]) => outcomes.length === 1 && outcomes[0] === 'decoded';

describe('exhaustive corruption', () => {
  it('covers formats 1-4 and all nine codecs', () => {
    const formats = new Set(chunks.map(({ bytes }) => bytes[4]));
    const codecs = new Set(chunks.map(({ bytes }) => (bytes[4] === 1 ? 1 : bytes[5])));
    expect([...formats].sort()).toEqual([1, 2, 3, 4]);
    expect([...codecs].sort((a, b) => a! - b!)).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9]);
  });

  describe.each(chunks.map((chunk) => [chunk.name, chunk] as const))('%s', (_name, { bytes }) => {
    const format = bytes[4] as ChunkFormat;
    const uncovered = new Set<number>();
    const coverage = crcCoverage(bytes);
    coverage.forEach((flag, i) => flag === 0 && uncovered.add(i));

    it('decodes as it is, and only its header and footer lie outside every CRC', () => {
      expect(checkChunk(bytes)).toEqual(['decoded']);
      const header = [...Array(headerLength(format)).keys()];
      const footer = [...Array(footerLength(format)).keys()].map((i) => bytes.length - footerLength(format) + i);
      expect([...uncovered]).toEqual([...header, ...footer]);
    });

    it('every bit flip: detected or decoded, and detected whenever a CRC covers the byte', () => {
      const undetected = new Set<number>();
      for (let bit = 0; bit < bytes.length * 8; bit++) {
        // checkChunk raises a Violation (failing the test with its message) for any broken guarantee.
        const outcomes = checkChunk(flipped(bytes, bit));
        if (fullyDecoded(outcomes)) undetected.add(bit >> 3);
      }
      const coveredButUndetected = [...undetected].filter((byte) => !uncovered.has(byte));
      expect(coveredButUndetected).toEqual([]);
      // In fact, of the uncovered bytes only the codec byte (5) lets flips through: lz4-64k/256k/1M/4M name the
      // same frames, and an empty stream can read as another codec's. Magic, version and footer flips are caught.
      expect([...undetected].filter((byte) => byte !== 5 || format === 1)).toEqual([]);
    });

    it('every bit flip, read leniently and without verifying checksums: decoded or a well-formed error', () => {
      for (let bit = 0; bit < bytes.length * 8; bit++) {
        const input = flipped(bytes, bit);
        checkChunk(input, { lenient: true });
        checkChunk(input, { verifyChecksums: false });
      }
    });

    it('every truncation is detected', () => {
      for (let length = 0; length < bytes.length; length++) {
        const outcomes = checkChunk(bytes.subarray(0, length));
        expect(fullyDecoded(outcomes), `truncated to ${length} bytes`).toBe(false);
      }
    });
  });
});
