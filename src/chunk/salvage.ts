/**
 * Salvage: get every entry that survives out of a damaged chunk. Where {@link readChunk} with `lenient` applies
 * Loki's own recovery (which needs intact metas), salvage also works when the footer, the metas or the
 * structured-metadata section are destroyed: it finds blocks by scanning for `[block][CRC-32C]` frames whose
 * CRC matches and whose payload decodes (a recovery Loki does not have), and reports what it could not explain.
 */
import type { Codec } from '../compression/codec.js';
import { defaultCodecRegistry } from '../compression/defaults.js';
import type { CodecRegistry } from '../compression/registry.js';
import { LokiChunkError } from '../errors.js';
import { isStorageWrapped, unwrapStoredChunk, type StorageWrapper } from '../storage/wrapper.js';
import { decodeBlockPayload } from './block-payload.js';
import { CHECKSUM_LENGTH, CHUNK_MAGIC, footerLength, headerLength, type ChunkFormat } from './constants.js';
import type { LogEntry } from './entry.js';
import { checkSectionCrc, parseFooter, parseHeader, parseMetas, type BlockMeta, type ChunkSections } from './layout.js';
import { resolveLimits, type ChunkLimits } from './limits.js';
import { findCrcFrames, type CrcFrame } from './salvage-scan.js';
import { decodeSymbolTable, relocate } from './symbol-table.js';

/** Options of {@link salvageChunk}. */
export interface SalvageOptions {
  /** Codecs to decompress with (default: the built-in registry). */
  codecs?: CodecRegistry;
  /** Limits on what is allocated (see {@link ChunkLimits}); they apply to every candidate block. */
  limits?: Partial<ChunkLimits>;
  /** The chunk half of a WAL checkpoint pair (v4 symbols stored uncompressed). Default `false`. */
  fromCheckpoint?: boolean;
  /** Chunk format to assume when the header is unreadable (default: the version byte if plausible, else tried). */
  format?: ChunkFormat;
  /** Codec byte to assume when the header is unreadable (default: the codec byte if registered, else tried). */
  encoding?: number;
  /** `true`: scan for blocks even when the metas are intact and every block they list is sound. Default `false`. */
  alwaysScan?: boolean;
}

/** A block salvage recovered. */
export interface SalvagedBlock {
  /** Absolute offset of the compressed block. */
  offset: number;
  /** Compressed length (without the CRC). */
  length: number;
  /** Position in the metas when the metas are intact and list this block; `null` when found only by scanning. */
  metaIndex: number | null;
  /** `metas`: where the metas (or Loki's expected-offset rule) put it; `scan`: found by its CRC. */
  foundBy: 'metas' | 'scan';
  /** Codec byte the block decompressed with. */
  encoding: number;
  /** Every entry of the block in stored order. */
  entries: LogEntry[];
}

/** Something salvage found damaged or could not account for. */
export interface SalvageDamage {
  /**
   * `wrapper`, `header`, `footer`, `metas`, `symbols`: that section is unusable. `block`: a block the metas
   * list could not be recovered. `unknown`: bytes of the block area no recovered block accounts for.
   */
  kind: 'wrapper' | 'header' | 'footer' | 'metas' | 'symbols' | 'block' | 'unknown';
  /** Absolute offset of the damaged range (in the chunk, after any storage wrapper). */
  offset: number;
  /** Length of the range (for a block: its length plus the CRC). */
  length: number;
  /** For `block`: the block's position in the metas. */
  metaIndex?: number;
  /** Why, when known. */
  error?: LokiChunkError;
}

/** What {@link salvageChunk} recovered. */
export interface SalvageResult {
  /** Chunk format used to decode (from the header, the options, or the one the payloads decoded with). */
  format: ChunkFormat | null;
  /** Codec byte used (from the header, the options, or the one the blocks decompressed with). */
  encoding: number | null;
  /** The storage wrapper, when the input was a readable storage-wrapped object. */
  wrapper: StorageWrapper | null;
  /** `true` when the footer and the metas passed their checks and parsed. */
  metasIntact: boolean;
  /** The v4 symbol table (empty when there is none or it was lost; references then read as `""`). */
  symbols: string[];
  /** Recovered blocks, in chunk order. */
  blocks: SalvagedBlock[];
  /** Every entry of every recovered block, in chunk order (blocks in offset order, entries as stored). */
  entries: LogEntry[];
  /** What was damaged or unexplained. Empty for a sound chunk. */
  damage: SalvageDamage[];
}

