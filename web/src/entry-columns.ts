/**
 * The entries the page holds, in list order: the library's {@link LogEntry} objects (lines decoded lazily) plus
 * a `BigInt64Array` of timestamps and a lazily built lower-case search text, so range and text filters over
 * tens of thousands of entries touch no line they do not need.
 */
import type { LogEntry } from '../../src/index.js';

/** Entries in list order, with the columns the filters read. */
export class EntryColumns {
  /** Number of entries. */
  readonly count: number;
  /** Timestamps (int64 ns), by position. */
  readonly timestamps: BigInt64Array;
  private readonly entries: readonly LogEntry[];
  private readonly lowered: Array<string | undefined>;

  constructor(entries: readonly LogEntry[]) {
    this.entries = entries;
    this.count = entries.length;
    this.timestamps = new BigInt64Array(entries.length);
    for (let index = 0; index < entries.length; index++) this.timestamps[index] = entries[index]!.timestamp;
    this.lowered = new Array<string | undefined>(entries.length);
  }

  /** The entry at `index`. */
  entry(index: number): LogEntry {
    const entry = this.entries[index];
    if (entry === undefined) throw new RangeError(`entry ${index} of ${this.count}`);
    return entry;
  }

  /** The line, its structured-metadata names and values, lower-cased: what the text filter searches. */
  searchText(index: number): string {
    let text = this.lowered[index];
    if (text === undefined) {
      const entry = this.entry(index);
      text = entry.line.toLowerCase();
      for (const [name, value] of entry.structuredMetadata) text += `\n${name.toLowerCase()}=${value.toLowerCase()}`;
      this.lowered[index] = text;
    }
    return text;
  }
}

/** No entries. */
export const NO_ENTRIES = new EntryColumns([]);
