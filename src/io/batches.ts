/**
 * Batches to items: an async iterator that hands out the items of each batch from memory and awaits only to
 * get the next batch, so a consumer of single entries pays one resolved promise per entry, not an async
 * generator's round trips.
 */

/** The items of `batches`, in order, as one async iterator; `return()` closes `batches` too. */
export function flattenBatches<T>(batches: AsyncIterator<readonly T[]>): AsyncIterableIterator<T> {
  return new FlatIterator(batches);
}

class FlatIterator<T> implements AsyncIterableIterator<T> {
  private batch: readonly T[] = [];
  private position = 0;
  private finished = false;
  private refilling: Promise<void> | null = null;

  constructor(private readonly batches: AsyncIterator<readonly T[]>) {}

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.position < this.batch.length) return Promise.resolve({ done: false, value: this.batch[this.position++]! });
    if (this.finished) return Promise.resolve({ done: true, value: undefined });
    // Concurrent callers share one refill, then each takes its own item.
    this.refilling ??= this.refill().finally(() => {
      this.refilling = null;
    });
    return this.refilling.then(() => this.next());
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    const wasOpen = !this.finished;
    this.finish();
    if (wasOpen) await this.batches.return?.();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private async refill(): Promise<void> {
    try {
      // Empty batches are skipped here so that `next()` never loops on them.
      for (;;) {
        const result = await this.batches.next();
        if (result.done) return this.finish();
        if (result.value.length > 0) {
          this.batch = result.value;
          this.position = 0;
          return;
        }
      }
    } catch (error) {
      this.finish();
      throw error;
    }
  }

  private finish(): void {
    this.finished = true;
    this.batch = [];
    this.position = 0;
  }
}
