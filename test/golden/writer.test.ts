/**
 * The acceptance test of the writer: appending each golden case's `input` with its format, codec, block size and
 * target size gives what Loki's Go code gave: the same append results, the same block metas and symbol table, the
 * same decompressed block payloads, and for codec `none` the same bytes (SHA-256). For every codec, with a codec
 * that returns the compressed streams Loki's Go libraries produced (`lokisCompression`), the bytes are Loki's too:
 * that checks the layout, metas, CRCs and symbol section whatever our compressors' output. The target-size cases
 * are parts of sequences: each sequence goes through `encodeChunks` and must give Loki's parts.
 *
 * Not every case is compared with Loki's bytes. Where the sidecar shows Loki losing or altering data, the writer
 * deliberately differs (README, "Deliberate differences from Loki"), and the test asserts the writer's correct
 * behaviour instead:
 * - `empty-lines-v3-snappy`, `empty-lines-v4-none`, `ts-zero-v2-none`: Loki's block mint is not the smallest
 *   timestamp of the block (leading empty lines in v3/v4; a block starting at ts 0 in v2). Ours is; all else equal.
 * - `only-empty-lines-v3-none`, `only-empty-lines-v4-none`: Loki never cuts a head holding only empty lines and
 *   loses them; we keep them.
 * - `ts-negative-v3-gzip`, `ts-negative-v4-gzip`, `ts-extremes-v3-snappy`, `ts-extremes-v4-snappy`: Loki's v3/v4
 *   blocks drop timestamps outside [0, MaxInt64-1] and its rebuild then empties or shrinks the chunk; we keep all.
 * - `ts-negative-noclose-v3-gzip`, `ts-negative-noclose-v4-gzip`: the same loss seen before Close(): Loki's blocks
 *   of negative entries are empty and their maxt is 0; ours hold the entry, maxt is its timestamp.
 * - `out-of-order-sm-normalize-v4-none`: Loki's rebuild renames structured-metadata names (http.method ->
 *   http_method); ours stores the names given. Blocks, entries and order are Loki's.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/chunk/checkpoint.js';
import { readChunk, type Chunk } from '../../src/chunk/chunk.js';
import { encodeChunksSync } from '../../src/chunk/encode-chunks.js';
import type { EntryInput } from '../../src/chunk/entry-input.js';
import { normalizeStructuredMetadata } from '../../src/chunk/structured-metadata.js';
import { ChunkWriter } from '../../src/chunk/writer.js';
import { entryFromJSON } from '../../src/cli/ndjson.js';
import type { Codec } from '../../src/compression/codec.js';
import { defaultCodecRegistry } from '../../src/compression/defaults.js';
import { CodecRegistry } from '../../src/compression/registry.js';
import { LokiChunkError } from '../../src/errors.js';
import { goldenBytes, loadGoldenCases, toGoldenEntry, type GoldenCase, type GoldenEntry } from '../helpers/golden-cases.js';

const cases = loadGoldenCases();
const MAX_INT64 = (1n << 63n) - 1n;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const inputOf = (golden: GoldenCase): EntryInput[] => golden.input.map(entryFromJSON);

function writerFor(golden: GoldenCase, codecs?: CodecRegistry): ChunkWriter {
  return new ChunkWriter({
    format: golden.format as 1 | 2 | 3 | 4,
    encoding: golden.encoding.byte,
    blockSize: golden.blockSize,
    targetSize: golden.targetSize,
    ...(codecs ? { codecs } : {}),
  });
}

/** Appends every entry, recording what the sidecars record: duplicates and refusals, by input index. */
function appendAll(writer: ChunkWriter, input: EntryInput[]): Array<{ index: number; dup?: boolean; error?: string }> {
  const results: Array<{ index: number; dup?: boolean; error?: string }> = [];
  input.forEach((entry, index) => {
    try {
      if (writer.append(entry).duplicate) results.push({ index, dup: true });
    } catch (error) {
      if (!(error instanceof LokiChunkError) || error.code !== 'OUT_OF_ORDER') throw error;
      results.push({ index, error: 'entry out of order' });
    }
  });
  return results;
}

/** What the case's writer produces: `finish()`, or Loki's `Bytes()` without `Close()`, or the checkpoint pair. */
function written(
  golden: GoldenCase,
  codecs?: CodecRegistry,
): { chunk: Uint8Array; head?: Uint8Array; appendResults: ReturnType<typeof appendAll>; writer: ChunkWriter } {
  const writer = writerFor(golden, codecs);
  const appendResults = appendAll(writer, inputOf(golden));
  if (golden.kind === 'checkpoint') return { ...writer.checkpoint(), appendResults, writer };
  return { chunk: golden.closedBeforeSerialize ? writer.finish() : writer.cutBlocksBytes(), appendResults, writer };
}

