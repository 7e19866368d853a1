/**
 * The guarantees, as checks. Every public decoding entry point, given any bytes, either decodes or raises a
 * {@link LokiChunkError} with a known code, a message and a byte offset inside the input (and the block index
 * for block errors); decoded output respects every limit; salvage never throws on damaged input; and a
 * chunk that reads strictly reads the same leniently. A broken guarantee is raised as a {@link Violation}.
 */
import { CodecRegistry } from '../src/compression/registry.js';
import type { Codec, DecompressOptions } from '../src/compression/codec.js';
import { defaultCodecRegistry } from '../src/compression/defaults.js';
import { readChunk, type Chunk, type ReadChunkOptions } from '../src/chunk/chunk.js';
import { readCheckpoint } from '../src/chunk/checkpoint.js';
import type { LogEntry } from '../src/chunk/entry.js';
import { resolveLimits, type ChunkLimits } from '../src/chunk/limits.js';
import { salvageChunk } from '../src/chunk/salvage.js';
import { openChunk, type OpenedChunk } from '../src/chunk/open-chunk.js';
import { bytesSource } from '../src/io/bytes-source.js';
import type { ByteSource } from '../src/io/byte-source.js';
import { ChunkWriter } from '../src/chunk/writer.js';
import { LokiChunkError } from '../src/errors.js';
import { inspectChunk, type Problem } from '../src/cli/chunkdump-report.js';
import { renderHuman } from '../src/cli/chunkdump-human.js';
import { reportToJSONLine } from '../src/cli/chunkdump-json.js';
import { PLAIN_STYLE } from '../src/cli/chunkdump-style.js';

/** What kind of guarantee an input broke. */
export type ViolationKind =
  /** A foreign exception (RangeError, TypeError, a dependency's error) escaped. */
  | 'foreign-error'
  /** A LokiChunkError without a known code, a message, or a plausible offset / block. */
  | 'bad-error'
  /** Output beyond a configured limit, or an allocation beyond what the input and limits justify. */
  | 'limit'
  /** Two ways of reading the same bytes disagree, or a round trip changed the data. */
  | 'differential'
  /** An input did not finish within the deadline. */
  | 'hang'
  /** The worker ran out of memory or crashed. */
  | 'crash';

/** A broken guarantee. */
export class Violation extends Error {
  constructor(
    readonly kind: ViolationKind,
    message: string,
    readonly original?: unknown,
  ) {
    super(message);
    this.name = 'Violation';
  }
}

/** Every code in `LokiChunkErrorCode`. */
const KNOWN_CODES = new Set([
  'TRUNCATED',
  'BAD_MAGIC',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_ENCODING',
  'VARINT_OVERFLOW',
  'CHECKSUM_MISMATCH',
  'CORRUPT_STREAM',
  'OUT_OF_BOUNDS',
  'MALFORMED',
  'BAD_SYMBOL',
  'LIMIT_EXCEEDED',
  'OUT_OF_ORDER',
  'BAD_WRAPPER',
  'INVALID_ARGUMENT',
  'UNSUPPORTED',
  'IO_ERROR',
]);

/** Violations raised where the library would swallow them (inside a codec call), collected per input. */
let pending: Violation[] = [];

/**
 * What the checked codecs produced since {@link resetOutputRecord}: the largest output, counting the limit as
 * produced when a codec stopped at it. Allocations beyond about twice this (plus a multiple of the input) were
 * sized by a number read from the input.
 */
export const outputRecord = { largest: 0, justified: 0 };

/** DEFLATE's best ratio (~1032:1): what any codec call may reasonably size a buffer by, per input byte. */
const MAX_TRUSTED_EXPANSION = 1100;

/** Starts a new record for the next input. */
export function resetOutputRecord(): void {
  outputRecord.largest = 0;
  outputRecord.justified = 0;
}

/**
 * Records one codec call: it may allocate twice what it produced (geometric growth) plus what its input could
 * expand to at DEFLATE's ratio; beyond that, a buffer was sized by a number the input claims.
 */
