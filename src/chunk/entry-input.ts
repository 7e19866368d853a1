/**
 * What the writer accepts as an entry, and its checks: the exact timestamp, line and structured-metadata pairs
 * Loki would store.
 */
import { toInt64 } from '../binary/int64.js';
import { LokiChunkError } from '../errors.js';
import { LogEntry } from './entry.js';
import { compareUtf8 } from './structured-metadata.js';

/**
 * Structured metadata as the writer accepts it: `[name, value]` pairs (duplicate names allowed, as in Loki) or a
 * plain object of names to values.
 */
export type StructuredMetadataInput = ReadonlyArray<readonly [string, string]> | Readonly<Record<string, string>>;

/** One entry to append: what Loki's `logproto.Entry` holds. A {@link LogEntry} from the reader also fits. */
export interface EntryInput {
  /** int64 nanoseconds since the Unix epoch: a `bigint`, or a `number` that is a safe integer. */
  timestamp: bigint | number;
  /** The line: a string (stored as UTF-8) or the exact bytes. */
  line: string | Uint8Array;
  /**
   * Structured metadata (stored by v4 chunks only; Loki's v1-v3 chunks drop it). Pairs are stored sorted by name
   * in UTF-8 byte order, equal names keeping their given order, as Loki stores them.
   */
  structuredMetadata?: StructuredMetadataInput;
}

/** Structured-metadata pairs, read-only. */
export type Pairs = ReadonlyArray<readonly [string, string]>;

/** The timestamp of an entry as an int64 `bigint`. */
export function timestampOf(entry: EntryInput): bigint {
  if (entry === null || typeof entry !== 'object') {
    throw new LokiChunkError('INVALID_ARGUMENT', `an entry must be an object, got ${describe(entry)}`);
  }
  return toInt64(entry.timestamp, 'entry timestamp');
}

/** The line of an entry, checked: a string, or bytes (a reader entry gives its exact bytes, never a re-encoding). */
export function lineOf(entry: EntryInput): string | Uint8Array {
  if (entry instanceof LogEntry) return entry.lineBytes;
  const line = entry.line;
  if (typeof line === 'string' || line instanceof Uint8Array) return line;
  throw new LokiChunkError('INVALID_ARGUMENT', `entry line must be a string or a Uint8Array, got ${describe(line)}`);
}

/** Bytes a line takes: its length, or for a string the length of its UTF-8 encoding (as `TextEncoder` writes it). */
export function lineByteLength(line: string | Uint8Array): number {
  return typeof line === 'string' ? utf8ByteLength(line) : line.length;
}

/** Length of the UTF-8 encoding of `text` (lone surrogates count as U+FFFD, 3 bytes, as `TextEncoder` writes them). */
export function utf8ByteLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) {
      length += 1;
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 2; // Four bytes for the two code units of a surrogate pair.
      i++;
    } else {
      length += 2;
    }
  }
  return length;
}

const NO_PAIRS: Pairs = Object.freeze([]);

/**
 * The entry's structured metadata as Loki stores it: sorted by name (UTF-8 byte order, stable).
 * Returns the caller's array itself when it is already sorted, so the common case allocates nothing.
 * @throws {LokiChunkError} `INVALID_ARGUMENT` when a pair is not two strings.
 */
export function sortedPairsOf(entry: EntryInput): Pairs {
  const input = entry.structuredMetadata;
  if (input === undefined || input === null) return NO_PAIRS;
  let pairs: Pairs;
  if (Array.isArray(input)) {
    pairs = input as Pairs;
  } else if (typeof input === 'object') {
    pairs = Object.entries(input as Record<string, unknown>) as Array<[string, string]>;
  } else {
    throw new LokiChunkError(
      'INVALID_ARGUMENT',
      `structuredMetadata must be an array of [name, value] pairs or an object, got ${describe(input)}`,
    );
  }
  let sorted = true;
  for (let i = 0; i < pairs.length; i++) {
    const pair: unknown = pairs[i];
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw new LokiChunkError('INVALID_ARGUMENT', `structuredMetadata[${i}] must be a [name, value] pair of strings`);
    }
    if (i > 0 && compareUtf8(pairs[i - 1]![0], pair[0]) > 0) sorted = false;
  }
  return sorted ? pairs : sortedByName(pairs);
}

/**
 * A copy sorted by name with a stable insertion sort: entries carry a few pairs, for which this beats
 * `Array.prototype.sort`. (Loki's sort is stable too for the dozen pairs an entry carries at most in practice.)
 */
function sortedByName(pairs: Pairs): Pairs {
  const sorted = pairs.slice();
  for (let i = 1; i < sorted.length; i++) {
    const pair = sorted[i]!;
    let j = i - 1;
    for (; j >= 0 && compareUtf8(sorted[j]![0], pair[0]) > 0; j--) sorted[j + 1] = sorted[j]!;
    sorted[j + 1] = pair;
  }
  return sorted;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
