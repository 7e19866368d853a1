/**
 * openChunk against readChunk on every golden chunk Loki wrote: the same metadata, the same entries in the same
 * order (forward, backward, time-filtered, normalised), the same blocks, and the same failure when readChunk fails.
 */
import { describe, expect, it } from 'vitest';
import { readChunk, type Chunk, type ReadChunkOptions } from '../../src/chunk/chunk.js';
import type { LogEntry } from '../../src/chunk/entry.js';
import { openChunk, type OpenedChunk } from '../../src/chunk/open-chunk.js';
import type { EntriesQuery } from '../../src/chunk/query.js';
import { bytesSource } from '../../src/io/bytes-source.js';
import { goldenBytes, loadGoldenCases, type GoldenCase } from '../helpers/golden-cases.js';

const cases = loadGoldenCases();

const key = (entry: LogEntry) => `${entry.timestamp} ${Buffer.from(entry.lineBytes).toString('base64')} ${JSON.stringify(entry.structuredMetadata)}`;

async function collect(iterable: AsyncIterable<LogEntry>): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of iterable) out.push(key(entry));
  return out;
}

function metadataOf(chunk: Chunk | OpenedChunk) {
  return {
    format: chunk.format,
    encoding: chunk.encoding,
    headBlockFormat: chunk.headBlockFormat,
    metas: chunk.metas,
    structuredMetadata: chunk.structuredMetadata,
    symbols: chunk.symbols,
  };
}

const blockMetaOf = (block: { entryCount: number; mint: bigint; maxt: bigint; offset: number; length: number; uncompressedSize: number }) => ({
  entryCount: block.entryCount,
  mint: block.mint,
  maxt: block.maxt,
  offset: block.offset,
  length: block.length,
  uncompressedSize: block.uncompressedSize,
});

/** Time ranges around block edges and inside blocks, both directions, chosen by a fixed seed. */
function queriesFor(chunk: Chunk): EntriesQuery[] {
  const points = chunk.blocks.flatMap((block) => [block.mint, block.maxt, block.maxt + 1n, (block.mint + block.maxt) / 2n]);
  if (points.length === 0) return [{ from: 0n, through: 10n }];
  let state = 12345;
  const pick = () => points[(state = (state * 1103515245 + 12345) >>> 0) % points.length]!;
  const queries: EntriesQuery[] = [];
  for (let i = 0; i < 4; i++) {
    const [a, b] = [pick(), pick()];
    const range = a <= b ? { from: a, through: b } : { from: b, through: a };
    queries.push({ ...range, direction: 'forward' }, { ...range, direction: 'backward' });
  }
  return queries;
}

/** readChunk's failure code, or `null` when it reads. */
function readFailure(bytes: Uint8Array, options: ReadChunkOptions): string | null {
  try {
    const chunk = readChunk(bytes, options);
    for (const _ of chunk.entries()) void _;
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? 'foreign';
  }
}

describe.each(cases.map((golden) => [golden.case, golden] as const))('%s', (_name, golden: GoldenCase) => {
  const options: ReadChunkOptions = { fromCheckpoint: golden.kind === 'checkpoint' };
  const bytes = goldenBytes(`${golden.case}.chunk`);

  it('same metadata, blocks and entries as readChunk', async () => {
    const failure = readFailure(bytes, options);
    if (failure !== null) {
      await expect(openChunk(bytesSource(bytes), options).then((opened) => collect(opened.entries()))).rejects.toMatchObject({ code: failure });
      return;
    }
    const chunk = readChunk(bytes, options);
    const opened = await openChunk(bytesSource(bytes), options);
    expect(metadataOf(opened)).toEqual(metadataOf(chunk));
    expect(opened.size).toBe(bytes.length);
    expect(opened.wrapper).toBeNull();
    expect(opened.blocks.map(blockMetaOf)).toEqual(chunk.blocks.map(blockMetaOf));
    expect(await collect(opened.entries())).toEqual([...chunk.entries()].map(key));
    expect(await collect(opened.entries({ direction: 'backward' }))).toEqual([...chunk.entries({ direction: 'backward' })].map(key));
    expect(await collect(opened.entries({ normalizeNames: true }))).toEqual([...chunk.entries({ normalizeNames: true })].map(key));
    for (const query of queriesFor(chunk)) {
      expect(await collect(opened.entries(query)), JSON.stringify(query, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).toEqual(
        [...chunk.entries(query)].map(key),
      );
    }
    for (const block of chunk.blocks) {
      const fetched = await opened.block(block.index);
      expect(fetched.checksum).toEqual(block.checksum);
      expect(fetched.decode().map(key)).toEqual(block.decode().map(key));
    }
  });

  it('one read per block without coalescing, the same entries', async () => {
    if (readFailure(bytes, options) !== null) return;
    const chunk = readChunk(bytes, options);
    const source = bytesSource(bytes);
    const opened = await openChunk(source, { ...options, coalesceBytes: 0 });
    const before = source.requests;
    expect(await collect(opened.entries({ direction: 'backward' }))).toEqual([...chunk.entries({ direction: 'backward' })].map(key));
    expect(source.requests - before).toBe(chunk.blocks.length);
  });

  if (golden.kind === 'wrapped') {
    it('the storage-wrapped object, read by ranges', async () => {
      const wrappedBytes = goldenBytes(`${golden.case}.wrapped.chunk`);
      const chunk = readChunk(wrappedBytes);
      const opened = await openChunk(bytesSource(wrappedBytes));
      const { checksum: _checksum, externalKey: _key, ...header } = chunk.wrapper!;
      expect(opened.wrapper).toEqual(header);
      expect(opened.size).toBe(golden.bytes);
      expect(metadataOf(opened)).toEqual(metadataOf(chunk));
      expect(await collect(opened.entries())).toEqual([...chunk.entries()].map(key));
      expect(await collect(opened.entries({ direction: 'backward' }))).toEqual([...chunk.entries({ direction: 'backward' })].map(key));
    });
  }
});