function recordOutput(produced: number, inputLength: number): void {
  outputRecord.largest = Math.max(outputRecord.largest, produced);
  outputRecord.justified = Math.max(outputRecord.justified, 2 * produced + MAX_TRUSTED_EXPANSION * inputLength);
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}\n${(error.stack ?? '').split('\n').slice(1, 6).join('\n')}`;
  return String(error);
}

/** Where an error may point: offsets within `[0, inputLength]`, and the block when one is concerned. */
export interface ErrorContext {
  what: string;
  inputLength: number;
  block?: number;
}

/** Raises a {@link Violation} unless `error` is a well-formed LokiChunkError for this context. */
export function expectOurError(error: unknown, context: ErrorContext): asserts error is LokiChunkError {
  if (error instanceof Violation) throw error;
  if (!(error instanceof LokiChunkError)) {
    throw new Violation('foreign-error', `${context.what} threw a foreign exception: ${describe(error)}`, error);
  }
  const problems: string[] = [];
  if (!KNOWN_CODES.has(error.code)) problems.push(`unknown code ${String(error.code)}`);
  if (typeof error.message !== 'string' || error.message.length === 0) problems.push('empty message');
  const offset = error.offset;
  if (offset === undefined) problems.push('no offset');
  else if (!Number.isInteger(offset) || offset < 0 || offset > context.inputLength) {
    problems.push(`offset ${offset} outside the input (0..${context.inputLength})`);
  }
  if (context.block !== undefined && error.block !== context.block) problems.push(`block ${String(error.block)}, expected ${context.block}`);
  if (problems.length > 0) {
    throw new Violation('bad-error', `${context.what}: ${problems.join(', ')} in ${error.code} "${error.message}"`, error);
  }
}

/** Runs `fn`: its value, or `undefined` when it raised a well-formed LokiChunkError (recorded in `outcomes`). */
function attempt<T>(context: ErrorContext, outcomes: string[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    expectOurError(error, context);
    outcomes.push(error.code);
    return undefined;
  }
}

/** A codec wrapper that checks the codec's own errors and output size at the call, before the reader relocates them. */
function checkingCodec(codec: Codec): Codec {
  return {
    id: codec.id,
    name: codec.name,
    compress: (data) => codec.compress(data),
    decompress(data: Uint8Array, options: DecompressOptions): Uint8Array {
      let output: Uint8Array;
      try {
        output = codec.decompress(data, options);
      } catch (error) {
        // A codec stopped at the limit may have allocated up to it.
        recordOutput(error instanceof LokiChunkError && error.code === 'LIMIT_EXCEEDED' ? options.maxOutputSize : 0, data.length);
        try {
          expectOurError(error, { what: `${codec.name}.decompress`, inputLength: data.length });
        } catch (violation) {
          pending.push(violation as Violation);
        }
        throw error;
      }
      if (output.length > options.maxOutputSize) {
        const violation = new Violation('limit', `${codec.name}.decompress produced ${output.length} bytes, maxOutputSize ${options.maxOutputSize}`);
        pending.push(violation);
        throw violation;
      }
      recordOutput(output.length, data.length);
      return output;
    },
  };
}

let checkingRegistry: CodecRegistry | undefined;

/** The built-in codecs, each wrapped by {@link checkingCodec}. */
export function checkingCodecs(): CodecRegistry {
  return (checkingRegistry ??= new CodecRegistry(defaultCodecRegistry().list().map(checkingCodec)));
}

/** Limits small enough that fuzz inputs reach them. */
export const TIGHT_LIMITS: Readonly<ChunkLimits> = Object.freeze({
  maxChunkSize: 4 * 1024 * 1024,
  maxDecompressedBlockSize: 4 * 1024 * 1024,
  maxLineLength: 256 * 1024,
  maxEntriesPerBlock: 4096,
  maxSymbols: 4096,
  maxPairsPerEntry: 64,
  maxBlocks: 256,
});

/** Options of {@link checkChunk}. */
export interface ChunkCheckOptions {
  lenient?: boolean;
  verifyChecksums?: boolean;
  fromCheckpoint?: boolean;
  /** Use {@link TIGHT_LIMITS} instead of the defaults. */
  tightLimits?: boolean;
  /** Also iterate `[from, through)` (int64 decimal strings). */
  from?: string;
  through?: string;
  /** Salvage by scanning even when the metas look intact. */
  salvageScan?: boolean;
}

function checkEntries(entries: readonly LogEntry[], limits: ChunkLimits, what: string): void {
  for (const entry of entries) {
    if (entry.lineBytes.length > limits.maxLineLength) {
      throw new Violation('limit', `${what}: line of ${entry.lineBytes.length} bytes, maxLineLength ${limits.maxLineLength}`);
    }
    if (entry.structuredMetadata.length > limits.maxPairsPerEntry) {
      throw new Violation('limit', `${what}: ${entry.structuredMetadata.length} pairs, maxPairsPerEntry ${limits.maxPairsPerEntry}`);
    }
  }
}

function sameEntries(a: readonly LogEntry[], b: readonly LogEntry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.timestamp !== y.timestamp || x.lineBytes.length !== y.lineBytes.length) return false;
    for (let j = 0; j < x.lineBytes.length; j++) if (x.lineBytes[j] !== y.lineBytes[j]) return false;
    if (JSON.stringify(x.structuredMetadata) !== JSON.stringify(y.structuredMetadata)) return false;
  }
  return true;
}

/** Reads, iterates both ways and decodes every block; returns the outcome and the forward entries when all decoded. */
function exerciseChunk(chunk: Chunk, limits: ChunkLimits, inputLength: number, outcomes: string[], range?: { from: bigint; through: bigint }): LogEntry[] | undefined {
  if (chunk.blocks.length > limits.maxBlocks) throw new Violation('limit', `${chunk.blocks.length} blocks, maxBlocks ${limits.maxBlocks}`);
  if (chunk.symbols.length > limits.maxSymbols) throw new Violation('limit', `${chunk.symbols.length} symbols, maxSymbols ${limits.maxSymbols}`);
  const before = outcomes.length;
  const forward = attempt({ what: 'entries(forward)', inputLength }, outcomes, () => [...chunk.entries()]);
  if (forward) checkEntries(forward, limits, 'entries(forward)');
  const backward = attempt({ what: 'entries(backward)', inputLength }, outcomes, () => [...chunk.entries({ direction: 'backward' })]);
  if (backward) checkEntries(backward, limits, 'entries(backward)');
  attempt({ what: 'entries(normalizeNames)', inputLength }, outcomes, () => [...chunk.entries({ normalizeNames: true })]);
  if (range) {
    for (const direction of ['forward', 'backward'] as const) {
      const what = `entries(${range.from}, ${range.through}, ${direction})`;
      const entries = attempt({ what, inputLength }, outcomes, () => [...chunk.entries({ ...range, direction })]);
      if (entries?.some((entry) => entry.timestamp < range.from || (entry.timestamp >= range.through && entry.timestamp !== range.from))) {
        throw new Violation('differential', `${what} returned an entry outside the range`);
      }
    }
  }
  for (const block of chunk.blocks) {
    const what = `block ${block.index} decode()`;
    const entries = attempt({ what, inputLength, block: block.index }, outcomes, () => block.decode());
    if (!entries) continue;
    if (entries.length > limits.maxEntriesPerBlock) throw new Violation('limit', `${what}: ${entries.length} entries, maxEntriesPerBlock ${limits.maxEntriesPerBlock}`);
    checkEntries(entries, limits, what);
  }
  return outcomes.length === before ? forward : undefined;
}

/**
 * Every chunk entry point on `bytes`: `readChunk` (with the given options), forward and backward iteration,
 * every block's `decode()`, `salvageChunk`, and the strict-vs-lenient differential.
 * @returns outcome codes (`decoded`, or the error codes met), for statistics.
 */
export function checkChunk(bytes: Uint8Array, options: ChunkCheckOptions = {}): string[] {
  pending = [];
  const limits = resolveLimits(options.tightLimits ? TIGHT_LIMITS : undefined);
  const codecs = checkingCodecs();
  const readOptions: ReadChunkOptions = {
    codecs,
    limits,
    lenient: options.lenient ?? false,
    verifyChecksums: options.verifyChecksums ?? true,
    fromCheckpoint: options.fromCheckpoint ?? false,
  };
  const outcomes: string[] = [];
  const inputLength = bytes.length;
  const chunk = attempt({ what: 'readChunk', inputLength }, outcomes, () => readChunk(bytes, readOptions));
  if (chunk) {
    const range = options.from !== undefined && options.through !== undefined ? { from: BigInt(options.from), through: BigInt(options.through) } : undefined;
    const forward = exerciseChunk(chunk, limits, inputLength, outcomes, range);
    if (forward && !readOptions.lenient && readOptions.verifyChecksums) {
      // A chunk that reads strictly must read the same with Loki's recovery switched on.
      const lenient = attempt({ what: 'readChunk(lenient)', inputLength }, outcomes, () => readChunk(bytes, { ...readOptions, lenient: true }));
      const again = lenient && attempt({ what: 'entries(lenient)', inputLength }, outcomes, () => [...lenient.entries()]);
      if (!again || !sameEntries(forward, again)) {
        throw new Violation('differential', 'a chunk that reads strictly does not read the same leniently');
      }
    }
    if (outcomes.length === 0) outcomes.push('decoded');
  }
  checkSalvage(bytes, limits, options.fromCheckpoint ?? false, options.salvageScan ?? false);
  throwPending();
  return outcomes;
}

/** Salvage must report damage, not throw it (only a chunk over `maxChunkSize` is refused). */
function checkSalvage(bytes: Uint8Array, limits: ChunkLimits, fromCheckpoint: boolean, alwaysScan: boolean): void {
  try {
    const result = salvageChunk(bytes, { codecs: checkingCodecs(), limits, fromCheckpoint, alwaysScan });
    for (const block of result.blocks) checkEntries(block.entries, limits, `salvaged block at ${block.offset}`);
  } catch (error) {
    expectOurError(error, { what: 'salvageChunk', inputLength: bytes.length });
    if (error.code !== 'LIMIT_EXCEEDED') throw new Violation('bad-error', `salvageChunk threw ${error.code}: ${error.message}`, error);
  }
}

function throwPending(): void {
  const first = pending[0];
  pending = [];
  if (first) throw first;
}

/** A WAL checkpoint pair: `readCheckpoint`, then iteration both ways. */
export function checkCheckpoint(chunkBytes: Uint8Array, headBytes: Uint8Array, options: ChunkCheckOptions = {}): string[] {
  pending = [];
  const limits = resolveLimits(options.tightLimits ? TIGHT_LIMITS : undefined);
  const outcomes: string[] = [];
  // Head-file errors carry offsets in the head file, chunk errors in the chunk: either input bounds them.
  const inputLength = Math.max(chunkBytes.length, headBytes.length);
  const pair = attempt({ what: 'readCheckpoint', inputLength }, outcomes, () =>
    readCheckpoint(chunkBytes, headBytes, { codecs: checkingCodecs(), limits, lenient: options.lenient ?? false }),
  );
  if (pair) {
    checkEntries(pair.head.entries, limits, 'head block');
    exerciseChunk(pair.chunk, limits, inputLength, outcomes);
    if (outcomes.length === 0) outcomes.push('decoded');
  }
  throwPending();
  return outcomes;
}

/**
 * One codec's decoder on arbitrary bytes: output or a well-formed LokiChunkError, never more than `maxOutputSize`.
 * With `expected`, the output must equal it (a round trip or a known stream).
 */
export function checkCodec(codecId: number, data: Uint8Array, maxOutputSize: number, expected?: Uint8Array): string[] {
  pending = [];
  const codec = checkingCodecs().get(codecId);
  const outcomes: string[] = [];
  const output = attempt({ what: `${codec.name}.decompress`, inputLength: data.length }, outcomes, () =>
    codec.decompress(data, { maxOutputSize }),
  );
  throwPending();
  if (expected) {
    if (!output || output.length !== expected.length || output.some((byte, i) => byte !== expected[i])) {
      throw new Violation('differential', `${codec.name}: decompress(compress(x)) !== x for ${expected.length} bytes (${outcomes.join(',')})`);
    }
  }
  if (output) outcomes.push('decoded');
  return outcomes;
}

/** Codec round trip: `compress` then `decompress` gives the data back (the limit is the data's size). */
export function checkCodecRoundTrip(codecId: number, data: Uint8Array): string[] {
  const codec = checkingCodecs().get(codecId);
  let compressed: Uint8Array;
  try {
    compressed = codec.compress(data);
  } catch (error) {
    throw new Violation('foreign-error', `${codec.name}.compress of ${data.length} bytes threw: ${describe(error)}`, error);
  }
  return checkCodec(codecId, compressed, data.length, data);
}

/** A writer input: chunk settings and the entries to append (timestamps as decimal strings). */
export interface WriterSpec {
  format: 1 | 2 | 3 | 4;
  encoding: number;
  blockSize: number;
  entries: Array<{ ts: string; line?: string; lineBase64?: string; structuredMetadata?: Array<[string, string]> }>;
}

/** What an entry must read back as: timestamp, line bytes and (v4) its pairs, order-free. */
function entryKey(timestamp: bigint, line: Uint8Array, pairs: ReadonlyArray<readonly [string, string]>): string {
  const sorted = pairs.map(([name, value]) => JSON.stringify([name, value])).sort();
  return `${timestamp}|${Buffer.from(line).toString('base64')}|${sorted.join(',')}`;
}

/**
 * Differential: what the writer accepted (not refused as out of order, not dropped as a duplicate of an entry it
 * holds) reads back exactly, and every block's metas agree with its entries (count, time range).
 */
export function checkWriterRoundTrip(spec: WriterSpec): string[] {
  const fail = (message: string, original?: unknown): never => {
    throw new Violation('differential', `writer v${spec.format}/${spec.encoding}/blockSize ${spec.blockSize}: ${message}`, original);
  };
  const guardForeign = <T>(what: string, fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof LokiChunkError) return fail(`${what} raised ${error.code}: ${error.message}`, error);
      throw new Violation('foreign-error', `${what} threw a foreign exception: ${describe(error)}`, error);
    }
  };
  const writer = new ChunkWriter({ format: spec.format, encoding: spec.encoding, blockSize: spec.blockSize });
  const kept = new Map<string, number>();
  const appended = new Map<string, number>();
  let refused = 0;
  const encoder = new TextEncoder();
  for (const entry of spec.entries) {
    const line = entry.line ?? new Uint8Array(Buffer.from(entry.lineBase64 ?? '', 'base64'));
    const pairs = spec.format === 4 ? (entry.structuredMetadata ?? []) : [];
    const input = { timestamp: BigInt(entry.ts), line, structuredMetadata: entry.structuredMetadata ?? [] };
    let duplicate: boolean;
    try {
      duplicate = writer.append(input).duplicate;
    } catch (error) {
      if (error instanceof LokiChunkError && error.code === 'OUT_OF_ORDER' && spec.format <= 2) {
        refused++;
        continue;
      }
      return guardForeign(`append(${entry.ts})`, () => {
        throw error;
      });
    }
    const key = entryKey(input.timestamp, typeof line === 'string' ? encoder.encode(line) : line, pairs);
    if (duplicate) {
      if (!kept.has(key)) fail(`append(${entry.ts}) reported a duplicate of an entry it does not hold`);
      continue;
    }
    kept.set(key, (kept.get(key) ?? 0) + 1);
    appended.set(key, (appended.get(key) ?? 0) + 1);
  }
  const bytes = guardForeign('finish()', () => writer.finish());
  const chunk = guardForeign('readChunk(writer output)', () => readChunk(bytes));
  for (const block of chunk.blocks) {
    const entries = guardForeign(`block ${block.index} decode()`, () => block.decode());
    if (entries.length !== block.entryCount) fail(`block ${block.index}: metas count ${block.entryCount}, holds ${entries.length}`);
    for (const entry of entries) {
      if (entry.timestamp < block.mint || entry.timestamp > block.maxt) {
        fail(`block ${block.index}: entry at ${entry.timestamp} outside the metas range [${block.mint}, ${block.maxt}]`);
      }
      const key = entryKey(entry.timestamp, entry.lineBytes, entry.structuredMetadata);
      const left = kept.get(key);
      if (!left) fail(`read back an entry that was not written (or once too often): ${key.slice(0, 200)}`);
      kept.set(key, left! - 1);
    }
  }
  const missing = [...kept.entries()].filter(([, n]) => n > 0);
  if (missing.length > 0) {
    // Known and reported, not fixed here (the writer's): when blocks overlap, finish() rebuilds the chunk as Loki's
    // Close() does, and the rebuild drops an entry identical to one in another block although append() kept it.
    const twinsReadBack = missing.every(([key, n]) => n < (appended.get(key) ?? 0));
    if (spec.format >= 3 && twinsReadBack) return ['known-issue:rebuild-drops-cross-block-duplicates'];
    fail(`${missing.length} written entries do not read back, e.g. ${missing[0]![0].slice(0, 200)}`);
  }
  return [refused > 0 ? 'round-trip-with-refusals' : 'round-trip'];
}

/** Options of {@link checkChunkdump}: chunkdump's `--lenient`, `--checkpoint`, and an entry listing. */
export interface ChunkdumpCheckOptions {
  lenient?: boolean;
  checkpoint?: boolean;
  from?: string;
  through?: string;
  backward?: boolean;
  normalize?: boolean;
}

/**
 * chunkdump on arbitrary bytes: `inspectChunk` never throws, every problem it reports is a library error (never
 * its "internal error") with a known code, a message and an offset inside the file, and both renderings work.
 */
export function checkChunkdump(bytes: Uint8Array, options: ChunkdumpCheckOptions = {}): string[] {
  const foreign = (what: string, error: unknown): never => {
    throw new Violation('foreign-error', `chunkdump ${what} threw: ${describe(error)}`, error);
  };
  let report: ReturnType<typeof inspectChunk>;
  try {
    report = inspectChunk('fuzz.chunk', bytes, {
      lenient: options.lenient ?? false,
      checkpoint: options.checkpoint ?? false,
      hashes: true,
      entries: {
        from: options.from === undefined ? undefined : BigInt(options.from),
        through: options.through === undefined ? undefined : BigInt(options.through),
        direction: options.backward ? 'backward' : 'forward',
        normalize: options.normalize ?? false,
        limit: undefined,
      },
    });
  } catch (error) {
    return foreign('inspectChunk', error);
  }
  const problems: Array<[string, Problem, boolean]> = [
    ...report.problems.map((problem) => ['problem', problem, false] as [string, Problem, boolean]),
    ...report.blocks.flatMap((block) => (block.error ? [[`block ${block.index}`, block.error, true] as [string, Problem, boolean]] : [])),
    ...report.skippedBlocks.map((skipped) => [`skipped block ${skipped.metaIndex}`, skipped.error, true] as [string, Problem, boolean]),
  ];
  for (const [where, problem, isBlock] of problems) {
    const bad: string[] = [];
    if (!KNOWN_CODES.has(problem.code)) bad.push(`code ${problem.code}`);
    if (!problem.message) bad.push('no message');
    if (problem.offset === undefined || !Number.isInteger(problem.offset) || problem.offset < 0 || problem.offset > bytes.length) {
      bad.push(`offset ${String(problem.offset)}`);
    }
    if (isBlock && problem.block === undefined) bad.push('no block index');
    if (bad.length > 0) throw new Violation('bad-error', `chunkdump ${where}: ${bad.join(', ')} in ${problem.code} "${problem.message}"`);
  }
  try {
    renderHuman(report, { blocks: true, symbols: true, direction: options.backward ? 'backward' : 'forward' }, PLAIN_STYLE);
  } catch (error) {
    foreign('renderHuman', error);
  }
  try {
    JSON.parse(reportToJSONLine(report, { symbols: true, hashes: true, skipped: true }));
  } catch (error) {
    foreign('reportToJSONLine', error);
  }
  return report.problems.length === 0 ? ['valid'] : [...new Set(report.problems.map((problem) => problem.code))];
}

/** How a lying byte source misbehaves on its `lieAt`-th read (0-based). */
export type SourceLie = 'short' | 'long' | 'throw' | 'not-bytes' | 'reject-string' | 'none';

/** A source over `bytes` that tells the truth except on one read. */
function lyingSource(bytes: Uint8Array, lie: SourceLie, lieAt: number): ByteSource {
  let reads = 0;
  return {
    size: bytes.length,
    async read(offset: number, length: number): Promise<Uint8Array> {
      const honest = bytes.slice(offset, offset + length);
      if (reads++ !== lieAt) return honest;
      switch (lie) {
        case 'short': return honest.subarray(0, Math.max(0, length - 1));
        case 'long': return new Uint8Array(length + 7);
        case 'throw': throw new TypeError('the storage went away');
        case 'not-bytes': return [1, 2, 3] as unknown as Uint8Array;
        case 'reject-string': return Promise.reject('socket hang up');
        default: return honest;
      }
    },
  };
}

/** Options of {@link checkOpenChunk}. */
export interface OpenChunkCheckOptions extends ChunkCheckOptions {
  /** Fetch each block on its own (`coalesceBytes: 0`) instead of coalescing. */
  noCoalesce?: boolean;
  lie?: SourceLie;
  lieAt?: number;
}

async function attemptAsync<T>(context: ErrorContext, outcomes: string[], fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    expectOurError(error, context);
    outcomes.push(error.code);
    return undefined;
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/**
 * `openChunk` over a byte source (honest, or lying once): opening, iterating both ways (and with normalised
 * names), every block fetched and decoded; and, from an honest source, the same entries as `readChunk` whenever
 * `readChunk` reads the chunk.
 */
export async function checkOpenChunk(bytes: Uint8Array, options: OpenChunkCheckOptions = {}): Promise<string[]> {
  pending = [];
  const limits = resolveLimits(options.tightLimits ? TIGHT_LIMITS : undefined);
  const readOptions: ReadChunkOptions = {
    codecs: checkingCodecs(),
    limits,
    lenient: options.lenient ?? false,
    verifyChecksums: options.verifyChecksums ?? true,
    fromCheckpoint: options.fromCheckpoint ?? false,
  };
  const lie = options.lie ?? 'none';
  const source = lie === 'none' ? bytesSource(bytes) : lyingSource(bytes, lie, options.lieAt ?? 0);
  const outcomes: string[] = [];
  const inputLength = bytes.length;
  const opened: OpenedChunk | undefined = await attemptAsync({ what: 'openChunk', inputLength }, outcomes, () =>
    openChunk(source, { ...readOptions, coalesceBytes: options.noCoalesce ? 0 : undefined }),
  );
  let forward: LogEntry[] | undefined;
  if (opened) {
    forward = await attemptAsync({ what: 'opened.entries(forward)', inputLength }, outcomes, () => collect(opened.entries()));
    if (forward) checkEntries(forward, limits, 'opened.entries(forward)');
    await attemptAsync({ what: 'opened.entries(backward)', inputLength }, outcomes, () => collect(opened.entries({ direction: 'backward' })));
    await attemptAsync({ what: 'opened.entries(normalizeNames)', inputLength }, outcomes, () => collect(opened.entries({ normalizeNames: true })));
    if (options.from !== undefined && options.through !== undefined) {
      const range = { from: BigInt(options.from), through: BigInt(options.through) };
      await attemptAsync({ what: 'opened.entries(range)', inputLength }, outcomes, () => collect(opened.entries(range)));
    }
    for (let index = 0; index < Math.min(opened.blocks.length, limits.maxBlocks); index++) {
      const block = await attemptAsync({ what: `opened.block(${index})`, inputLength }, outcomes, () => opened.block(index));
      if (!block) continue;
      const entries = attempt({ what: `opened block ${index} decode()`, inputLength, block: block.index }, outcomes, () => block.decode());
      if (entries) checkEntries(entries, limits, `opened block ${index}`);
    }
    if (outcomes.length === 0) outcomes.push('decoded');
  }
  throwPending();
  if (lie === 'none') {
    // Differential: whatever readChunk reads, openChunk reads the same.
    const sink: string[] = [];
    const chunk = attempt({ what: 'readChunk', inputLength }, sink, () => readChunk(bytes, readOptions));
    const expected = chunk && attempt({ what: 'entries(forward)', inputLength }, sink, () => [...chunk.entries()]);
    pending = [];
    if (expected && (!forward || !sameEntries(expected, forward))) {
      throw new Violation('differential', `readChunk reads ${expected.length} entries, openChunk ${forward ? `${forward.length} different ones` : 'fails'} (${outcomes.join(',')})`);
    }
  }
  return outcomes;
}
