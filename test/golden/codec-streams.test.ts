/**
 * Every compressed stream in Loki's golden chunks (blocks and v4 symbol sections) decodes with our codecs, and
 * our encoders round-trip what it decodes to. Where we reproduce Loki's Go encoder (lz4, snappy) the bytes
 * must be identical to Loki's; gzip must at least carry Loki's header.
 */
import { describe, expect, it } from 'vitest';
import { CodecId } from '../../src/compression/codec.js';
import { createCodecRegistry } from '../../src/compression/defaults.js';
import { loadGoldenCases } from '../helpers/golden-cases.js';
import { goldenStreams, goldenStreamsOf, type GoldenStream } from '../helpers/golden-streams.js';

const codecs = createCodecRegistry();
const streams = goldenStreams();
const unlimited = { maxOutputSize: 1 << 30 };

/** Codecs whose Go encoder we reproduce exactly. */
const BYTE_IDENTICAL = new Set<number>([
  CodecId.none,
  CodecId['lz4-64k'],
  CodecId['lz4-256k'],
  CodecId['lz4-1M'],
  CodecId.lz4,
  CodecId.snappy,
]);
const LOKI_GZIP_HEADER = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x09, 0x6e, 0x88, 0x00, 0xff];

function sameBytes(actual: Uint8Array, expected: Uint8Array): boolean {
  return Buffer.compare(actual, expected) === 0;
}

/** Decodes with the metas' uncompressed size as the hint (Loki's figure is not always the exact size). */
function decode(stream: GoldenStream): Uint8Array {
  return codecs.get(stream.codecId).decompress(stream.compressed, {
    ...unlimited,
    sizeHint: stream.kind === 'block' ? stream.golden.blocks[stream.block!]!.uncompressedSize : undefined,
  });
}

describe('golden compressed streams', () => {
  it('cover every golden case and every codec', () => {
    const cases = loadGoldenCases();
    expect(cases.length).toBeGreaterThanOrEqual(109);
    const withStreams = new Set(streams.map((stream) => stream.golden.case));
    const blockless = cases.filter((golden) => !withStreams.has(golden.case)).map((golden) => golden.case);
    // Only chunks without blocks or symbols have no stream.
    for (const name of blockless) expect(cases.find((golden) => golden.case === name)!.blocks).toHaveLength(0);
    const ids = new Set(streams.map((stream) => stream.codecId));
    expect([...ids].sort((a, b) => a - b)).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9]);
    expect(streams.some((stream) => stream.kind === 'symbols')).toBe(true);
  });

  it.each(loadGoldenCases().map((golden) => [golden.case, golden] as const))(
    '%s: every stream decodes and our encoder round-trips it',
    (_name, golden) => {
      for (const stream of goldenStreamsOf(golden)) {
        const codec = codecs.get(stream.codecId);
        const decoded = decode(stream);
        if (stream.codecId === CodecId.none) expect(sameBytes(decoded, stream.compressed), stream.name).toBe(true);

        const recompressed = codec.compress(decoded);
        const back = codec.decompress(recompressed, { maxOutputSize: decoded.length });
        expect(sameBytes(back, decoded), `${stream.name}: round trip`).toBe(true);

        if (BYTE_IDENTICAL.has(stream.codecId)) {
          expect(sameBytes(recompressed, stream.compressed), `${stream.name}: same bytes as Loki`).toBe(true);
        }
        if (stream.codecId === CodecId.gzip) {
          expect([...recompressed.subarray(0, 10)], stream.name).toEqual([...stream.compressed.subarray(0, 10)]);
          expect([...stream.compressed.subarray(0, 10)], stream.name).toEqual(LOKI_GZIP_HEADER);
        }
      }
    },
  );

  it("compressing the 'none' matrix blocks gives Loki's lz4 and snappy blocks of the same data", () => {
    const cases = new Map(loadGoldenCases().map((golden) => [golden.case, golden]));
    let compared = 0;
    for (const format of [2, 3, 4]) {
      const none = cases.get(`matrix-v${format}-none`);
      if (!none) continue;
      const rawBlocks = goldenStreamsOf(none).filter((stream) => stream.kind === 'block');
      for (const suffix of ['lz4-64k', 'lz4-256k', 'lz4-1M', 'lz4-4M', 'snappy', 'gzip']) {
        const other = cases.get(`matrix-v${format}-${suffix}`);
        if (!other) continue;
        const lokiBlocks = goldenStreamsOf(other).filter((stream) => stream.kind === 'block');
        const codec = codecs.get(lokiBlocks[0]!.codecId);
        rawBlocks.forEach((raw, index) => {
          const loki = lokiBlocks[index];
          if (!loki || !sameBytes(decode(loki), raw.compressed)) return;
          const ours = codec.compress(raw.compressed);
          if (suffix === 'gzip') expect([...ours.subarray(0, 10)]).toEqual(LOKI_GZIP_HEADER);
          else expect(sameBytes(ours, loki.compressed), `${other.case} block ${index}`).toBe(true);
          compared++;
        });
      }
    }
    expect(compared).toBeGreaterThan(50);
  });
});
