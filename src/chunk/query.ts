/**
 * A query over a chunk's entries, as both readers take it: the time range and direction, and the optional
 * read-side name normalisation applied to what comes out.
 */
import { MAX_INT64, MIN_INT64, toInt64 } from '../binary/int64.js';
import { LokiChunkError } from '../errors.js';
import { LogEntry } from './entry.js';
import type { Direction } from './loki-order.js';
import type { SectionLocation } from './layout.js';
import { normalizeStructuredMetadata } from './structured-metadata.js';

/** Options of {@link Chunk.entries} and `OpenedChunk.entries`. */
export interface EntriesQuery {
  /** Inclusive lower bound, int64 ns (default: MinInt64). */
  from?: bigint | number;
  /** Exclusive upper bound, int64 ns (default: MaxInt64, so an entry at MaxInt64 is never returned, as in Loki). */
  through?: bigint | number;
  /** `forward` (oldest first, default) or `backward`. */
  direction?: Direction;
  /** Apply Loki's read-side name normalisation to structured metadata (default `false`: names as stored). */
  normalizeNames?: boolean;
}

/** A query with its defaults filled in and its bounds checked. */
export interface ResolvedQuery {
  from: bigint;
  through: bigint;
  direction: Direction;
  normalizeNames: boolean;
}

/**
 * Fills in the defaults of `query`.
 * @throws {LokiChunkError} `INVALID_ARGUMENT` for a bound that is not an int64.
 */
export function resolveQuery(query: EntriesQuery): ResolvedQuery {
  return {
    from: query.from === undefined ? MIN_INT64 : toInt64(query.from, 'from'),
    through: query.through === undefined ? MAX_INT64 : toInt64(query.through, 'through'),
    direction: query.direction ?? 'forward',
    normalizeNames: query.normalizeNames ?? false,
  };
}

/** `entry` with its structured-metadata names normalised as Loki's symbolizer returns them. */
export function withNormalizedNames(entry: LogEntry): LogEntry {
  if (entry.structuredMetadata.length === 0) return entry;
  return new LogEntry(entry.timestamp, entry.lineBytes, normalizeStructuredMetadata(entry.structuredMetadata));
}

/**
 * Normalising a stored name (for the caller, or in the merge's tie-break) can fail without knowing where the
 * name is stored: it is a symbol of the structured-metadata section, so the error is placed there.
 */
export function locateNameError(error: unknown, structuredMetadata: SectionLocation | null): unknown {
  if (error instanceof LokiChunkError && error.offset === undefined) return error.at({ offset: structuredMetadata?.offset ?? 0 });
  return error;
}
