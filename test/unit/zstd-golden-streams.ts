/**
 * Every zstd stream in Loki's golden chunks: block payloads and v4 structured-metadata sections (checkpoint
 * chunks store their symbols uncompressed, so those are skipped).
 */
import { goldenBytes, loadGoldenCases } from '../helpers/golden-cases.js';

/** One compressed stream cut out of a golden chunk. */
export interface GoldenZstdStream {
  name: string;
  compressed: Uint8Array;
}

/** Reads a uvarint at `at`; returns [value, next offset]. */
function uvarint(data: Uint8Array, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = data[at++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, at];
    scale *= 128;
  }
}

export function goldenZstdStreams(): GoldenZstdStream[] {
  const streams: GoldenZstdStream[] = [];
  for (const golden of loadGoldenCases()) {
    if (golden.encoding.byte !== 9) continue;
    const chunk = goldenBytes(`${golden.case}.chunk`);
    golden.blocks.forEach((block, index) => {
      streams.push({
        name: `${golden.case} block ${index}`,
        compressed: chunk.subarray(block.offset, block.offset + block.len),
      });
    });
    const section = golden.structuredMetadataSection;
    if (section && golden.kind !== 'checkpoint') {
      const [, streamStart] = uvarint(chunk, section.offset);
      streams.push({
        name: `${golden.case} symbols`,
        compressed: chunk.subarray(streamStart, section.offset + section.len),
      });
    }
  }
  return streams;
}

/** Byte equality, fast on large arrays (vitest's deep equality walks element by element). */
export function sameBytes(actual: Uint8Array | undefined, expected: Uint8Array): boolean {
  return actual !== undefined && Buffer.compare(actual, expected) === 0;
}
