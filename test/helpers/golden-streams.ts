/**
 * Every compressed stream inside Loki's golden chunks, located from the sidecars alone (no chunk reader): each
 * block (`blocks[].offset/len`) and each v4 structured-metadata section's stream (`uvarint #symbols`, then the
 * stream, up to `structuredMetadataSection.len`). Checkpoint chunks store their symbols uncompressed, so their
 * symbol sections are not listed.
 */
import { goldenBytes, loadGoldenCases, type GoldenCase } from './golden-cases.js';

/** Codec byte of format-1 chunks, which store none: gzip. */
const FORMAT_1_CODEC = 1;

/** One compressed stream cut out of a golden chunk. */
export interface GoldenStream {
  /** `<case> block <i>` or `<case> symbols`. */
  name: string;
  golden: GoldenCase;
  /** Loki codec byte the stream is compressed with. */
  codecId: number;
  kind: 'block' | 'symbols';
  /** Block index, for blocks. */
  block?: number;
  /** The stream's bytes, a view into the chunk. */
  compressed: Uint8Array;
}

/** Reads the uvarint at `at`; returns the offset after it. */
function skipUvarint(data: Uint8Array, at: number): number {
  while ((data[at++]! & 0x80) !== 0) {
    if (at >= data.length) throw new Error('uvarint runs past the chunk');
  }
  return at;
}

/** The streams of one golden case. */
export function goldenStreamsOf(golden: GoldenCase): GoldenStream[] {
  const chunk = goldenBytes(`${golden.case}.chunk`);
  const codecId = golden.format === 1 ? FORMAT_1_CODEC : golden.encoding.byte;
  const streams: GoldenStream[] = golden.blocks.map((block, index) => ({
    name: `${golden.case} block ${index}`,
    golden,
    codecId,
    kind: 'block',
    block: index,
    compressed: chunk.subarray(block.offset, block.offset + block.len),
  }));
  const section = golden.structuredMetadataSection;
  if (section && golden.kind !== 'checkpoint') {
    streams.push({
      name: `${golden.case} symbols`,
      golden,
      codecId,
      kind: 'symbols',
      compressed: chunk.subarray(skipUvarint(chunk, section.offset), section.offset + section.len),
    });
  }
  return streams;
}

/** Every compressed stream of every golden case, in case-name order. */
export function goldenStreams(): GoldenStream[] {
  return loadGoldenCases().flatMap(goldenStreamsOf);
}
