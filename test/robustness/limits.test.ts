/**
 * Every limit of {@link ChunkLimits} is enforced with `LIMIT_EXCEEDED` at the right place (one below the value a
 * chunk needs fails, the value itself passes); numbers read from the input (counts, sizes, size hints, frame
 * headers) never decide an allocation; and a decompression bomb of every codec is refused at the limit. An
 * allocation guard (installed before the library is imported) fails any single allocation beyond twice the
 * output limit plus a multiple of the input size.
 */
import { describe, expect, it } from 'vitest';
import { allocationGuard, installAllocationGuard, resetAllocationGuard } from '../../fuzz/alloc-guard.js';

installAllocationGuard();
// Imported after the guard so that codec libraries capture the guarded constructors.
const { readChunk } = await import('../../src/chunk/chunk.js');
const { salvageChunk } = await import('../../src/chunk/salvage.js');
const { readCheckpoint } = await import('../../src/chunk/checkpoint.js');
const { defaultCodecRegistry } = await import('../../src/compression/defaults.js');
const { LokiChunkError } = await import('../../src/errors.js');
const { assemble, disassemble } = await import('../../fuzz/chunk-model.js');
const { ByteWriter } = await import('../../src/binary/byte-writer.js');
const { golden } = await import('./corpus.js');
type Limits = import('../../src/chunk/limits.js').ChunkLimits;

const MiB = 1024 * 1024;

/** Runs `fn` with the allocation guard armed at `ceiling` and returns the error it raised. */
function guardedError(ceiling: number, fn: () => unknown): InstanceType<typeof LokiChunkError> {
  resetAllocationGuard(ceiling);
  let raised: unknown;
  try {
    fn();
  } catch (error) {
    raised = error;
  } finally {
    const exceeded = allocationGuard.exceeded;
    resetAllocationGuard(Number.POSITIVE_INFINITY);
    expect(exceeded, `allocation of ${exceeded?.bytes} bytes\n${exceeded?.stack}`).toBeNull();
  }
  expect(raised).toBeInstanceOf(LokiChunkError);
  return raised as InstanceType<typeof LokiChunkError>;
}

/** Decodes everything: every block, both directions. */
function decodeAll(bytes: Uint8Array, limits: Partial<Limits> = {}): void {
  const chunk = readChunk(bytes, { limits });
  for (const block of chunk.blocks) block.decode();
  [...chunk.entries()];
  [...chunk.entries({ direction: 'backward' })];
}

// v4, uncompressed: 5 blocks (13, 13, 13, 13, 8 entries), 7 symbols, lines up to 69 bytes, 2 pairs per entry.
const SM_CHUNK = golden('out-of-order-sm-normalize-v4-none');

describe('limits: one below what the chunk needs fails, the value itself passes', () => {
  // Where each is detected: chunk-level limits at a section, block-level ones at a block (decoded in order).
  const cases: Array<[keyof Limits, number, { offset?: number; block?: number }]> = [
    ['maxChunkSize', SM_CHUNK.length, { offset: SM_CHUNK.length - 1 }],
    ['maxBlocks', 5, { offset: 5167 }],
    ['maxSymbols', 7, { offset: 6 }],
    ['maxLineLength', 69, {}],
    ['maxEntriesPerBlock', 13, { block: 0 }],
    ['maxPairsPerEntry', 2, { block: 0 }],
    ['maxDecompressedBlockSize', 1105, { block: 0 }],
  ];
  it.each(cases)('%s', (limit, needed, where) => {
    expect(() => decodeAll(SM_CHUNK, { [limit]: needed })).not.toThrow();
    const error = guardedError(16 * MiB, () => decodeAll(SM_CHUNK, { [limit]: needed - 1 }));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error).toMatchObject(where);
    if (!['maxChunkSize', 'maxBlocks', 'maxSymbols'].includes(limit)) expect(error.block).toBeTypeOf('number');
    expect(error.offset).toBeGreaterThanOrEqual(0);
    expect(error.offset).toBeLessThanOrEqual(SM_CHUNK.length);
  });

  it('salvage honours maxChunkSize too', () => {
    expect(() => salvageChunk(SM_CHUNK, { limits: { maxChunkSize: 100 } })).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
  });
});

