/**
 * encodeChunks / encodeChunksSync: the ingester's rule for starting a new chunk, over sync and async iterables and
 * ReadableStreams, out-of-order handling, and the entry JSON the CLIs share.
 */
import { describe, expect, it } from 'vitest';
import { readChunk } from '../../src/chunk/chunk.js';
import { encodeChunks, encodeChunksSync, type EncodedChunk } from '../../src/chunk/encode-chunks.js';
import type { EntryInput } from '../../src/chunk/entry-input.js';
import { LogEntry } from '../../src/chunk/entry.js';
import { ChunkWriter } from '../../src/chunk/writer.js';
import { entryFromJSON, entryToJSON, parseEntryLine } from '../../src/cli/ndjson.js';

const entries = (count: number, line = 'x'.repeat(100)): EntryInput[] =>
  Array.from({ length: count }, (_, i) => ({ timestamp: BigInt(i), line }));
const options = { encoding: 'none', blockSize: 300, targetSize: 1000 } as const;

async function collect(source: AsyncIterable<EncodedChunk>): Promise<EncodedChunk[]> {
  const out: EncodedChunk[] = [];
  for await (const chunk of source) out.push(chunk);
  return out;
}

describe('encodeChunks', () => {
  it("starts a new chunk when the current one has no space for the next entry (Loki's ingester rule)", () => {
    const chunks = [...encodeChunksSync(entries(25), options)];
    expect(chunks.map((chunk) => chunk.entryCount)).toEqual([9, 9, 7]);
    // Replaying each chunk shows every entry but the first fitted, and the next chunk's first one did not.
    let next = 0;
    for (const [i, chunk] of chunks.entries()) {
      const writer = new ChunkWriter(options);
      for (let k = 0; k < chunk.entryCount; k++) {
        const entry = entries(25)[next++]!;
        if (k > 0) expect(writer.spaceFor(entry)).toBe(true);
        writer.append(entry);
      }
      if (i < chunks.length - 1) expect(writer.spaceFor(entries(25)[next]!)).toBe(false);
      expect(Buffer.compare(writer.finish(), chunk.bytes)).toBe(0);
      expect([chunk.minTime, chunk.maxTime]).toEqual([BigInt(next - chunk.entryCount), BigInt(next - 1)]);
    }
  });

  it('writes every chunk exactly as a fresh writer fed the same entries would', () => {
    // Out of order, with duplicates, structured metadata and non-ASCII symbols, over several chunks and rebuilds
    // (each chunk after the first reuses the previous writer's buffers). Names come as literals and as strings
    // built at run time, and a symbol seen as a value may come back as a name.
    const builtName = (i: number) => ['zo', 'ne'].join('') + (i % 2 === 0 ? '' : '2');
    const input = Array.from({ length: 400 }, (_, i): EntryInput => ({
      timestamp: BigInt((i * 7919) % 97),
      line: i % 5 === 0 ? 'dup' : `line ${i} ${'é'.repeat(i % 40)}`,
      structuredMetadata:
        i % 5 === 0 ? [['k', 'v']] : i % 7 === 0 ? [['id', 'zone2']] : [['id', `req-${i}`], [builtName(i), `z${i % 3}€`]],
    }));
    for (const format of [2, 3, 4] as const) {
      const chunkOptions = { format, encoding: 'snappy', blockSize: 400, targetSize: 1500 } as const;
      const ordered = format === 2 ? [...input].sort((a, b) => Number(a.timestamp) - Number(b.timestamp)) : input;
      const chunks = [...encodeChunksSync(ordered, chunkOptions)];
      expect(chunks.length).toBeGreaterThan(3);
      let next = 0;
      for (const chunk of chunks) {
        const writer = new ChunkWriter(chunkOptions);
        while (writer.isEmpty || (next < ordered.length && writer.spaceFor(ordered[next]!))) writer.append(ordered[next++]!);
        expect(Buffer.compare(writer.finish(), chunk.bytes)).toBe(0);
      }
      expect(next).toBe(ordered.length);
    }
  });

  it('gives an entry larger than the target a chunk of its own, never an empty chunk', () => {
    const input = [{ timestamp: 1n, line: 'a' }, { timestamp: 2n, line: 'b'.repeat(5000) }, { timestamp: 3n, line: 'c' }];
    expect([...encodeChunksSync(input, options)].map((chunk) => chunk.entryCount)).toEqual([1, 1, 1]);
    expect([...encodeChunksSync([], options)]).toEqual([]);
  });

  it('cuts ten blocks per chunk with target size 0', () => {
    const chunks = [...encodeChunksSync(entries(25), { ...options, targetSize: 0, blockSize: 100 })];
    expect(chunks.map((chunk) => readChunk(chunk.bytes).blocks.length)).toEqual([10, 10, 5]);
  });

  it('reads async iterables and ReadableStreams, yielding the same chunks', async () => {
    const expected = [...encodeChunksSync(entries(25), options)].map((chunk) => chunk.bytes);
    async function* generate() {
      yield* entries(25);
    }
    const fromAsync = await collect(encodeChunks(generate(), options));
    const stream = new ReadableStream<EntryInput>({
      start(controller) {
        for (const entry of entries(25)) controller.enqueue(entry);
        controller.close();
      },
    });
    const fromStream = await collect(encodeChunks(stream, options));
    const fromSync = await collect(encodeChunks(entries(25), options));
    for (const got of [fromAsync, fromStream, fromSync]) expect(got.map((chunk) => chunk.bytes)).toEqual(expected);
  });

  it('encodeChunksSync reads any iterable, and an array through its own iterator when it has one', () => {
    const expected = [...encodeChunksSync(entries(25), options)].map((chunk) => chunk.bytes);
    function* generate() {
      yield* entries(25);
    }
    const fromGenerator = [...encodeChunksSync(generate(), options)];
    const fromSet = [...encodeChunksSync(new Set(entries(25)), options)];
    for (const got of [fromGenerator, fromSet]) expect(got.map((chunk) => chunk.bytes)).toEqual(expected);
    // An array whose iterator yields only every other entry is read through that iterator.
    const everyOther = entries(25);
    Object.defineProperty(everyOther, Symbol.iterator, {
      value: function* (this: EntryInput[]) {
        for (let i = 0; i < this.length; i += 2) yield this[i]!;
      },
    });
    const chunks = [...encodeChunksSync(everyOther, options)];
    expect(chunks.reduce((sum, chunk) => sum + chunk.entryCount, 0)).toBe(13);
  });

  it('counts duplicates per chunk', () => {
    const input = [{ timestamp: 1n, line: 'a' }, { timestamp: 1n, line: 'a' }, { timestamp: 2n, line: 'b' }];
    const [chunk] = [...encodeChunksSync(input, { encoding: 'none' })];
    expect([chunk!.entryCount, chunk!.duplicates]).toEqual([2, 1]);
  });

  it("throws an out-of-order entry (formats 1-2), or drops and counts it with outOfOrder: 'drop'", async () => {
    const input = [{ timestamp: 5n, line: 'a' }, { timestamp: 1n, line: 'b' }, { timestamp: 6n, line: 'c' }];
    expect(() => [...encodeChunksSync(input, { format: 2, encoding: 'none' })]).toThrowError(expect.objectContaining({ code: 'OUT_OF_ORDER' }));
    await expect(collect(encodeChunks(input, { format: 2, encoding: 'none' }))).rejects.toMatchObject({ code: 'OUT_OF_ORDER' });
    const [chunk] = [...encodeChunksSync(input, { format: 2, encoding: 'none', outOfOrder: 'drop' })];
    expect([chunk!.entryCount, chunk!.rejected]).toEqual([2, 1]);
    expect(() => [...encodeChunksSync(input, { outOfOrder: 'skip' as never })]).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('refuses a source that is not iterable', async () => {
    await expect(collect(encodeChunks(42 as never, { encoding: 'none' }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('entry JSON (shared by the CLIs)', () => {
  it('round-trips entries: text lines as line, other bytes as lineBase64, metadata when present', () => {
    const text = new LogEntry(-5n, new TextEncoder().encode('héllo'), [['k', 'v']]);
    const binary = new LogEntry(9223372036854775807n, new Uint8Array([0xff, 0xfe]));
    expect(entryToJSON(text)).toEqual({ ts: '-5', line: 'héllo', structuredMetadata: [['k', 'v']] });
    expect(entryToJSON(binary)).toEqual({ ts: '9223372036854775807', lineBase64: '//4=' });
    expect(entryFromJSON(entryToJSON(binary))).toEqual({ timestamp: 9223372036854775807n, line: new Uint8Array([0xff, 0xfe]) });
    expect(parseEntryLine('{"ts":"1","line":"a","structuredMetadata":[["n","v"]],"block":3}')).toEqual({
      timestamp: 1n,
      line: 'a',
      structuredMetadata: [['n', 'v']],
    });
    expect(parseEntryLine('{"ts":12,"line":""}')).toEqual({ timestamp: 12n, line: '' });
  });

  it('names the field at fault', () => {
    const message = (text: string) => {
      try {
        parseEntryLine(text);
      } catch (error) {
        expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(message('{"line":"a"}')).toMatch(/missing "ts"/);
    expect(message('{"ts":"01","line":"a"}')).toMatch(/"ts" must be a decimal integer/);
    expect(message('{"ts":"9223372036854775808","line":"a"}')).toMatch(/outside the int64 range/);
    expect(message('{"ts":1e300,"line":"a"}')).toMatch(/not a safe integer/);
    expect(message('{"ts":"1"}')).toMatch(/missing "line"/);
    expect(message('{"ts":"1","line":"a","lineBase64":"YQ=="}')).toMatch(/both/);
    expect(message('{"ts":"1","lineBase64":"not base64!"}')).toMatch(/base64/);
    expect(message('{"ts":"1","line":"a","structuredMetadata":[["a",1]]}')).toMatch(/structuredMetadata"\[0\]/);
    expect(message('[1]')).toMatch(/JSON object/);
    expect(message('{"ts":')).toMatch(/not valid JSON/);
  });
});