/** What is known about how to decode the chunk's payloads. */
interface DecodePlan {
  bytes: Uint8Array;
  formats: ChunkFormat[];
  codecs: Codec[];
  symbols: string[];
  strictSymbols: boolean;
  limits: ChunkLimits;
}

/** A decoded candidate block. */
interface DecodedBlock {
  entries: LogEntry[];
  format: ChunkFormat;
  codec: Codec;
}

/**
 * Recovers the entries of every intact block of a damaged chunk (raw or storage-wrapped) and reports the
 * damage. Blocks are located with the metas when they are intact and sound; otherwise by scanning the block
 * area for frames whose CRC-32C matches and whose payload decodes (linear time, see `salvage-scan.ts`). Never
 * throws for damaged input: everything is in the result.
 * @throws {LokiChunkError} only `INVALID_ARGUMENT` (not a `Uint8Array`) or `LIMIT_EXCEEDED` (`maxChunkSize`).
 */
export function salvageChunk(input: Uint8Array, options: SalvageOptions = {}): SalvageResult {
  if (!(input instanceof Uint8Array)) throw new LokiChunkError('INVALID_ARGUMENT', 'salvageChunk expects a Uint8Array');
  const limits = resolveLimits(options.limits);
  if (input.length > limits.maxChunkSize) {
    throw new LokiChunkError('LIMIT_EXCEEDED', `input of ${input.length} bytes exceeds maxChunkSize (${limits.maxChunkSize})`, {
      offset: limits.maxChunkSize,
    });
  }
  const registry = options.codecs ?? defaultCodecRegistry();
  const damage: SalvageDamage[] = [];
  const { bytes, wrapper } = unwrap(input, registry, damage);

  // Header: format and codec, or what can be guessed of them.
  let format: ChunkFormat | null = null;
  let encoding: number | null = null;
  try {
    const header = parseHeader(bytes);
    format = header.format;
    encoding = header.encoding;
  } catch (error) {
    damage.push({ kind: 'header', offset: 0, length: Math.min(bytes.length, 6), error: asChunkError(error, 0) });
    const versionByte = bytes[4];
    if (options.format !== undefined) format = options.format;
    else if (versionByte !== undefined && versionByte >= 1 && versionByte <= 4) format = versionByte as ChunkFormat;
  }
  if (options.format !== undefined && format === null) format = options.format;
  const headerEnd = headerLength(format ?? 2);
  if (encoding === null) encoding = options.encoding ?? (format === 1 ? 1 : (bytes[5] ?? null));
  const knownCodec = encoding === null ? undefined : registry.find(encoding);
  const plan: DecodePlan = {
    bytes,
    formats: format === null ? [4, 3] : [format],
    codecs: knownCodec ? [knownCodec] : registry.list(),
    symbols: [],
    strictSymbols: false,
    limits,
  };

  // Footer and metas (only meaningful with a readable header).
  let sections: ChunkSections | null = null;
  let metas: BlockMeta[] | null = null;
  const headerIntact = !damage.some((entry) => entry.kind === 'header');
  if (headerIntact && format !== null) {
    try {
      sections = parseFooter({ format, encoding: encoding ?? 0, length: headerEnd }, bytes.subarray(bytes.length - footerLength(format)), bytes.length);
    } catch (error) {
      const footerAt = Math.max(0, bytes.length - footerLength(format));
      damage.push({ kind: 'footer', offset: footerAt, length: bytes.length - footerAt, error: asChunkError(error, footerAt) });
    }
    if (sections) metas = readMetas(bytes, sections, format, limits, damage);
  }

  // v4 symbols: from the footer's section, else by scanning for a CRC frame right after the header.
  let blockAreaStart = sections?.firstBlockOffset ?? headerEnd;
  const blockAreaEnd = sections ? sections.metas.offset : bytes.length;
  let frames: CrcFrame[] | null = null;
  const scan = (): CrcFrame[] => (frames ??= findCrcFrames(bytes, headerEnd, blockAreaEnd));
  if (plan.formats.includes(4)) {
    const table = readSymbols(plan, sections, headerEnd, scan, options.fromCheckpoint ?? false, damage);
    if (table) {
      plan.symbols = table.symbols;
      plan.strictSymbols = true;
      blockAreaStart = table.end + CHECKSUM_LENGTH;
      if (format === null) plan.formats = [4];
    } else if (format === 4) {
      blockAreaStart = sections?.firstBlockOffset ?? headerEnd;
    }
  }

  const blocks = (metas && !options.alwaysScan ? blocksFromMetas(plan, metas, blockAreaStart) : null) ??
    blocksByScan(plan, scan(), blockAreaStart, blockAreaEnd, metas, damage);
  accountForGaps(blocks, blockAreaStart, blockAreaEnd, damage);
  const used = blocks.find((block) => block.decoded)?.decoded;
  const result = blocks.map((block) => block.salvaged);
  return {
    format: format ?? used?.format ?? null,
    encoding: knownCodec ? knownCodec.id : (used?.codec.id ?? encoding),
    wrapper,
    metasIntact: metas !== null,
    symbols: plan.symbols,
    blocks: result,
    entries: result.flatMap((block) => block.entries),
    damage,
  };
}

