/**
 * ChunkWriter: options, append semantics (out-of-order, duplicates, structured metadata), SpaceFor, the
 * close-time rebuild, checkpoints, and the deliberate differences from Loki.
 */
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/chunk/checkpoint.js';
import { readChunk } from '../../src/chunk/chunk.js';
import { LogEntry } from '../../src/chunk/entry.js';
import { utf8ByteLength } from '../../src/chunk/entry-input.js';
import { ChunkWriter, type ChunkWriterOptions } from '../../src/chunk/writer.js';
import { MAX_INT64, MIN_INT64 } from '../../src/binary/int64.js';
import { CodecRegistry } from '../../src/compression/registry.js';
import { goldenBytes, toGoldenEntry } from '../helpers/golden-cases.js';

const none = (options: ChunkWriterOptions = {}) => new ChunkWriter({ encoding: 'none', ...options });
const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};
const entriesOf = (bytes: Uint8Array) => readChunk(bytes).blocks.flatMap((block) => block.decode().map(toGoldenEntry));

describe('ChunkWriter options', () => {
  it("defaults to Loki's: format 4, gzip, 256 KiB blocks, 1.5 MiB target", () => {
    const fakeGzip = { id: 1, name: 'gzip', compress: (d: Uint8Array) => d.slice(), decompress: (d: Uint8Array) => d };
    const writer = new ChunkWriter({ codecs: new CodecRegistry([fakeGzip]) });
    expect(writer.format).toBe(4);
    expect(writer.encoding.name).toBe('gzip');
    expect(writer.blockSize).toBe(256 * 1024);
    expect(writer.targetSize).toBe(1536 * 1024);
  });

  it('refuses bad options with typed errors', () => {
    expect(code(() => none({ format: 5 as never }))).toBe('INVALID_ARGUMENT');
    expect(code(() => none({ blockSize: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => none({ blockSize: 1.5 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => none({ targetSize: -1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => new ChunkWriter({ encoding: 'brotli' }))).toBe('UNSUPPORTED_ENCODING');
    expect(code(() => new ChunkWriter({ encoding: 'dumb' }))).toBe('UNSUPPORTED_ENCODING');
    expect(code(() => none({ format: 1 }))).toBe('INVALID_ARGUMENT'); // v1 is always gzip.
  });

  it('accepts a codec byte as well as a name', () => {
    expect(new ChunkWriter({ encoding: 0 }).encoding).toEqual({ id: 0, name: 'none' });
  });
});

describe('append', () => {
  it('takes bigint or safe-integer timestamps, string or byte lines', () => {
    const writer = none();
    writer.append({ timestamp: 5, line: 'héllo' });
    writer.append({ timestamp: 6n, line: new Uint8Array([0xff, 0x00]) });
    expect(entriesOf(writer.finish())).toEqual([
      { ts: '5', line: 'héllo' },
      { ts: '6', lineBase64: '/wA=' },
    ]);
  });

  it('refuses malformed entries and is unchanged afterwards', () => {
    const writer = none();
    expect(code(() => writer.append({ timestamp: 1.5, line: 'x' }))).toBe('INVALID_ARGUMENT');
    expect(code(() => writer.append({ timestamp: 2 ** 60, line: 'x' }))).toBe('INVALID_ARGUMENT');
    expect(code(() => writer.append({ timestamp: 1n << 63n, line: 'x' }))).toBe('INVALID_ARGUMENT');
    expect(code(() => writer.append({ timestamp: 1, line: 42 as never }))).toBe('INVALID_ARGUMENT');
    expect(code(() => writer.append(null as never))).toBe('INVALID_ARGUMENT');
    expect(code(() => writer.append({ timestamp: 1, line: 'x', structuredMetadata: [['a']] as never }))).toBe('INVALID_ARGUMENT');
    expect(code(() => writer.append({ timestamp: 1, line: 'x', structuredMetadata: 'a=b' as never }))).toBe('INVALID_ARGUMENT');
    expect(writer.entryCount).toBe(0);
    expect(readChunk(writer.finish()).blocks).toHaveLength(0);
  });

  it('encodes lone surrogates as U+FFFD, as TextEncoder does, and counts UTF-8 bytes that way', () => {
    for (const text of ['', 'abc', 'é', '€', '😀', '\ud800', 'a\udc00b', '\ud83d\ude00\ud83d']) {
      expect(utf8ByteLength(text)).toBe(new TextEncoder().encode(text).length);
    }
  });

  it("writes a line whose UTF-8 length needs a longer length prefix than its code-unit count's", () => {
    // 100 code units but 200 UTF-8 bytes (uvarint of 2 bytes, not 1); 8,000 and 24,000 cross the next boundary.
    const lines = ['é'.repeat(100), '€'.repeat(8000), 'x'.repeat(127), 'é'.repeat(64), '😀'.repeat(40)];
    for (const format of [2, 3, 4] as const) {
      const writer = none({ format });
      lines.forEach((line, i) => writer.append({ timestamp: BigInt(i), line, structuredMetadata: { n: String(i) } }));
      const read = [...readChunk(writer.finish()).entries()];
      expect(read.map((entry) => entry.line)).toEqual(lines);
      expect(read.map((entry) => entry.structuredMetadata.length)).toEqual(lines.map(() => (format === 4 ? 1 : 0)));
    }
  });

  it('refuses an older entry in formats 1-2, also across a cut, with OUT_OF_ORDER', () => {
    const writer = none({ format: 2, blockSize: 1 });
    writer.append({ timestamp: 10n, line: 'a' }); // Cut right away: the head is empty again.
    expect(writer.blockCount).toBe(1);
    expect(code(() => writer.append({ timestamp: 9n, line: 'b' }))).toBe('OUT_OF_ORDER');
    writer.append({ timestamp: 10n, line: 'c' }); // Equal is in order.
    expect(entriesOf(writer.finish()).map((e) => e.line)).toEqual(['a', 'c']);
  });

  it('formats 3-4 accept any order and sort each block, equal timestamps in append order', () => {
    const writer = none({ format: 3 });
    for (const [ts, line] of [[3n, 'c'], [1n, 'a'], [3n, 'd'], [2n, 'b'], [1n, 'a2']] as const) writer.append({ timestamp: ts, line });
    expect(entriesOf(writer.finish()).map((e) => e.line)).toEqual(['a', 'a2', 'b', 'c', 'd']);
  });

  it('drops an identical entry in the same head block (formats 3-4), keeps it across a cut, never in format 2', () => {
    const entry = { timestamp: 7n, line: 'same', structuredMetadata: [['b', '2'], ['a', '1']] as Array<[string, string]> };
    const v4 = none({ format: 4, blockSize: 1000 });
    expect(v4.append(entry).duplicate).toBe(false);
    expect(v4.append({ ...entry, structuredMetadata: [['a', '1'], ['b', '2']] }).duplicate).toBe(true); // Same pairs once sorted.
    expect(v4.append({ ...entry, structuredMetadata: [['a', '1']] }).duplicate).toBe(false);
    expect(v4.append({ ...entry, line: 'other' }).duplicate).toBe(false);
    expect(v4.entryCount).toBe(3);

    const v3 = none({ format: 3, blockSize: 4 });
    expect(v3.append({ timestamp: 1n, line: 'abcd' }).duplicate).toBe(false); // Cuts a block.
    expect(v3.append({ timestamp: 1n, line: 'abcd' }).duplicate).toBe(false); // New head: not a duplicate.
    expect(v3.append({ timestamp: 1n, line: 'ab', structuredMetadata: { x: 'y' } }).duplicate).toBe(false);
    expect(v3.append({ timestamp: 1n, line: 'ab' }).duplicate).toBe(true); // v3 ignores metadata.

    const v2 = none({ format: 2 });
    expect(v2.append({ timestamp: 1n, line: 'x' }).duplicate).toBe(false);
    expect(v2.append({ timestamp: 1n, line: 'x' }).duplicate).toBe(false);
    expect(v2.entryCount).toBe(2);
  });

  it('stores structured metadata sorted by name (stable), interning names and values in one table', () => {
    const writer = none();
    writer.append({ timestamp: 1n, line: 'x', structuredMetadata: [['level', 'info'], ['app', 'level'], ['a', 'z'], ['a', 'y']] });
    writer.append({ timestamp: 2n, line: 'y', structuredMetadata: { trace: 'abc', app: 'web' } });
    const chunk = readChunk(writer.finish());
    expect(chunk.symbols).toEqual(['a', 'z', 'y', 'app', 'level', 'info', 'web', 'trace', 'abc']);
    expect(chunk.blocks[0]!.decode().map((e) => e.structuredMetadata)).toEqual([
      [['a', 'z'], ['a', 'y'], ['app', 'level'], ['level', 'info']],
      [['app', 'web'], ['trace', 'abc']],
    ]);
    expect(chunk.blocks[0]!.uncompressedSize).toBe(2 + 6 * 8); // Line bytes + 8 per pair.
  });

  it("refuses a structured-metadata name Loki's reader cannot rename (only underscores after renaming)", () => {
    const writer = none();
    for (const name of ['é', '_', '.', '____']) {
      expect(code(() => writer.append({ timestamp: 1n, line: 'x', structuredMetadata: [[name, 'v']] }))).toBe('INVALID_ARGUMENT');
    }
    writer.append({ timestamp: 1n, line: 'x', structuredMetadata: [['', 'v'], ['région', 'v'], ['0abc', 'v'], ['http.method', 'GET']] });
    expect(writer.entryCount).toBe(1);
    expect(readChunk(writer.finish()).symbols).toEqual(['', 'v', '0abc', 'http.method', 'GET', 'région']);
  });

  it("keeps a dropped duplicate's metadata in the symbol table, as Loki does", () => {
    const writer = none();
    writer.append({ timestamp: 1n, line: 'x' });
    expect(writer.append({ timestamp: 1n, line: 'x', structuredMetadata: [['k', 'v']] }).duplicate).toBe(false);
    expect(writer.append({ timestamp: 1n, line: 'x', structuredMetadata: [['k', 'v']] }).duplicate).toBe(true);
    writer.append({ timestamp: 2n, line: 'y', structuredMetadata: [['k', 'w']] });
    expect(readChunk(writer.finish()).symbols).toEqual(['k', 'v', 'w']);
  });

  it('formats 1-3 drop structured metadata, as Loki does', () => {
    const writer = none({ format: 3 });
    writer.append({ timestamp: 1n, line: 'x', structuredMetadata: [['k', 'v']] });
    const chunk = readChunk(writer.finish());
    expect(chunk.blocks[0]!.decode()[0]!.structuredMetadata).toEqual([]);
    expect(chunk.blocks[0]!.uncompressedSize).toBe(1);
  });

  it('cuts a block when the head reaches blockSize (line bytes + 8 per pair)', () => {
    const writer = none({ blockSize: 20 });
    writer.append({ timestamp: 1n, line: '0123456789' });
    expect(writer.blockCount).toBe(0);
    writer.append({ timestamp: 2n, line: '01', structuredMetadata: [['a', 'b']] }); // 10 + 2 + 8 = 20.
    expect(writer.blockCount).toBe(1);
    writer.append({ timestamp: 3n, line: 'x' });
    const chunk = readChunk(writer.finish());
    expect(chunk.blocks.map((b) => [b.entryCount, b.uncompressedSize])).toEqual([
      [2, 20],
      [1, 1],
    ]);
  });

  it('refuses appends after finish(), which returns the same bytes again', () => {
    const writer = none();
    writer.append({ timestamp: 1n, line: 'x' });
    const bytes = writer.finish();
    expect(writer.finish()).toBe(bytes);
    expect(code(() => writer.append({ timestamp: 2n, line: 'y' }))).toBe('INVALID_ARGUMENT');
  });

  it('reports entry count and time bounds', () => {
    const writer = none({ blockSize: 1 });
    expect([writer.entryCount, writer.minTime, writer.maxTime]).toEqual([0, undefined, undefined]);
    writer.append({ timestamp: 5n, line: 'a' });
    writer.append({ timestamp: -3n, line: 'b' });
    expect([writer.entryCount, writer.minTime, writer.maxTime, writer.blockCount]).toEqual([2, -3n, 5n, 2]);
  });
});

describe('spaceFor (Loki SpaceFor)', () => {
  it('compares symbols + compressed cut blocks + head + the entry with the target size', () => {
    const writer = none({ targetSize: 100, blockSize: 1000 });
    writer.append({ timestamp: 1n, line: 'x'.repeat(50), structuredMetadata: [['name', 'value']] }); // head 58, symbols 9.
    // 9 + 0 + 58 + line + name/value bytes (not 8 per pair) < 100.
    expect(writer.spaceFor({ timestamp: 2n, line: 'y'.repeat(32) })).toBe(true); // 99
    expect(writer.spaceFor({ timestamp: 2n, line: 'y'.repeat(33) })).toBe(false); // 100
    expect(writer.spaceFor({ timestamp: 2n, line: 'y'.repeat(29), structuredMetadata: { ab: 'c' } })).toBe(true); // 99
    expect(writer.spaceFor({ timestamp: 2n, line: 'é'.repeat(17) })).toBe(false); // 34 UTF-8 bytes
  });

  it('counts cut blocks by their compressed length, and ignores metadata before format 4', () => {
    const writer = none({ format: 3, targetSize: 100, blockSize: 10 });
    writer.append({ timestamp: 1n, line: '0123456789' }); // Cut: payload 12 bytes with codec none.
    expect(writer.spaceFor({ timestamp: 2n, line: 'y'.repeat(87), structuredMetadata: { long: 'x'.repeat(50) } })).toBe(true);
    expect(writer.spaceFor({ timestamp: 2n, line: 'y'.repeat(88) })).toBe(false);
  });

  it('with target size 0, allows ten blocks', () => {
    const writer = none({ targetSize: 0, blockSize: 1 });
    for (let i = 0; i < 9; i++) writer.append({ timestamp: BigInt(i), line: 'x' });
    expect(writer.spaceFor({ timestamp: 9n, line: 'x'.repeat(10_000_000) })).toBe(true);
    writer.append({ timestamp: 9n, line: 'x' });
    expect(writer.spaceFor({ timestamp: 10n, line: '' })).toBe(false);
  });
});

describe("finish(): Loki's close-time rebuild", () => {
  it('rebuilds overlapping blocks into sorted ones, dropping duplicates that now share a head block', () => {
    const writer = none({ format: 4, blockSize: 6 });
    // Blocks [10, 20] and [15, 30] overlap; the head holds a copy of the entry at 20.
    for (const ts of [10n, 20n, 30n, 15n, 20n]) writer.append({ timestamp: ts, line: 'abc' });
    expect(writer.entryCount).toBe(5);
    const chunk = readChunk(writer.finish());
    const bounds = chunk.blocks.map((b) => [b.mint, b.maxt]);
    expect(bounds).toEqual([
      [10n, 15n],
      [20n, 30n],
    ]);
    expect(writer.entryCount).toBe(4);
  });

  it('does not rebuild a format 2 chunk with negative timestamps (Loki recurses until it crashes)', () => {
    const writer = none({ format: 2, blockSize: 1 });
    for (const ts of [MIN_INT64, -5n, 0n, MAX_INT64]) writer.append({ timestamp: ts, line: 'x' });
    expect(entriesOf(writer.finish()).map((e) => e.ts)).toEqual([MIN_INT64, -5n, 0n, MAX_INT64].map(String));
  });

  it('keeps every timestamp in formats 3-4, including negative ones and MaxInt64, through a rebuild', () => {
    const writer = none({ format: 4, blockSize: 2 });
    for (const ts of [MAX_INT64, 1n, MIN_INT64, -1n, 0n, MAX_INT64 - 1n]) writer.append({ timestamp: ts, line: 'ab' });
    const chunk = readChunk(writer.finish());
    expect(chunk.blocks.flatMap((b) => b.decode().map((e) => e.timestamp))).toEqual([MIN_INT64, -1n, 0n, 1n, MAX_INT64 - 1n, MAX_INT64]);
    // Loki's reader returns all of them but MaxInt64 (its upper bound is exclusive).
    expect([...chunk.entries()].map((e) => e.timestamp)).toEqual([MIN_INT64, -1n, 0n, 1n, MAX_INT64 - 1n]);
  });

  it('cuts a head holding only empty lines (Loki loses them)', () => {
    const writer = none({ format: 3 });
    writer.append({ timestamp: 1n, line: '' });
    writer.append({ timestamp: 2n, line: '' });
    const chunk = readChunk(writer.finish());
    expect(chunk.blocks.map((b) => [b.entryCount, b.uncompressedSize])).toEqual([[2, 0]]);
    expect([...chunk.entries()].map((e) => e.timestamp)).toEqual([1n, 2n]);
  });

  it('records the true mint and maxt of a block (Loki: not for ts 0 in v2, empty first lines, negatives)', () => {
    const v2 = none({ format: 2 });
    v2.append({ timestamp: 0n, line: 'a' });
    v2.append({ timestamp: 5n, line: 'b' });
    const v4 = none({ format: 4 });
    v4.append({ timestamp: 1n, line: '' });
    v4.append({ timestamp: 2n, line: 'b' });
    v4.append({ timestamp: -7n, line: 'c' });
    expect(readChunk(v2.finish()).blocks.map((b) => [b.mint, b.maxt])).toEqual([[0n, 5n]]);
    expect(readChunk(v4.finish()).blocks.map((b) => [b.mint, b.maxt])).toEqual([[-7n, 2n]]);
  });

  it('re-encoding the entries Loki wrote gives the bytes Loki wrote', () => {
    const golden = readChunk(goldenBytes('matrix-v4-none.chunk'));
    const writer = new ChunkWriter({ format: 4, encoding: 'none', blockSize: 16 * 1024 });
    for (const block of golden.blocks) for (const entry of block.decode()) writer.append(entry);
    expect(Buffer.compare(writer.finish(), golden.bytes)).toBe(0);
  });

  it('appends reader entries by their exact bytes, not a re-encoding of their text', () => {
    const writer = none();
    writer.append(new LogEntry(1n, new Uint8Array([0xc3, 0x28]))); // Invalid UTF-8.
    expect(readChunk(writer.finish()).blocks[0]!.decode()[0]!.lineBytes).toEqual(new Uint8Array([0xc3, 0x28]));
  });
});

describe('checkpoint(): the WAL checkpoint pair', () => {
  it('round-trips through readCheckpoint without cutting the head', () => {
    const writer = none({ format: 4, blockSize: 18 });
    writer.append({ timestamp: 3n, line: '0123456789', structuredMetadata: { a: '1' } }); // 10 + 8: cut.
    writer.append({ timestamp: 2n, line: 'head', structuredMetadata: { b: '2' } });
    writer.append({ timestamp: 1n, line: 'older' });
    const { chunk, head } = writer.checkpoint();
    expect(writer.blockCount).toBe(1);
    expect(head[0]).toBe(5); // Unordered head with structured metadata.
    const restored = readCheckpoint(chunk, head);
    expect(restored.head.entries.map(toGoldenEntry)).toEqual([
      { ts: '1', line: 'older' },
      { ts: '2', line: 'head', structuredMetadata: [['b', '2']] },
    ]);
    expect(restored.chunk.symbols).toEqual(['a', '1', 'b', '2']);
  });

  it('writes the ordered head with its size and bounds (formats 1-2)', () => {
    const writer = none({ format: 2 });
    writer.append({ timestamp: 4n, line: 'ab' });
    writer.append({ timestamp: 9n, line: 'cde' });
    const { head } = writer.checkpoint();
    expect([...head]).toEqual([3, 2, 5, 8, 18, 8, 2, 0x61, 0x62, 18, 3, 0x63, 0x64, 0x65]);
    expect(none({ format: 3 }).checkpoint().head).toEqual(new Uint8Array([4, 0]));
  });

  it('keeps negative timestamps in a checkpointed head (Loki writes a corrupt head)', () => {
    const writer = none({ format: 3 });
    writer.append({ timestamp: -2n, line: 'a' });
    writer.append({ timestamp: 1n, line: 'b' });
    const { chunk, head } = writer.checkpoint();
    expect(readCheckpoint(chunk, head).head.entries.map((e) => e.timestamp)).toEqual([-2n, 1n]);
  });
});

describe('symbol table', () => {
  it('writes symbols with lone surrogates as U+FFFD each, even when two of them would pair up', () => {
    const writer = none();
    writer.append({ timestamp: 1n, line: 'x', structuredMetadata: [['a', 'end\ud83d'], ['b', '\ude00start'], ['c', '😀']] });
    const chunk = readChunk(writer.finish());
    expect(chunk.symbols).toEqual(['a', 'end\ufffd', 'b', '\ufffdstart', 'c', '😀']);
  });

  it('interns thousands of symbols (ASCII and not, long and short) once each, in first-seen order', () => {
    const values = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? `é${i}` : i % 3 === 1 ? `v${i}` : `${'€'.repeat(50)}${i}`));
    const writer = none({ blockSize: 1 << 30, targetSize: 1 << 30 });
    let ts = 0n;
    for (const round of [0, 1]) {
      for (let i = 0; i < values.length; i++) {
        writer.append({ timestamp: ts++, line: `${round}`, structuredMetadata: [['name', values[i]!], ['k', `${i % 7}`]] });
      }
    }
    // Pairs are stored sorted by name, so each entry interns k's value before its own: k, 0, name, é0, 1, v1, ...
    const expected = ['k', '0', 'name', values[0]];
    for (let i = 1; i < values.length; i++) expected.push(...(i < 7 ? [`${i}`] : []), values[i]!);
    expect(readChunk(writer.finish()).symbols).toEqual(expected);
    const entries = [...readChunk(writer.finish()).entries()];
    expect(entries.map((entry) => entry.structuredMetadata[1]![1])).toEqual([...values, ...values]);
  });
});
