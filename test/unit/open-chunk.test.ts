/**
 * openChunk's range reading: what a query fetches (bytes and requests), coalescing, stopping early, lenient
 * recovery over ranges, and errors from damaged chunks and lying sources.
 */
import { describe, expect, it } from 'vitest';
import { assemble, disassemble } from '../../fuzz/chunk-model.js';
import { readChunk, type Chunk } from '../../src/chunk/chunk.js';
import { CHECKSUM_LENGTH } from '../../src/chunk/constants.js';
import type { LogEntry } from '../../src/chunk/entry.js';
import { openChunk } from '../../src/chunk/open-chunk.js';
import type { EntriesQuery } from '../../src/chunk/query.js';
import { bytesSource } from '../../src/io/bytes-source.js';
import type { ByteSource } from '../../src/io/byte-source.js';
import { goldenBytes } from '../helpers/golden-cases.js';

const key = (entry: LogEntry) => `${entry.timestamp} ${Buffer.from(entry.lineBytes).toString('base64')} ${JSON.stringify(entry.structuredMetadata)}`;

async function collect(iterable: AsyncIterable<LogEntry>): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of iterable) out.push(key(entry));
  return out;
}

/** A block whose time range touches no other block's, so a query over it selects it alone. */
function isolatedBlock(chunk: Chunk): number {
  const index = chunk.blocks.findIndex(
    (block, i) => i > 0 && i < chunk.blocks.length - 1 && chunk.blocks[i - 1]!.maxt < block.mint && block.maxt < chunk.blocks[i + 1]!.mint,
  );
  expect(index).toBeGreaterThan(0);
  return index;
}

describe('a time-filtered read of one block fetches only what it needs', () => {
  it.each([
    ['matrix-v4-none', 4],
    ['matrix-v2-none', 3],
    ['matrix-v4-zstd', 4],
  ] as const)('%s: header, footer, metas, symbols (v4) and that one block', async (name, openRequests) => {
    const bytes = goldenBytes(`${name}.chunk`);
    const chunk = readChunk(bytes);
    const index = isolatedBlock(chunk);
    const block = chunk.blocks[index]!;
    const query: EntriesQuery = { from: block.mint, through: block.maxt };
    const source = bytesSource(bytes);
    const opened = await openChunk(source);

    const sections = 6 + (chunk.format === 4 ? 32 : 8) + chunk.metas.length + CHECKSUM_LENGTH;
    const symbols = chunk.structuredMetadata ? chunk.structuredMetadata.length + CHECKSUM_LENGTH : 0;
    expect(source.bytesRead).toBe(sections + symbols);
    expect(source.requests).toBe(openRequests);

    const entries = await collect(opened.entries(query));
    expect(entries).toEqual([...chunk.entries(query)].map(key));
    expect(entries.length).toBeGreaterThan(0);
    expect(source.bytesRead).toBe(sections + symbols + block.length + CHECKSUM_LENGTH);
    expect(source.requests).toBe(openRequests + 1);
    expect(source.bytesRead).toBeLessThan(bytes.length / 4);
  });

  it('a range between blocks fetches no block', async () => {
    const bytes = goldenBytes('matrix-v4-none.chunk');
    const chunk = readChunk(bytes);
    const index = isolatedBlock(chunk);
    const source = bytesSource(bytes);
    const opened = await openChunk(source);
    const before = source.requests;
    const gap = { from: chunk.blocks[index]!.maxt + 1n, through: chunk.blocks[index + 1]!.mint - 1n };
    expect(gap.from).toBeLessThan(gap.through);
    expect(await collect(opened.entries(gap))).toEqual([]);
    expect(source.requests).toBe(before);
  });
});

describe('coalescing and stopping early', () => {
  const bytes = goldenBytes('matrix-v4-none.chunk');
  const chunk = readChunk(bytes);
  const [first, , third] = chunk.blocks;
  const threeBlocks: EntriesQuery = { from: first!.mint, through: third!.maxt };

  it('adjacent blocks of one query come in one read', async () => {
    const source = bytesSource(bytes);
    const opened = await openChunk(source);
    const before = { requests: source.requests, bytes: source.bytesRead };
    expect(await collect(opened.entries(threeBlocks))).toEqual([...chunk.entries(threeBlocks)].map(key));
    expect(source.requests - before.requests).toBe(1);
    expect(source.bytesRead - before.bytes).toBe(third!.offset + third!.length + CHECKSUM_LENGTH - first!.offset);
  });

  it('coalesceBytes bounds a read: here one block per read', async () => {
    const source = bytesSource(bytes);
    const opened = await openChunk(source, { coalesceBytes: first!.length + CHECKSUM_LENGTH });
    const before = source.requests;
    expect(await collect(opened.entries({ ...threeBlocks, direction: 'backward' }))).toEqual(
      [...chunk.entries({ ...threeBlocks, direction: 'backward' })].map(key),
    );
    expect(source.requests - before).toBe(3);
  });

  it('an ordered read stopped after its first entry fetched only the first block', async () => {
    const source = bytesSource(bytes);
    const opened = await openChunk(source, { coalesceBytes: 0 });
    const before = source.bytesRead;
    for await (const entry of opened.entries()) {
      expect(key(entry)).toBe(key(chunk.blocks[0]!.decode()[0]!));
      break;
    }
    expect(source.bytesRead - before).toBe(first!.length + CHECKSUM_LENGTH);
  });

  it('entryBatches: one batch per block for an ordered read', async () => {
    const opened = await openChunk(bytesSource(bytes));
    const sizes: number[] = [];
    for await (const batch of opened.entryBatches()) sizes.push(batch.length);
    expect(sizes).toEqual(chunk.blocks.map((block) => block.decode().length));
  });
});

