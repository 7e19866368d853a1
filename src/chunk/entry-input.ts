/**
 * What the writer accepts as an entry, and its conversion to the exact bytes and pairs Loki would store.
 */
import { toInt64 } from '../binary/int64.js';
import { LokiChunkError } from '../errors.js';
import { LogEntry } from './entry.js';
import { compareUtf8, type StructuredMetadataPair } from './structured-metadata.js';

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

const utf8 = /*#__PURE__*/ new TextEncoder();

/** The line bytes of an entry (no copy when they are already bytes). */
export function lineBytesOf(entry: EntryInput): Uint8Array {
  if (entry instanceof LogEntry) return entry.lineBytes;
  const line = entry.line;
  if (typeof line === 'string') return utf8.encode(line);
  if (line instanceof Uint8Array) return line;
  throw new LokiChunkError('INVALID_ARGUMENT', `entry line must be a string or a Uint8Array, got ${describe(line)}`);
}

/** The timestamp of an entry as an int64 `bigint`. */
export function timestampOf(entry: EntryInput): bigint {
  if (entry === null || typeof entry !== 'object') {
    throw new LokiChunkError('INVALID_ARGUMENT', `an entry must be an object, got ${describe(entry)}`);
  }
  return toInt64(entry.timestamp, 'entry timestamp');
}

const NO_PAIRS: readonly StructuredMetadataPair[] = Object.freeze([]);

/**
 * The entry's structured metadata as Loki stores it: sorted by name (UTF-8 byte order, stable).
 * Returns the caller's array itself when it is already sorted and well-formed, so the common case allocates nothing.
 */
export function sortedPairsOf(entry: EntryInput): readonly (readonly [string, string])[] {
  const input = entry.structuredMetadata;
  if (input === undefined || input === null) return NO_PAIRS;
  let pairs: ReadonlyArray<readonly [string, string]>;
  if (Array.isArray(input)) {
    pairs = input as ReadonlyArray<readonly [string, string]>;
  } else if (typeof input === 'object') {
    pairs = Object.entries(input as Record<string, string>);
  } else {
    throw new LokiChunkError('INVALID_ARGUMENT', `structuredMetadata must be an array of [name, value] pairs or an object, got ${describe(input)}`);
  }
  let sorted = true;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i];
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw new LokiChunkError('INVALID_ARGUMENT', `structuredMetadata[${i}] must be a [name, value] pair of strings, got ${describe(pair)}`);
    }
    if (i > 0 && compareUtf8(pairs[i - 1]![0], pair[0]) > 0) sorted = false;
  }
  if (sorted) return pairs;
  // Array.prototype.sort is stable, as Loki's sort is for the few pairs an entry carries.
  return [...pairs].sort((a, b) => compareUtf8(a[0], b[0]));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