/** The chunk inside a storage wrapper (best effort: a broken wrapper is reported and the chunk looked for). */
function unwrap(input: Uint8Array, registry: CodecRegistry, damage: SalvageDamage[]): { bytes: Uint8Array; wrapper: StorageWrapper | null } {
  if (startsWithMagic(input, 0) || !isStorageWrapped(input)) return { bytes: input, wrapper: null };
  try {
    const { wrapper, chunk } = unwrapStoredChunk(input, registry);
    return { bytes: chunk, wrapper };
  } catch (error) {
    damage.push({ kind: 'wrapper', offset: 0, length: input.length, error: asChunkError(error, 0) });
    for (let at = 4; at + 4 <= input.length; at++) {
      if (startsWithMagic(input, at)) return { bytes: input.subarray(at), wrapper: null };
    }
    return { bytes: input, wrapper: null };
  }
}

function startsWithMagic(bytes: Uint8Array, at: number): boolean {
  return (
    at + 4 <= bytes.length &&
    ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0 === CHUNK_MAGIC
  );
}

function readMetas(bytes: Uint8Array, sections: ChunkSections, format: ChunkFormat, limits: ChunkLimits, damage: SalvageDamage[]): BlockMeta[] | null {
  const location = sections.metas;
  const range = { kind: 'metas' as const, offset: location.offset, length: location.length + CHECKSUM_LENGTH };
  const checksum = checkSectionCrc(bytes.subarray(location.offset, location.offset + location.length + CHECKSUM_LENGTH));
  if (!checksum.ok) {
    const error = new LokiChunkError('CHECKSUM_MISMATCH', `metas section at offset ${location.offset}: CRC-32C does not match`, {
      offset: location.offset,
    });
    damage.push({ ...range, error });
    return null;
  }
  try {
    return parseMetas(bytes.subarray(location.offset, location.offset + location.length), location.offset, format, limits);
  } catch (error) {
    damage.push({ ...range, error: asChunkError(error, location.offset) });
    return null;
  }
}

/** The symbol table and where its section ends, or `null` (reported) when it cannot be recovered. */
function readSymbols(
  plan: DecodePlan,
  sections: ChunkSections | null,
  headerEnd: number,
  scan: () => CrcFrame[],
  fromCheckpoint: boolean,
  damage: SalvageDamage[],
): { symbols: string[]; end: number } | null {
  const { bytes, limits } = plan;
  const decode = (end: number): string[] | LokiChunkError => {
    for (const codec of fromCheckpoint ? [null] : plan.codecs) {
      try {
        return decodeSymbolTable(bytes.subarray(headerEnd, end), headerEnd, codec, limits);
      } catch (error) {
        if (plan.codecs.length === 1 || fromCheckpoint) return asChunkError(error, headerEnd);
      }
    }
    return new LokiChunkError('CORRUPT_STREAM', 'no codec decodes the symbol table', { offset: headerEnd });
  };
  let firstError: LokiChunkError | undefined;
  const location = sections?.structuredMetadata;
  if (location && location.offset === headerEnd) {
    const end = location.offset + location.length;
    const checksum = checkSectionCrc(bytes.subarray(location.offset, end + CHECKSUM_LENGTH));
    const decoded = checksum.ok
      ? decode(end)
      : new LokiChunkError('CHECKSUM_MISMATCH', `structured-metadata section at offset ${location.offset}: CRC-32C does not match`, {
          offset: location.offset,
        });
    if (Array.isArray(decoded)) return { symbols: decoded, end };
    firstError = decoded;
  }
  // The section always starts right after the header; its end is the first CRC frame that decodes as symbols.
  for (const frame of scan()) {
    if (frame.start !== headerEnd) continue;
    const decoded = decode(frame.end);
    if (Array.isArray(decoded)) return { symbols: decoded, end: frame.end };
  }
  damage.push({
    kind: 'symbols',
    offset: headerEnd,
    length: 0,
    error: firstError ?? new LokiChunkError('MALFORMED', 'no intact structured-metadata section found after the header', { offset: headerEnd }),
  });
  return null;
}