describe('overlapping blocks (Loki merges them)', () => {
  it('every selected block is fetched, the merge is Loki\'s', async () => {
    const bytes = goldenBytes('overlap-noclose-v4-snappy.chunk');
    const chunk = readChunk(bytes);
    const source = bytesSource(bytes);
    const opened = await openChunk(source, { coalesceBytes: 0 });
    const before = source.requests;
    expect(await collect(opened.entries())).toEqual([...chunk.entries()].map(key));
    expect(source.requests - before).toBe(chunk.blocks.length);
  });
});

describe('damaged blocks', () => {
  const bytes = goldenBytes('matrix-v4-none.chunk');
  const chunk = readChunk(bytes);
  const damagedIndex = 2;
  const damaged = chunk.blocks[damagedIndex]!;
  const withDamagedBlock = () => {
    const out = bytes.slice();
    out[damaged.offset + (damaged.length >> 1)]! ^= 0x20;
    return out;
  };

  it('strict: opening reads no block; reading the damaged one raises what readChunk raises', async () => {
    const out = withDamagedBlock();
    const expected = (() => {
      try {
        readChunk(out);
      } catch (error) {
        return error as { code: string; offset: number; block: number };
      }
      throw new Error('readChunk accepted a damaged block');
    })();
    const opened = await openChunk(bytesSource(out));
    const before = chunk.blocks[damagedIndex - 1]!;
    expect(await collect(opened.entries({ from: before.mint, through: before.maxt }))).toHaveLength(
      [...chunk.entries({ from: before.mint, through: before.maxt })].length,
    );
    await expect(collect(opened.entries())).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH', offset: expected.offset, block: expected.block });
    await expect(opened.block(damagedIndex)).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH', block: damagedIndex });
  });

  it('verifyChecksums false: the mismatch is recorded, as readChunk does', async () => {
    const out = withDamagedBlock();
    const opened = await openChunk(bytesSource(out), { verifyChecksums: false });
    const block = await opened.block(damagedIndex);
    expect(block.checksum).toEqual(readChunk(out, { verifyChecksums: false }).blocks[damagedIndex]!.checksum);
    expect(block.checksum.ok).toBe(false);
  });

  it('lenient: the damaged block is skipped and reported, the rest read as readChunk reads it', async () => {
    const out = withDamagedBlock();
    const expected = readChunk(out, { lenient: true });
    const opened = await openChunk(bytesSource(out), { lenient: true });
    expect(await collect(opened.entries())).toEqual([...expected.entries()].map(key));
    expect(await collect(opened.entries({ direction: 'backward' }))).toEqual([...expected.entries({ direction: 'backward' })].map(key));
    expect(opened.skippedBlocks.map((skipped) => skipped.meta.metaIndex)).toEqual([damagedIndex]);
    expect(opened.skippedBlocks[0]!.error).toMatchObject(expected.skippedBlocks[0]!.error);
    await expect(opened.block(damagedIndex)).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH', block: damagedIndex });
  });

  it('lenient: a block whose metas offset is wrong is found where Loki expects it', async () => {
    const parts = disassemble(bytes);
    parts.blocks[damagedIndex]!.offset = 3n;
    const moved = assemble(parts);
    const expected = readChunk(moved, { lenient: true });
    expect(expected.blocks[damagedIndex]!.storedOffset).toBe(3);
    const source = bytesSource(moved);
    const opened = await openChunk(source, { lenient: true });
    const target = expected.blocks[damagedIndex]!;
    const query: EntriesQuery = { from: target.mint, through: target.maxt };
    expect(await collect(opened.entries(query))).toEqual([...expected.entries(query)].map(key));
    expect(opened.skippedBlocks).toEqual([]);
    const block = await opened.block(damagedIndex);
    expect(block.offset).toBe(target.offset);
    expect(block.storedOffset).toBe(3);
    expect(await collect(opened.entries())).toEqual([...expected.entries()].map(key));
  });

  it('strict: a block outside the chunk is refused when opening, as readChunk refuses it', async () => {
    const parts = disassemble(bytes);
    parts.blocks[1]!.offset = BigInt(bytes.length);
    const broken = assemble(parts);
    expect(() => readChunk(broken)).toThrow(expect.objectContaining({ code: 'OUT_OF_BOUNDS', block: 1 }));
    await expect(openChunk(bytesSource(broken))).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS', block: 1 });
  });
});