describe('numbers read from the input never size an allocation', () => {
  const huge = 1n << 50n;

  it('metas entry counts and uncompressed sizes are not trusted (size hints only)', () => {
    for (const name of ['out-of-order-sm-normalize-v4-none', 'unicode-v4-zstd', 'single-v4-snappy', 'sm-repeated-values-v4-lz4-256k', 'single-v3-gzip']) {
      const parts = disassemble(golden(name));
      for (const block of parts.blocks) {
        block.entryCount = huge;
        block.uncompressedSize = huge;
      }
      const bytes = assemble(parts);
      resetAllocationGuard(16 * MiB);
      try {
        decodeAll(bytes);
      } finally {
        const exceeded = allocationGuard.exceeded;
        resetAllocationGuard(Number.POSITIVE_INFINITY);
        expect(exceeded, name).toBeNull();
      }
    }
  });

  it.each(defaultCodecRegistry().list().map((codec) => [codec.name, codec] as const))(
    '%s: a size hint of 100 MiB for 35 bytes of output does not size the buffer',
    (_name, codec) => {
      const stream = codec.compress(new TextEncoder().encode('hello '.repeat(6)));
      // A codec may trust a size as far as the stream could expand (DEFLATE: ~1 MiB per KiB), never to 100 MiB.
      resetAllocationGuard(4 * MiB);
      try {
        codec.decompress(stream, { maxOutputSize: 128 * MiB, sizeHint: 100 * MiB });
      } finally {
        const exceeded = allocationGuard.exceeded;
        resetAllocationGuard(Number.POSITIVE_INFINITY);
        expect(exceeded?.bytes).toBeUndefined();
      }
    },
  );

  it('a symbol count of 2^24 - 1 in a 40-byte section is refused before the table is allocated', () => {
    const parts = disassemble(SM_CHUNK);
    const section = new ByteWriter(16);
    section.uvarint((1 << 24) - 1);
    section.bytes(parts.symbols!.subarray(1));
    parts.symbols = section.toBytes();
    const error = guardedError(1 * MiB, () => decodeAll(assemble(parts)));
    expect(error).toMatchObject({ code: 'TRUNCATED', offset: 6 });
  });

  it('a block count of 2^20 in a few bytes of metas is refused before the metas are allocated', () => {
    const parts = disassemble(SM_CHUNK);
    parts.blockCount = 1n << 20n;
    const error = guardedError(1 * MiB, () => decodeAll(assemble(parts)));
    expect(error.code).toBe('TRUNCATED');
  });

  /** A one-block v4 uncompressed chunk whose payload is `payload`. */
  function withPayload(payload: Uint8Array): Uint8Array {
    const parts = disassemble(golden('single-v4-none-nosm'));
    parts.blocks = [{ ...parts.blocks[0]!, data: payload }];
    return assemble(parts);
  }

  it('a line length of 2^26 - 1 and a pair count of 65535 in a few bytes are refused before allocating', () => {
    const longLine = new ByteWriter(32);
    longLine.varint64(1n);
    longLine.uvarint((1 << 26) - 1);
    longLine.bytes(new Uint8Array(8));
    expect(guardedError(1 * MiB, () => decodeAll(withPayload(longLine.toBytes())))).toMatchObject({ code: 'TRUNCATED', block: 0 });

    const manyPairs = new ByteWriter(32);
    manyPairs.varint64(1n);
    manyPairs.uvarint(1);
    manyPairs.u8(0x41);
    manyPairs.uvarint(3);
    manyPairs.uvarint(65535);
    manyPairs.bytes(new Uint8Array([0, 0]));
    expect(guardedError(1 * MiB, () => decodeAll(withPayload(manyPairs.toBytes())))).toMatchObject({ code: 'TRUNCATED', block: 0 });
  });

  it('a zstd frame claiming a 1 TiB content size is refused without allocating it', () => {
    const zstd = defaultCodecRegistry().get('zstd');
    // Magic, descriptor (8-byte content size, single segment), size 2^40, one last raw block of one byte.
    const frame = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 1, 0, 0, 0x09, 0, 0, 0x41]);
    const error = guardedError(4 * MiB, () => zstd.decompress(frame, { maxOutputSize: 1 * MiB }));
    expect(['LIMIT_EXCEEDED', 'CORRUPT_STREAM', 'TRUNCATED']).toContain(error.code);
  });

  it('a 17-byte zstd frame claiming 100 MiB of content does not get 100 MiB', () => {
    const zstd = defaultCodecRegistry().get('zstd');
    const size = 100 * MiB;
    const frame = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0xe0, size & 255, (size >> 8) & 255, (size >> 16) & 255, size >>> 24, 0, 0, 0, 0, 0x09, 0, 0, 0x41]);
    const error = guardedError(4 * MiB, () => zstd.decompress(frame, { maxOutputSize: 128 * MiB }));
    expect(error.code).toBe('CORRUPT_STREAM');
  });

  it('a WAL head block claiming 2^24 entries in a few bytes is refused', () => {
    const head = new Uint8Array([5, 0xff, 0xff, 0xff, 0x07, 0, 0]);
    const chunk = golden('checkpoint-v4-zstd');
    const error = guardedError(16 * MiB, () => readCheckpoint(chunk, head));
    expect(error.code).toBe('TRUNCATED');
  });
});

describe('decompression bombs are refused at the limit', () => {
  const codecs = defaultCodecRegistry()
    .list()
    .filter((codec) => codec.id !== 0);
  const zeros = new Uint8Array(16 * MiB);

  it('every codec is registered', () => {
    expect(codecs.map((codec) => codec.name).sort()).toEqual(['flate', 'gzip', 'lz4', 'lz4-1M', 'lz4-256k', 'lz4-64k', 'snappy', 'zstd']);
  });

  it.each(codecs.map((codec) => [codec.name, codec] as const))('%s: 16 MiB of zeros in a block, 1 MiB limit', (_name, codec) => {
    const bomb = codec.compress(zeros);
    expect(bomb.length).toBeLessThan(zeros.length / 15);
    const ceiling = 2 * MiB + 16 * bomb.length;
    // The codec on its own.
    const direct = guardedError(ceiling, () => codec.decompress(bomb, { maxOutputSize: 1 * MiB }));
    expect(direct.code).toBe('LIMIT_EXCEEDED');
    expect(direct.offset).toBeGreaterThanOrEqual(0);
    expect(direct.offset).toBeLessThanOrEqual(bomb.length);
    // In a chunk: located at the block.
    const parts = disassemble(golden('single-v4-none-nosm'));
    parts.encoding = codec.id;
    parts.symbols = new Uint8Array([0, ...codec.compress(new Uint8Array(0))]);
    parts.blocks = [{ ...parts.blocks[0]!, data: bomb }];
    const bytes = assemble(parts);
    const inChunk = guardedError(ceiling, () => decodeAll(bytes, { maxDecompressedBlockSize: 1 * MiB }));
    expect(inChunk).toMatchObject({ code: 'LIMIT_EXCEEDED', block: 0 });
    // Exactly at the limit it decodes (as data, it is one 16 MiB "entry" that does not parse: a structural error).
    const atLimit = codec.decompress(bomb, { maxOutputSize: zeros.length });
    expect(atLimit.length).toBe(zeros.length);
  });
});