/** A recovered block with what it decoded as. */
interface Found {
  salvaged: SalvagedBlock;
  decoded: DecodedBlock;
}

/** Decompresses and decodes `[start, end)` as a block with every format and codec still in question. */
function decodeBlock(plan: DecodePlan, start: number, end: number): DecodedBlock | LokiChunkError {
  let firstError: LokiChunkError | undefined;
  for (const codec of plan.codecs) {
    let payload: Uint8Array;
    try {
      payload = codec.decompress(plan.bytes.subarray(start, end), { maxOutputSize: plan.limits.maxDecompressedBlockSize });
    } catch (error) {
      firstError ??= relocate(error, start, 'block');
      continue;
    }
    for (const format of plan.formats) {
      try {
        const context = { format, symbols: plan.symbols, limits: plan.limits, strictSymbols: plan.strictSymbols };
        return { entries: decodeBlockPayload(payload, context), format, codec };
      } catch (error) {
        firstError ??= asChunkError(error, start).at({ offset: start });
      }
    }
  }
  return firstError ?? new LokiChunkError('UNSUPPORTED_ENCODING', 'no codec to decode blocks with', { offset: start });
}

function found(start: number, end: number, decoded: DecodedBlock, metaIndex: number | null, foundBy: SalvagedBlock['foundBy']): Found {
  return {
    salvaged: { offset: start, length: end - start, metaIndex, foundBy, encoding: decoded.codec.id, entries: decoded.entries },
    decoded,
  };
}

function crcMatches(bytes: Uint8Array, start: number, length: number): boolean {
  return start >= 0 && length >= 0 && start + length + CHECKSUM_LENGTH <= bytes.length &&
    checkSectionCrc(bytes.subarray(start, start + length + CHECKSUM_LENGTH)).ok;
}

/**
 * The fast path: every block where the metas (or Loki's expected-offset rule) put it, with a matching CRC and
 * a payload that decodes. `null` as soon as one is not, so the caller scans instead.
 */
function blocksFromMetas(plan: DecodePlan, metas: BlockMeta[], firstBlockOffset: number): Found[] | null {
  const blocks: Found[] = [];
  let expected = firstBlockOffset;
  for (const meta of metas) {
    const start = crcMatches(plan.bytes, meta.offset, meta.length) ? meta.offset : expected;
    if (!crcMatches(plan.bytes, start, meta.length)) return null;
    const decoded = decodeBlock(plan, start, start + meta.length);
    if (decoded instanceof LokiChunkError) return null;
    blocks.push(found(start, start + meta.length, decoded, meta.metaIndex, 'metas'));
    expected = start + meta.length + CHECKSUM_LENGTH;
  }
  return blocks;
}

/**
 * Scans the block area: every CRC frame whose payload decodes is a candidate; the chosen set is the one with the
 * most non-overlapping blocks (then the most bytes), which a chance CRC match spanning real blocks cannot win.
 * With intact metas, blocks they list are labelled and the ones not recovered are reported.
 */
function blocksByScan(
  plan: DecodePlan,
  frames: CrcFrame[],
  areaStart: number,
  areaEnd: number,
  metas: BlockMeta[] | null,
  damage: SalvageDamage[],
): Found[] {
  const candidates: Found[] = [];
  const failures = new Map<number, LokiChunkError>();
  for (const frame of frames) {
    if (frame.start < areaStart || frame.end + CHECKSUM_LENGTH > areaEnd) continue;
    const decoded = decodeBlock(plan, frame.start, frame.end);
    if (decoded instanceof LokiChunkError) failures.set(frame.start * 0x100000000 + frame.end, decoded);
    else candidates.push(found(frame.start, frame.end, decoded, null, 'scan'));
  }
  const chosen = bestNonOverlapping(candidates);
  if (metas) labelWithMetas(plan.bytes, chosen, metas, areaStart, failures, damage);
  return chosen;
}

