/** The Web Streams adapter (pull-based, cancellable) and the batch-flattening iterator behind `entries()`. */
import { describe, expect, it } from 'vitest';
import { readChunk } from '../../src/chunk/chunk.js';
import { flattenBatches } from '../../src/io/batches.js';
import { entriesToReadableStream } from '../../src/io/web-streams.js';
import { goldenBytes } from '../helpers/golden-cases.js';

/** An async iterable of 0..count-1 that records how far it was pulled and whether it was closed. */
function tracked(count: number) {
  const state = { pulled: 0, returned: false, returnReason: undefined as unknown };
  const iterable: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => (state.pulled < count ? { done: false, value: state.pulled++ } : { done: true, value: undefined }),
      return: async (reason?: unknown) => {
        state.returned = true;
        state.returnReason = reason;
        return { done: true, value: undefined };
      },
    }),
  };
  return { iterable, state };
}

async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  const reader = stream.getReader();
  for (let result = await reader.read(); !result.done; result = await reader.read()) out.push(result.value);
  return out;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('entriesToReadableStream', () => {
  it('reads an async iterable to the end', async () => {
    const { iterable, state } = tracked(50);
    expect(await readAll(entriesToReadableStream(iterable))).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(state.returned).toBe(false);
  });

  it("reads a chunk's entries (a sync iterable) to the end", async () => {
    const chunk = readChunk(goldenBytes('single-v4-snappy.chunk'));
    expect(await readAll(entriesToReadableStream(chunk.entries()))).toEqual([...chunk.entries()]);
  });

  it('pulls only as the reader reads (backpressure)', async () => {
    const { iterable, state } = tracked(1000);
    const reader = entriesToReadableStream(iterable).getReader();
    await settle();
    expect(state.pulled).toBeLessThanOrEqual(1); // The queue's high-water mark, nothing more.
    await reader.read();
    await reader.read();
    await settle();
    expect(state.pulled).toBeLessThanOrEqual(3);

    const ahead = tracked(1000);
    entriesToReadableStream(ahead.iterable, { highWaterMark: 10 }).getReader();
    await settle();
    expect(ahead.state.pulled).toBe(10);
  });

  it("cancelling calls the iterator's return() with the reason", async () => {
    const { iterable, state } = tracked(1000);
    const reader = entriesToReadableStream(iterable).getReader();
    expect((await reader.read()).value).toBe(0);
    await reader.cancel('enough');
    expect(state).toMatchObject({ returned: true, returnReason: 'enough' });
    expect(state.pulled).toBeLessThan(5);
  });

  it('an error while iterating errors the stream', async () => {
    const failing: AsyncIterable<number> = {
      async *[Symbol.asyncIterator]() {
        yield 1;
        throw new Error('broken block');
      },
    };
    const reader = entriesToReadableStream(failing).getReader();
    expect((await reader.read()).value).toBe(1);
    await expect(reader.read()).rejects.toThrow('broken block');
  });
});

describe('flattenBatches', () => {
  async function* batches(...lists: number[][]) {
    for (const list of lists) yield list;
  }

  it('gives the items of every batch in order, skipping empty batches', async () => {
    const out: number[] = [];
    for await (const item of flattenBatches(batches([1, 2], [], [3], [], [], [4, 5]))) out.push(item);
    expect(out).toEqual([1, 2, 3, 4, 5]);
  });

  it('concurrent next() calls each get their own item', async () => {
    const iterator = flattenBatches(batches([1, 2, 3], [4]));
    const results = await Promise.all([iterator.next(), iterator.next(), iterator.next(), iterator.next(), iterator.next()]);
    expect(results.map((result) => (result.done ? 'done' : result.value))).toEqual([1, 2, 3, 4, 'done']);
  });

  it('return() closes the batches; an error ends the iteration', async () => {
    let closed = false;
    async function* source() {
      try {
        yield [1, 2];
        yield [3];
      } finally {
        closed = true;
      }
    }
    const iterator = flattenBatches(source());
    expect(await iterator.next()).toEqual({ done: false, value: 1 });
    expect(await iterator.return!()).toEqual({ done: true, value: undefined });
    expect(closed).toBe(true);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });

    async function* failing(): AsyncGenerator<number[]> {
      yield [1];
      throw new Error('fetch failed');
    }
    const broken = flattenBatches(failing());
    expect(await broken.next()).toEqual({ done: false, value: 1 });
    await expect(broken.next()).rejects.toThrow('fetch failed');
    expect(await broken.next()).toEqual({ done: true, value: undefined });
  });
});
