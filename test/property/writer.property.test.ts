/**
 * Property tests of the writer against a small reference model of Loki's semantics: arbitrary entries (any int64
 * timestamp, any line bytes including empty, any structured metadata, any order, duplicates) x formats x codecs x
 * block sizes. The model: formats 1-2 refuse an entry older than the newest; formats 3-4 drop an entry identical to
 * one in the current head block; a block is cut when its line bytes + 8 per pair reach the block size; each block
 * is sorted by timestamp (stable); nothing is lost. When blocks overlap, Loki's rebuild re-merges them, so only its
 * invariants are checked. And encodeChunks keeps every chunk under the target size by Loki's own accounting,
 * unless a single entry forces it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_INT64, MIN_INT64 } from '../../src/binary/int64.js';
import { readChunk, type Chunk } from '../../src/chunk/chunk.js';
import { encodeChunksSync } from '../../src/chunk/encode-chunks.js';
import type { EntryInput } from '../../src/chunk/entry-input.js';
import { compareUtf8 } from '../../src/chunk/structured-metadata.js';
import { ChunkWriter } from '../../src/chunk/writer.js';
import { defaultCodecRegistry } from '../../src/compression/defaults.js';
import { LokiChunkError } from '../../src/errors.js';

const encoder = new TextEncoder();

/** Every codec Loki writes. */
const writableCodecs = defaultCodecRegistry()
  .list()
  .map((codec) => codec.name);

type Pair = [string, string];
interface ModelEntry {
  ts: bigint;
  line: Uint8Array;
  pairs: Pair[];
}

const timestamp = fc.oneof(
  fc.bigInt({ min: MIN_INT64, max: MAX_INT64 }),
  fc.constantFrom(MIN_INT64, MIN_INT64 + 1n, -1n, 0n, 1n, MAX_INT64 - 1n, MAX_INT64),
  fc.bigInt({ min: -3n, max: 3n }),
);
const line = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.uint8Array({ maxLength: 24 }),
  fc.constant(''),
);
const pairs = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'app', 'http.method', 'région', '0abc', ''), fc.string({ maxLength: 3 })), { maxLength: 3 });
const entry = fc.record({ timestamp, line, structuredMetadata: pairs });
/** Entries drawn from a small pool, so that duplicates and equal timestamps are common. */
const entries = fc
  .tuple(fc.array(entry, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 40 }), fc.array(entry, { maxLength: 10 }))
  .map(([pool, picks, fresh]) => [...picks.map((pick) => pool[pick % pool.length]!), ...fresh]);
const setup = fc.record({
  format: fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<1 | 2 | 3 | 4>,
  codec: fc.constantFrom(...writableCodecs),
  blockSize: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 64, max: 4096 })),
});

const lineBytes = (value: string | Uint8Array): Uint8Array => (typeof value === 'string' ? encoder.encode(value) : value);
const sortedPairs = (input: readonly Pair[]): Pair[] => [...input].sort((a, b) => compareUtf8(a[0], b[0]));
const sameEntry = (a: ModelEntry, b: ModelEntry): boolean =>
  a.ts === b.ts && Buffer.compare(a.line, b.line) === 0 && JSON.stringify(a.pairs) === JSON.stringify(b.pairs);
const byTimestamp = (a: ModelEntry, b: ModelEntry): number => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0);

/** The reference model: append results and the blocks, before any rebuild. */
function model(input: EntryInput[], format: number, blockSize: number) {
  const results: Array<'ok' | 'duplicate' | 'out of order'> = [];
  const blocks: ModelEntry[][] = [];
  let head: ModelEntry[] = [];
  let size = 0;
  let newest: bigint | undefined;
  for (const raw of input) {
    const item: ModelEntry = {
      ts: BigInt(raw.timestamp),
      line: lineBytes(raw.line),
      pairs: format >= 4 ? sortedPairs((raw.structuredMetadata ?? []) as Pair[]) : [],
    };
    if (format <= 2 && newest !== undefined && item.ts < newest) {
      results.push('out of order');
      continue;
    }
    if (format >= 3 && head.some((other) => sameEntry(other, item))) {
      results.push('duplicate');
      continue;
    }
    results.push('ok');
    newest = item.ts;
    head.push(item);
    size += item.line.length + item.pairs.length * 8;
    if (size >= blockSize) {
      blocks.push([...head].sort(byTimestamp)); // Array sort is stable: equal timestamps keep append order.
      head = [];
      size = 0;
    }
  }
  if (head.length > 0) blocks.push([...head].sort(byTimestamp));
  return { results, blocks };
}

function write(input: EntryInput[], format: 1 | 2 | 3 | 4, codec: string, blockSize: number) {
  const writer = new ChunkWriter({ format, encoding: codec, blockSize });
  const results = input.map((item) => {
    try {
      return writer.append(item).duplicate ? 'duplicate' : 'ok';
    } catch (error) {
      if (error instanceof LokiChunkError && error.code === 'OUT_OF_ORDER') return 'out of order';
      throw error;
    }
  });
  return { results, chunk: readChunk(writer.finish()) };
}

const decoded = (chunk: Chunk): ModelEntry[][] =>
  chunk.blocks.map((block) =>
    block.decode().map((item) => ({ ts: item.timestamp, line: item.lineBytes, pairs: item.structuredMetadata.map(([n, v]): Pair => [n, v]) })),
  );