/** Weighted interval scheduling over `[offset, offset + length + CRC)`: most blocks, then most bytes. */
function bestNonOverlapping(candidates: Found[]): Found[] {
  const end = (c: Found) => c.salvaged.offset + c.salvaged.length + CHECKSUM_LENGTH;
  const sorted = [...candidates].sort((a, b) => end(a) - end(b));
  const count = new Float64Array(sorted.length + 1);
  const covered = new Float64Array(sorted.length + 1);
  const take = new Uint8Array(sorted.length + 1);
  const previous = new Int32Array(sorted.length + 1);
  for (let i = 1; i <= sorted.length; i++) {
    const block = sorted[i - 1]!;
    // Last candidate (1-based) ending at or before this one's start.
    let low = 0;
    let high = i - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (end(sorted[mid - 1]!) <= block.salvaged.offset) low = mid;
      else high = mid - 1;
    }
    previous[i] = low;
    const withCount = count[low]! + 1;
    const withCovered = covered[low]! + block.salvaged.length;
    if (withCount > count[i - 1]! || (withCount === count[i - 1]! && withCovered > covered[i - 1]!)) {
      count[i] = withCount;
      covered[i] = withCovered;
      take[i] = 1;
    } else {
      count[i] = count[i - 1]!;
      covered[i] = covered[i - 1]!;
    }
  }
  const chosen: Found[] = [];
  for (let i = sorted.length; i > 0; ) {
    if (take[i]) {
      chosen.push(sorted[i - 1]!);
      i = previous[i]!;
    } else {
      i--;
    }
  }
  return chosen.reverse();
}

/** Marks the chosen blocks the metas list (at their offset or Loki's expected one) and reports the missing ones. */
function labelWithMetas(
  bytes: Uint8Array,
  chosen: Found[],
  metas: BlockMeta[],
  firstBlockOffset: number,
  failures: Map<number, LokiChunkError>,
  damage: SalvageDamage[],
): void {
  const byStart = new Map(chosen.map((block) => [block.salvaged.offset, block]));
  let expected = firstBlockOffset;
  for (const meta of metas) {
    const match = [meta.offset, expected]
      .map((start) => byStart.get(start))
      .find((block) => block !== undefined && block.salvaged.length === meta.length && block.salvaged.metaIndex === null);
    if (match) {
      match.salvaged.metaIndex = meta.metaIndex;
      match.salvaged.foundBy = 'metas';
      expected = match.salvaged.offset + meta.length + CHECKSUM_LENGTH;
      continue;
    }
    damage.push({
      kind: 'block',
      offset: meta.offset,
      length: meta.length + CHECKSUM_LENGTH,
      metaIndex: meta.metaIndex,
      error: whyBlockIsLost(bytes, meta, failures),
    });
    expected = meta.offset + meta.length + CHECKSUM_LENGTH;
  }
}

function whyBlockIsLost(bytes: Uint8Array, meta: BlockMeta, failures: Map<number, LokiChunkError>): LokiChunkError {
  const where = { offset: meta.offset, block: meta.metaIndex };
  if (meta.offset + meta.length + CHECKSUM_LENGTH > bytes.length) {
    return new LokiChunkError('OUT_OF_BOUNDS', `block ${meta.metaIndex}: offset ${meta.offset} + length ${meta.length} + checksum exceeds the chunk`, where);
  }
  if (!crcMatches(bytes, meta.offset, meta.length)) {
    return new LokiChunkError('CHECKSUM_MISMATCH', `block ${meta.metaIndex} at offset ${meta.offset}: CRC-32C does not match`, where);
  }
  const failure = failures.get(meta.offset * 0x100000000 + meta.offset + meta.length);
  return failure
    ? failure.at(where)
    : new LokiChunkError('MALFORMED', `block ${meta.metaIndex} at offset ${meta.offset} overlaps blocks recovered around it`, where);
}

/** Reports the parts of the block area that no recovered block covers. */
function accountForGaps(blocks: Found[], areaStart: number, areaEnd: number, damage: SalvageDamage[]): void {
  // A gap that is exactly a block the metas list is already reported as that block.
  const reported = new Set(damage.filter((entry) => entry.kind === 'block').map((entry) => `${entry.offset}+${entry.length}`));
  const report = (offset: number, length: number) => {
    if (!reported.has(`${offset}+${length}`)) damage.push({ kind: 'unknown', offset, length });
  };
  let position = areaStart;
  const byOffset = blocks.map((block) => block.salvaged).sort((a, b) => a.offset - b.offset);
  for (const salvaged of byOffset) {
    if (salvaged.offset > position) report(position, salvaged.offset - position);
    position = Math.max(position, salvaged.offset + salvaged.length + CHECKSUM_LENGTH);
  }
  if (areaEnd > position) report(position, areaEnd - position);
}

function asChunkError(error: unknown, offset: number): LokiChunkError {
  return error instanceof LokiChunkError
    ? error
    : new LokiChunkError('CORRUPT_STREAM', `unexpected failure: ${String(error)}`, { offset, cause: error });
}