const metasOf = (chunk: Chunk) =>
  chunk.blocks.map((block) => ({
    numEntries: block.entryCount,
    mint: block.mint.toString(),
    maxt: block.maxt.toString(),
    uncompressedSize: block.uncompressedSize,
  }));
const goldenMetas = (golden: GoldenCase) =>
  golden.blocks.map(({ numEntries, mint, maxt, uncompressedSize }) => ({ numEntries, mint, maxt, uncompressedSize }));
const payloadDigests = (chunk: Chunk) => chunk.blocks.map((block) => sha256(block.decompress()));
const readGolden = (golden: GoldenCase) => readChunk(goldenBytes(`${golden.case}.chunk`), { fromCheckpoint: golden.kind === 'checkpoint' });
const readOurs = (golden: GoldenCase, bytes: Uint8Array) => readChunk(bytes, { fromCheckpoint: golden.kind === 'checkpoint' });

/** Everything Loki's chunk shows, compared: metas, symbols, decompressed payloads, and for `none` the bytes. */
function expectLokisChunk(golden: GoldenCase, bytes: Uint8Array): void {
  const ours = readOurs(golden, bytes);
  const theirs = readGolden(golden);
  expect(ours.format).toBe(golden.format);
  expect(ours.encoding.id).toBe(theirs.encoding.id);
  expect(metasOf(ours)).toEqual(goldenMetas(golden));
  expect(ours.symbols).toEqual(golden.symbols ?? []);
  expect(payloadDigests(ours)).toEqual(payloadDigests(theirs));
  if (golden.encoding.name === 'none') {
    expect(bytes.length).toBe(golden.bytes);
    expect(sha256(bytes)).toBe(golden.sha256);
  }
}

/** The input as the chunk must hold it: every entry, sorted by timestamp (stable), metadata sorted by name. */
function sortedInput(golden: GoldenCase): GoldenEntry[] {
  return golden.input
    .map((entry) => ({ ts: entry.ts, ...(entry.line !== undefined ? { line: entry.line } : { lineBase64: entry.lineBase64 }), ...storedMetadata(golden, entry) }))
    .sort((a, b) => (BigInt(a.ts) < BigInt(b.ts) ? -1 : BigInt(a.ts) > BigInt(b.ts) ? 1 : 0));
}

function storedMetadata(golden: GoldenCase, entry: GoldenEntry): { structuredMetadata?: Array<[string, string]> } {
  if (golden.format < 4 || !entry.structuredMetadata?.length) return {};
  return { structuredMetadata: [...entry.structuredMetadata].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) };
}

const decodedBlocks = (chunk: Chunk) => chunk.blocks.map((block) => block.decode().map(toGoldenEntry));
const minTimestamp = (entries: GoldenEntry[]) => entries.reduce((min, e) => (BigInt(e.ts) < min ? BigInt(e.ts) : min), MAX_INT64);

/** The deliberate differences, each with the behaviour asserted instead of Loki's. */
const DIFFERENCES: Record<string, { reason: string; expect: (golden: GoldenCase, bytes: Uint8Array) => void }> = {};

const trueMint = {
  reason: "Loki's block mint is not the block's smallest timestamp; ours is, everything else is Loki's",
  expect(golden: GoldenCase, bytes: Uint8Array) {
    const ours = readOurs(golden, bytes);
    const theirs = readGolden(golden);
    const corrected = goldenMetas(golden).map((meta, i) => ({ ...meta, mint: minTimestamp(decodedBlocks(theirs)[i]!).toString() }));
    expect(corrected.some((meta, i) => meta.mint !== golden.blocks[i]!.mint)).toBe(true);
    expect(metasOf(ours)).toEqual(corrected);
    expect(ours.symbols).toEqual(golden.symbols ?? []);
    expect(payloadDigests(ours)).toEqual(payloadDigests(theirs));
  },
};
for (const name of ['empty-lines-v3-snappy', 'empty-lines-v4-none', 'ts-zero-v2-none']) DIFFERENCES[name] = trueMint;