describe('errors', () => {
  const bytes = goldenBytes('single-v4-snappy.chunk');

  it('a source that is not one', async () => {
    await expect(openChunk({} as ByteSource)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(openChunk({ size: -1, read: async () => new Uint8Array(0) })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(openChunk(bytesSource(bytes), { coalesceBytes: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('not a chunk, too short, too large', async () => {
    await expect(openChunk(bytesSource(new TextEncoder().encode('hello, world, not a chunk')))).rejects.toMatchObject({ code: 'BAD_MAGIC', offset: 0 });
    await expect(openChunk(bytesSource(bytes.subarray(0, 3)))).rejects.toMatchObject({ code: 'TRUNCATED' });
    await expect(openChunk(bytesSource(bytes.subarray(0, 10)))).rejects.toMatchObject({ code: 'TRUNCATED' });
    await expect(openChunk(bytesSource(bytes), { limits: { maxChunkSize: 100 } })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });

  it('a truncated chunk fails as readChunk fails', async () => {
    for (const cut of [bytes.length - 1, bytes.length - 40, 20]) {
      const truncated = bytes.subarray(0, cut);
      const code = (() => {
        try {
          readChunk(truncated);
          return null;
        } catch (error) {
          return (error as { code: string }).code;
        }
      })();
      expect(code).not.toBeNull();
      await expect(openChunk(bytesSource(truncated))).rejects.toMatchObject({ code });
    }
  });

  it('a source that claims more bytes than it returns: TRUNCATED', async () => {
    const inner = bytesSource(bytes);
    const lying: ByteSource = { size: bytes.length, read: async (offset, length) => (await inner.read(offset, length)).subarray(0, length - 1) };
    await expect(openChunk(lying)).rejects.toMatchObject({ code: 'TRUNCATED' });
  });

  it('a source that returns too much, or not bytes: IO_ERROR', async () => {
    const longer: ByteSource = { size: bytes.length, read: async (offset, length) => bytes.slice(offset, offset + length + 1) };
    await expect(openChunk(longer)).rejects.toMatchObject({ code: 'IO_ERROR' });
    const strings = { size: bytes.length, read: async () => 'bytes' } as unknown as ByteSource;
    await expect(openChunk(strings)).rejects.toMatchObject({ code: 'IO_ERROR' });
  });

  it('a source that fails: IO_ERROR with the cause, at the offset read', async () => {
    const inner = bytesSource(bytes);
    const opened = await openChunk(inner);
    const failing: ByteSource = {
      size: bytes.length,
      read: (offset, length) => (offset < opened.blocks[0]!.offset + 1 && offset >= opened.blocks[0]!.offset ? Promise.reject(new Error('disk on fire')) : inner.read(offset, length)),
    };
    const chunk = await openChunk(failing);
    const error = await collect(chunk.entries()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'IO_ERROR', offset: opened.blocks[0]!.offset });
    expect((error as Error).message).toContain('disk on fire');
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('a block index outside the metas', async () => {
    const opened = await openChunk(bytesSource(bytes));
    await expect(opened.block(opened.blocks.length)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(opened.block(-1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(opened.block(0.5)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('a bad query bound', async () => {
    const opened = await openChunk(bytesSource(bytes));
    await expect(collect(opened.entries({ from: 1.5 }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('the stream of an opened chunk', () => {
  it('reads to the end, and cancelling stops the reading', async () => {
    const bytes = goldenBytes('matrix-v4-none.chunk');
    const chunk = readChunk(bytes);
    const opened = await openChunk(bytesSource(bytes));
    const all: string[] = [];
    const reader = opened.stream({ direction: 'backward' }).getReader();
    for (let result = await reader.read(); !result.done; result = await reader.read()) all.push(key(result.value));
    expect(all).toEqual([...chunk.entries({ direction: 'backward' })].map(key));

    const source = bytesSource(bytes);
    const fresh = await openChunk(source, { coalesceBytes: 0 });
    const before = source.requests;
    const early = fresh.stream().getReader();
    await early.read();
    await early.cancel();
    expect(source.requests - before).toBeLessThanOrEqual(2);
  });
});

describe('a source that fails once', () => {
  it('lenient reading retries a block whose read failed, in the next query', async () => {
    const bytes = goldenBytes('matrix-v4-none.chunk');
    const chunk = readChunk(bytes, { lenient: true });
    const inner = bytesSource(bytes);
    const target = chunk.blocks[4]!;
    let failures = 1;
    const flaky: ByteSource = {
      size: bytes.length,
      read: (offset, length) => (offset === target.offset && failures-- > 0 ? Promise.reject(new Error('connection reset')) : inner.read(offset, length)),
    };
    const opened = await openChunk(flaky, { lenient: true, coalesceBytes: 0 });
    const query: EntriesQuery = { from: target.mint, through: target.maxt };
    await expect(collect(opened.entries(query))).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(await collect(opened.entries(query))).toEqual([...chunk.entries(query)].map(key));
  });
});
