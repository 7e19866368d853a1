/** The in-memory, Blob and file byte sources: ranges, counters, bounds, errors, and openChunk through each. */
import { mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChunk } from '../../src/chunk/chunk.js';
import type { LogEntry } from '../../src/chunk/entry.js';
import { openChunk } from '../../src/chunk/open-chunk.js';
import { blobSource } from '../../src/io/blob-source.js';
import { sliceSource } from '../../src/io/byte-source.js';
import { bytesSource } from '../../src/io/bytes-source.js';
import { fileSource } from '../../src/io/node/file-source.js';
import { GOLDEN_DIR, goldenBytes } from '../helpers/golden-cases.js';

const key = (entry: LogEntry) => `${entry.timestamp} ${Buffer.from(entry.lineBytes).toString('base64')} ${JSON.stringify(entry.structuredMetadata)}`;

async function collect(iterable: AsyncIterable<LogEntry>): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of iterable) out.push(key(entry));
  return out;
}

const sample = Uint8Array.from({ length: 100 }, (_, i) => i);

describe('bytesSource', () => {
  it('reads views of the bytes and counts every read', async () => {
    const source = bytesSource(sample);
    expect(source.size).toBe(100);
    const range = await source.read(10, 5);
    expect([...range]).toEqual([10, 11, 12, 13, 14]);
    expect(range.buffer).toBe(sample.buffer);
    expect(await source.read(100, 0)).toHaveLength(0);
    expect(source).toMatchObject({ bytesRead: 5, requests: 1 });
  });

  it('refuses ranges outside the bytes and ranges that are not ranges', async () => {
    const source = bytesSource(sample);
    await expect(source.read(95, 6)).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS', offset: 95 });
    await expect(source.read(101, 0)).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS', offset: 100 });
    await expect(source.read(-1, 2)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(source.read(1.5, 2)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(source.read(0, Number.NaN)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(source).toMatchObject({ bytesRead: 0, requests: 0 });
    expect(() => bytesSource('abc' as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('sliceSource: a window of a source, counted by the source', async () => {
    const source = bytesSource(sample);
    const window = sliceSource(source, 20, 10);
    expect(window.size).toBe(10);
    expect([...(await window.read(8, 2))]).toEqual([28, 29]);
    await expect(window.read(8, 3)).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS' });
    expect(source).toMatchObject({ bytesRead: 2, requests: 1 });
    expect(() => sliceSource(source, 95, 10)).toThrow(expect.objectContaining({ code: 'OUT_OF_BOUNDS' }));
  });
});

describe('blobSource (Node Blob)', () => {
  it('reads slices of the Blob and counts them', async () => {
    const source = blobSource(new Blob([sample]));
    expect(source.size).toBe(100);
    expect([...(await source.read(97, 3))]).toEqual([97, 98, 99]);
    await expect(source.read(97, 4)).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS' });
    expect(source).toMatchObject({ bytesRead: 3, requests: 1 });
    expect(() => blobSource({} as Blob)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('openChunk over a Blob reads the same entries as readChunk, fetching only the block asked for', async () => {
    const bytes = goldenBytes('matrix-v3-snappy.chunk');
    const chunk = readChunk(bytes);
    const source = blobSource(new Blob([bytes.slice()]));
    const opened = await openChunk(source);
    const block = chunk.blocks[5]!;
    const query = { from: block.mint, through: block.mint + 1n };
    expect(await collect(opened.entries(query))).toEqual([...chunk.entries(query)].map(key));
    expect(source.requests).toBe(4);
    expect(await collect(opened.entries())).toEqual([...chunk.entries()].map(key));
  });

  it('a Blob that fails to read: IO_ERROR with the cause', async () => {
    const failing = new Blob([sample]);
    failing.slice = () => ({ arrayBuffer: () => Promise.reject(new Error('revoked')) }) as unknown as Blob;
    const error = await blobSource(failing).read(0, 10).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'IO_ERROR', offset: 0 });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});

describe('fileSource', () => {
  let directory = '';
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'loki-chunk-io-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('openChunk over a golden file by path: same entries, only what the query needs, closed after', async () => {
    const name = 'matrix-v4-gzip.chunk';
    const chunk = readChunk(goldenBytes(name));
    const source = await fileSource(join(GOLDEN_DIR, name));
    expect(source.size).toBe(chunk.bytes.length);
    const opened = await openChunk(source);
    const block = chunk.blocks[3]!;
    const query = { from: block.mint, through: block.mint + 1n, direction: 'backward' as const };
    expect(await collect(opened.entries(query))).toEqual([...chunk.entries(query)].map(key));
    expect(source.requests).toBe(5);
    await source.close();
    await expect(source.read(0, 4)).rejects.toMatchObject({ code: 'IO_ERROR' });
  });

  it('a wrapped object by URL, and a FileHandle left open for its owner', async () => {
    const path = join(GOLDEN_DIR, 'wrapped-v4-snappy.wrapped.chunk');
    const chunk = readChunk(goldenBytes('wrapped-v4-snappy.wrapped.chunk'));
    const fromUrl = await fileSource(new URL(`file://${path}`));
    expect(await collect((await openChunk(fromUrl)).entries())).toEqual([...chunk.entries()].map(key));
    await fromUrl.close();

    const handle = await open(path, 'r');
    try {
      const source = await fileSource(handle);
      const opened = await openChunk(source);
      expect(opened.wrapper).toMatchObject({ userID: chunk.wrapper!.userID, dataOffset: chunk.wrapper!.dataOffset });
      await source.close();
      expect((await handle.stat()).size).toBe(source.size); // Still open.
    } finally {
      await handle.close();
    }
  });

  it('a file that shrank after opening: TRUNCATED', async () => {
    const path = join(directory, 'shrinks.bin');
    await writeFile(path, sample);
    const source = await fileSource(path);
    await truncate(path, 50);
    await expect(source.read(40, 20)).rejects.toMatchObject({ code: 'TRUNCATED', offset: 50 });
    await source.close();
  });

  it('a missing file or a directory: IO_ERROR', async () => {
    const missing = await fileSource(join(directory, 'absent.chunk')).catch((caught: unknown) => caught);
    expect(missing).toMatchObject({ code: 'IO_ERROR' });
    expect((missing as Error).cause).toMatchObject({ code: 'ENOENT' });
    await expect(fileSource(directory)).rejects.toMatchObject({ code: 'IO_ERROR' });
  });
});