const keepsEverything = {
  reason: 'Loki loses entries (empty-line heads, timestamps outside [0, MaxInt64-1], the rebuild near MaxInt64); we keep all',
  expect(golden: GoldenCase, bytes: Uint8Array) {
    const ours = readOurs(golden, bytes);
    const expected = sortedInput(golden);
    expect(decodedBlocks(ours)).toEqual([expected]);
    expect(metasOf(ours)).toEqual([
      { numEntries: expected.length, mint: expected[0]!.ts, maxt: expected.at(-1)!.ts, uncompressedSize: ours.blocks[0]!.uncompressedSize },
    ]);
    expect(readGolden(golden).entryCount).toBeLessThan(expected.length); // Loki lost some.
    // Loki's iterator never returns MaxInt64 (its upper bound is exclusive); everything else comes back.
    expect([...ours.entries()].map(toGoldenEntry)).toEqual(expected.filter((e) => BigInt(e.ts) !== MAX_INT64));
  },
};
for (const name of ['only-empty-lines-v3-none', 'only-empty-lines-v4-none', 'ts-negative-v3-gzip', 'ts-negative-v4-gzip', 'ts-extremes-v3-snappy', 'ts-extremes-v4-snappy']) {
  DIFFERENCES[name] = keepsEverything;
}

const negativeBlocksKept = {
  reason: "Loki's v3/v4 blocks of negative timestamps are empty and say maxt 0; ours hold the entry and its timestamp",
  expect(golden: GoldenCase, bytes: Uint8Array) {
    const ours = readOurs(golden, bytes);
    const theirs = readGolden(golden);
    expect(decodedBlocks(ours)).toEqual(sortedInput(golden).map((entry) => [entry]));
    expect(metasOf(ours)).toEqual(goldenMetas(golden).map((meta, i) => ({ ...meta, maxt: golden.input[i]!.ts })));
    const lokiKept = decodedBlocks(theirs).map((entries) => entries.length > 0);
    expect(payloadDigests(ours).filter((_, i) => lokiKept[i])).toEqual(payloadDigests(theirs).filter((_, i) => lokiKept[i]));
  },
};
for (const name of ['ts-negative-noclose-v3-gzip', 'ts-negative-noclose-v4-gzip']) DIFFERENCES[name] = negativeBlocksKept;