const keyOf = (item: ModelEntry): string => `${item.ts}|${Buffer.from(item.line).toString('hex')}|${JSON.stringify(item.pairs)}`;
const overlapping = (blocks: ModelEntry[][]): boolean =>
  blocks.some((block, i) => i > 0 && block[0]!.ts < blocks[i - 1]!.at(-1)!.ts);

describe('writer properties', () => {
  it('writes with every codec Loki writes', () => {
    expect(writableCodecs).toEqual(['none', 'gzip', 'lz4-64k', 'snappy', 'lz4-256k', 'lz4-1M', 'lz4', 'flate', 'zstd']);
  });

  it('the chunk holds what the reference model of Loki predicts, and Loki reads all of it back', () => {
    fc.assert(
      fc.property(entries, setup, (input, { format, codec, blockSize }) => {
        const effectiveCodec = format === 1 ? 'gzip' : codec;
        const expected = model(input, format, blockSize);
        const { results, chunk } = write(input, format, effectiveCodec, blockSize);
        expect(results).toEqual(expected.results);
        const blocks = decoded(chunk);

        if (!(format >= 3 && overlapping(expected.blocks))) {
          expect(blocks).toEqual(expected.blocks);
          expect(chunk.blocks.map((b) => [b.entryCount, b.mint, b.maxt])).toEqual(
            expected.blocks.map((block) => [block.length, block[0]!.ts, block.at(-1)!.ts]),
          );
          if (format >= 3) {
            expect(chunk.blocks.map((b) => b.uncompressedSize)).toEqual(
              expected.blocks.map((block) => block.reduce((sum, item) => sum + item.line.length + item.pairs.length * 8, 0)),
            );
          }
        } else {
          // Loki's rebuild: sorted, non-overlapping blocks without duplicates inside a block, the same distinct entries.
          const flat = blocks.flat();
          expect(flat.every((item, i) => i === 0 || flat[i - 1]!.ts <= item.ts)).toBe(true);
          for (const block of blocks) expect(new Set(block.map(keyOf)).size).toBe(block.length);
          expect(new Set(flat.map(keyOf))).toEqual(new Set(expected.blocks.flat().map(keyOf)));
          expect(flat.length).toBeLessThanOrEqual(expected.blocks.flat().length);
        }

        // Loki's reader returns every entry (its upper bound is exclusive, so never one at MaxInt64).
        const stored = blocks.flat().filter((item) => item.ts !== MAX_INT64).map(keyOf).sort();
        expect([...chunk.entries()].map((item) => keyOf({ ts: item.timestamp, line: item.lineBytes, pairs: item.structuredMetadata as Pair[] })).sort()).toEqual(stored);
        expect(chunk.entryCount).toBe(blocks.flat().length);
      }),
      { numRuns: 300 },
    );
  });

  it('encodeChunks keeps each chunk under the target by Loki\'s accounting, unless one entry forces it', () => {
    const sorted = entries.map((list) => [...list].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0)));
    const sizes = fc.record({ targetSize: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 400 })), blockSize: fc.integer({ min: 1, max: 120 }) });
    fc.assert(
      fc.property(sorted, setup, sizes, (input, { format, codec }, { targetSize, blockSize }) => {
        const effectiveCodec = format === 1 ? 'gzip' : codec;
        const chunks = [...encodeChunksSync(input, { format, encoding: effectiveCodec, blockSize, targetSize })];
        let next = 0; // Index of the first input entry of the chunk.
        chunks.forEach((encoded, i) => {
          const chunk = readChunk(encoded.bytes);
          const consumed = encoded.entryCount + encoded.duplicates;
          expect(consumed).toBeGreaterThan(0);
          const symbolBytes = chunk.symbols.reduce((sum, symbol) => sum + encoder.encode(symbol).length, 0);
          // Loki's head-size counter of each block (stored in v3+ metas; recomputed so that v1-v2 are checked too).
          const headSizes = decoded(chunk).map((block) => block.reduce((sum, item) => sum + item.line.length + item.pairs.length * 8, 0));
          const lastSize = headSizes.at(-1)!;
          const cutByAppend = lastSize >= blockSize;
          const earlier = chunk.blocks.slice(0, -1).reduce((sum, block) => sum + block.length, 0);
          // Loki's SpaceFor: symbols + compressed cut blocks + uncompressed head (+ the next entry) < target. The
          // last entry was checked with its names and values but counts 8 per pair in the head: hence the slack.
          if (targetSize > 0 && consumed > 1) {
            const lastPairs = format >= 4 ? (input[next + consumed - 1]!.structuredMetadata ?? []).length : 0;
            expect(symbolBytes + earlier + lastSize).toBeLessThan(targetSize + 8 * lastPairs);
          }
          if (targetSize === 0) expect(chunk.blocks.length).toBeLessThanOrEqual(10);
          if (i < chunks.length - 1) {
            // The chunk was closed because the next entry did not fit.
            const following = input[next + consumed]!;
            if (targetSize === 0) {
              expect(chunk.blocks.length).toBe(10);
            } else {
              const head = cutByAppend ? 0 : lastSize;
              const cut = cutByAppend ? earlier + chunk.blocks.at(-1)!.length : earlier;
              const pairsSize =
                format >= 4
                  ? ((following.structuredMetadata ?? []) as Pair[]).reduce((sum, [n, v]) => sum + encoder.encode(n).length + encoder.encode(v).length, 0)
                  : 0;
              expect(symbolBytes + cut + head + lineBytes(following.line).length + pairsSize).toBeGreaterThanOrEqual(targetSize);
            }
          }
          next += consumed;
        });
        expect(next).toBe(input.length);
      }),
      { numRuns: 300 },
    );
  });
});
