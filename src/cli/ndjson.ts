/**
 * The entry JSON the CLIs read and print (one object per line, as in Loki's golden sidecars):
 * `{"ts": "<int64 ns, decimal>", "line": "<UTF-8 text>" | "lineBase64": "<bytes>", "structuredMetadata": [[n, v], ...]}`.
 * `line` is used when the bytes are valid UTF-8, `lineBase64` otherwise; `structuredMetadata` only when present.
 */
import { LokiChunkError, MAX_INT64, MIN_INT64, type EntryInput, type StructuredMetadataPair } from '../index.js';

/** One entry in the entry JSON. */
export interface EntryJSON {
  /** int64 nanoseconds as a decimal string. */
  ts: string;
  /** The line, when its bytes are valid UTF-8. */
  line?: string;
  /** The line bytes in standard base64, when they are not valid UTF-8. */
  lineBase64?: string;
  /** Structured-metadata pairs, in stored order. */
  structuredMetadata?: Array<[string, string]>;
}

/** What {@link entryToJSON} needs: a reader `LogEntry` fits. */
export interface JSONableEntry {
  readonly timestamp: bigint;
  readonly lineBytes: Uint8Array;
  readonly structuredMetadata: readonly (readonly [string, string])[];
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** An entry in the entry JSON (`line` when valid UTF-8, else `lineBase64`; metadata only when present). */
export function entryToJSON(entry: JSONableEntry): EntryJSON {
  const out: EntryJSON = { ts: entry.timestamp.toString() };
  try {
    out.line = strictUtf8.decode(entry.lineBytes);
  } catch {
    out.lineBase64 = Buffer.from(entry.lineBytes.buffer, entry.lineBytes.byteOffset, entry.lineBytes.byteLength).toString('base64');
  }
  if (entry.structuredMetadata.length > 0) {
    out.structuredMetadata = entry.structuredMetadata.map(([name, value]): StructuredMetadataPair => [name, value]);
  }
  return out;
}

const DECIMAL_INT = /^-?(0|[1-9][0-9]*)$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Validates one parsed entry JSON value and converts it to a writer entry. Unknown fields are ignored (the golden
 * sidecars carry extra ones).
 * @throws {LokiChunkError} `INVALID_ARGUMENT` with a message naming the offending field.
 */
export function entryFromJSON(value: unknown): EntryInput {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`an entry must be a JSON object, got ${describe(value)}`);
  }
  const object = value as Record<string, unknown>;
  const entry: EntryInput = { timestamp: parseTimestamp(object.ts), line: parseLine(object) };
  if (object.structuredMetadata !== undefined && object.structuredMetadata !== null) {
    entry.structuredMetadata = parsePairs(object.structuredMetadata);
  }
  return entry;
}

/**
 * Parses one NDJSON line into a writer entry.
 * @throws {LokiChunkError} `INVALID_ARGUMENT` for malformed JSON or an invalid entry.
 */
export function parseEntryLine(text: string): EntryInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`not valid JSON (${(error as Error).message})`, error);
  }
  return entryFromJSON(value);
}

function parseTimestamp(ts: unknown): bigint {
  if (typeof ts === 'string') {
    if (!DECIMAL_INT.test(ts)) throw invalid(`"ts" must be a decimal integer string, got ${JSON.stringify(ts)}`);
    const value = BigInt(ts);
    if (value < MIN_INT64 || value > MAX_INT64) throw invalid(`"ts" ${ts} is outside the int64 range`);
    return value;
  }
  if (typeof ts === 'number') {
    if (!Number.isSafeInteger(ts)) {
      throw invalid(`"ts" ${ts} is not a safe integer: write nanosecond timestamps as decimal strings`);
    }
    return BigInt(ts);
  }
  throw invalid(ts === undefined ? 'missing "ts"' : `"ts" must be a decimal integer string, got ${describe(ts)}`);
}

function parseLine(object: Record<string, unknown>): string | Uint8Array {
  const { line, lineBase64 } = object;
  if (line !== undefined && lineBase64 !== undefined) throw invalid('an entry has both "line" and "lineBase64"');
  if (typeof line === 'string') return line;
  if (line !== undefined) throw invalid(`"line" must be a string, got ${describe(line)}`);
  if (lineBase64 === undefined) throw invalid('missing "line" (or "lineBase64")');
  if (typeof lineBase64 !== 'string' || !BASE64.test(lineBase64)) throw invalid('"lineBase64" must be standard base64');
  return new Uint8Array(Buffer.from(lineBase64, 'base64'));
}

function parsePairs(value: unknown): Array<[string, string]> {
  if (!Array.isArray(value)) throw invalid(`"structuredMetadata" must be an array of [name, value] pairs, got ${describe(value)}`);
  return value.map((pair: unknown, index) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw invalid(`"structuredMetadata"[${index}] must be a [name, value] pair of strings`);
    }
    return [pair[0], pair[1]];
  });
}

function invalid(message: string, cause?: unknown): LokiChunkError {
  return new LokiChunkError('INVALID_ARGUMENT', message, cause === undefined ? {} : { cause });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
