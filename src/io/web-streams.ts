/** Web Streams adapters: entries (or anything iterable) as a pull-based `ReadableStream`. */
import type { LogEntry } from '../chunk/entry.js';

/** Options of {@link entriesToReadableStream}. */
export interface ReadableStreamOptions {
  /** Items the stream may buffer ahead of its reader (default 1: one is read only when the reader wants one). */
  highWaterMark?: number;
}

/**
 * A `ReadableStream` of the items of `source` (`OpenedChunk.entries()`, `Chunk.entries()`, or any iterable).
 * Pull-based: the next item is taken only when the stream's queue wants one, so a slow reader holds back the
 * reading of blocks. Cancelling the stream calls the iterator's `return()` (an `openChunk` query stops fetching);
 * an error while iterating errors the stream.
 */
export function entriesToReadableStream<T = LogEntry>(
  source: AsyncIterable<T> | Iterable<T>,
  options: ReadableStreamOptions = {},
): ReadableStream<T> {
  let iterator: AsyncIterator<T> | Iterator<T> | undefined;
  return new ReadableStream<T>(
    {
      start() {
        iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
      },
      async pull(controller) {
        const result = await iterator!.next();
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
      async cancel(reason) {
        await iterator!.return?.(reason);
      },
    },
    { highWaterMark: options.highWaterMark ?? 1 },
  );
}