DIFFERENCES['out-of-order-sm-normalize-v4-none'] = {
  reason: "Loki's rebuild renames structured-metadata names; ours keeps them as given",
  expect(golden: GoldenCase, bytes: Uint8Array) {
    const ours = readOurs(golden, bytes);
    const theirs = readGolden(golden);
    expect(metasOf(ours)).toEqual(goldenMetas(golden));
    const byName = (pairs: Array<[string, string]>) => [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const normalized = ours.blocks.map((block) =>
      block.decode().map((entry) => ({ ...toGoldenEntry(entry), structuredMetadata: byName(normalizeStructuredMetadata(entry.structuredMetadata)) })),
    );
    expect(normalized).toEqual(decodedBlocks(theirs).map((entries) => entries.map((e) => ({ ...e, structuredMetadata: byName(e.structuredMetadata ?? []) }))));
    const raw = new Set(golden.input.flatMap((entry) => (entry.structuredMetadata ?? []).map(([name]) => name)));
    expect(ours.symbols.filter((symbol) => raw.has(symbol)).length).toBeGreaterThan(0);
    expect(ours.symbols).not.toEqual(golden.symbols);
  },
};

const single = cases.filter((golden) => !golden.sequence);
const sequences = [...new Set(cases.filter((golden) => golden.sequence).map((golden) => golden.sequence!.group))];

describe('golden chunks: the writer writes what Loki wrote', () => {
  it('lists only existing cases as different', () => {
    for (const name of Object.keys(DIFFERENCES)) expect(cases.some((golden) => golden.case === name)).toBe(true);
  });

  describe.each(single.map((golden) => [golden.case, golden] as const))('%s', (_name, golden) => {
    it('append results', () => {
      expect(written(golden).appendResults).toEqual(golden.appendResults ?? []);
    });

    const difference = DIFFERENCES[golden.case];
    if (difference) {
      it(`deliberately differs: ${difference.reason}`, () => difference.expect(golden, written(golden).chunk));
    } else {
      it("blocks, symbols and payloads are Loki's (and the bytes, for codec none)", () => expectLokisChunk(golden, written(golden).chunk));
      it("with Loki's compressed streams, the bytes are Loki's", () => {
        expect(sha256(written(golden, lokisCompression([golden])).chunk)).toBe(golden.sha256);
      });
    }

    if (golden.kind === 'checkpoint') {
      it("the head checkpoint is Loki's, byte for byte", () => {
        const { chunk, head } = written(golden);
        expect(sha256(head!)).toBe(sha256(goldenBytes(golden.checkpoint!.headFile)));
        const restored = readCheckpoint(chunk, head!).chunk;
        expect([...restored.entries()].map(toGoldenEntry)).toEqual(
          golden.checkpoint!.expectedForwardAfterMemchunkFromCheckpoint.map(({ ts, line, lineBase64, structuredMetadata }) => ({
            ts,
            ...(line !== undefined ? { line } : { lineBase64 }),
            ...(structuredMetadata?.length ? { structuredMetadata } : {}),
          })),
        );
      });
    }

    if (!golden.closedBeforeSerialize && golden.kind !== 'checkpoint') {
      it('finish() keeps every entry (Loki can only write this case without Close())', () => {
        const writer = writerFor(golden);
        appendAll(writer, inputOf(golden));
        const chunk = readChunk(writer.finish());
        expect(chunk.blocks.flatMap((block) => block.decode().map(toGoldenEntry)).sort((a, b) => (BigInt(a.ts) < BigInt(b.ts) ? -1 : 1))).toEqual(
          sortedInput(golden),
        );
      });
    }
  });
});

/**
 * A codec that compresses exactly as Loki's Go code did: for a payload Loki compressed in these chunks (blocks
 * and symbol tables), it returns Loki's bytes; anything else goes to our codec. Loki's `SpaceFor` counts
 * compressed sizes, so only with Loki's compressed sizes can its chunk boundaries be checked for every codec.
 */
function lokisCompression(parts: GoldenCase[]): CodecRegistry {
  const ours = defaultCodecRegistry().get(parts[0]!.encoding.byte);
  const lokis = new Map<string, Uint8Array>();
  for (const part of parts) {
    const chunk = readGolden(part);
    for (const block of chunk.blocks) lokis.set(sha256(block.decompress()), block.compressedBytes());
    if (chunk.structuredMetadata && part.kind !== 'checkpoint') {
      const section = chunk.bytes.subarray(chunk.structuredMetadata.offset, chunk.structuredMetadata.offset + chunk.structuredMetadata.length);
      const stream = section.subarray(uvarintLength(section));
      lokis.set(sha256(ours.decompress(stream, { maxOutputSize: 1 << 24 })), stream);
    }
  }
  const replay: Codec = {
    id: ours.id,
    name: ours.name,
    compress: (data) => lokis.get(sha256(data))?.slice() ?? ours.compress(data),
    decompress: (data, options) => ours.decompress(data, options),
  };
  return new CodecRegistry([replay]);
}

const uvarintLength = (bytes: Uint8Array): number => bytes.findIndex((byte) => byte < 0x80) + 1;

describe('golden chunk sequences: encodeChunks starts a new chunk where Loki did', () => {
  describe.each(sequences)('%s', (group) => {
    const parts = cases.filter((golden) => golden.sequence?.group === group).sort((a, b) => a.sequence!.part - b.sequence!.part);
    const first = parts[0]!;
    const options = {
      format: first.format as 1 | 2 | 3 | 4,
      encoding: first.encoding.byte,
      blockSize: first.blockSize,
      targetSize: first.targetSize,
    };
    it(`with Loki's compressed sizes, cuts Loki's ${parts.length} chunks, byte for byte`, () => {
      const chunks = [...encodeChunksSync(parts.flatMap(inputOf), { ...options, codecs: lokisCompression(parts) })];
      expect(chunks.map((chunk) => chunk.entryCount)).toEqual(parts.map((part) => part.input.length));
      expect(chunks.map((chunk) => sha256(chunk.bytes))).toEqual(parts.map((part) => part.sha256));
    });

    // With our own codec the boundaries are Loki's wherever our compressed sizes are Go's (none, snappy, lz4); a
    // gzip or zstd stream of another size moves them, as another Go compression library would.
    const sameSizes = parts.every((part) =>
      readGolden(part).blocks.every((block) => defaultCodecRegistry().get(first.encoding.byte).compress(block.decompress()).length === block.length),
    );
    if (sameSizes) {
      it.each(parts.map((part, i) => [part.case, part, i] as const))('with our codec: %s', (_name, part, i) => {
        const chunks = [...encodeChunksSync(parts.flatMap(inputOf), options)];
        expect(chunks.map((chunk) => chunk.entryCount)).toEqual(parts.map((p) => p.input.length));
        expectLokisChunk(part, chunks[i]!.bytes);
      });
    } else {
      it("with our codec (other compressed sizes than Go's): every entry kept, in order, across the chunks", () => {
        const chunks = [...encodeChunksSync(parts.flatMap(inputOf), options)];
        const entries = chunks.flatMap((chunk) => readChunk(chunk.bytes).blocks.flatMap((block) => block.decode().map(toGoldenEntry)));
        expect(entries).toEqual(parts.flatMap((part) => readGolden(part).blocks.flatMap((block) => block.decode().map(toGoldenEntry))));
      });
    }
  });
});
