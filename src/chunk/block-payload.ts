/**
 * The hot decode path: one decompressed block payload into entries.
 *
 * Payload layout, per entry: `varint ts | uvarint len | line` and, in v4,
 * `uvarint symbolsSectionLen | uvarint #pairs | #pairs x (uvarint name, uvarint value)` (symbol indexes).
 */
import { ByteReader } from '../binary/byte-reader.js';
import { int64FromHalves } from '../binary/int64.js';
import { LokiChunkError } from '../errors.js';
import { LogEntry, NO_STRUCTURED_METADATA } from './entry.js';
import type { ChunkLimits } from './limits.js';
import type { StructuredMetadataPair } from './structured-metadata.js';

/** What the payload decoder needs besides the bytes. */
export interface PayloadContext {
  /** Chunk format: v4 payloads carry structured metadata. */
  format: number;
  /** The chunk's symbol table (v4). */
  symbols: readonly string[];
  limits: ChunkLimits;
  /**
   * `true`: a symbol index outside the table raises `BAD_SYMBOL`. `false`: it reads as `""`, as Loki's
   * symbolizer does.
   */
  strictSymbols: boolean;
}

/**
 * Decodes every entry of a decompressed block payload, in stored order.
 * @throws {LokiChunkError} with `offset` relative to the payload.
 */
export function decodeBlockPayload(payload: Uint8Array, context: PayloadContext): LogEntry[] {
  const { limits, symbols } = context;
  const withMetadata = context.format >= 4;
  const reader = new ByteReader(payload);
  const entries: LogEntry[] = [];
  while (reader.pos < reader.end) {
    if (entries.length >= limits.maxEntriesPerBlock) {
      throw new LokiChunkError('LIMIT_EXCEEDED', `block has more than maxEntriesPerBlock (${limits.maxEntriesPerBlock}) entries`, {
        offset: reader.pos,
      });
    }
    reader.varint64Halves('entry timestamp');
    const timestamp = int64FromHalves(reader.lo, reader.hi);
    const lengthOffset = reader.pos;
    const lineLength = reader.uvarint('line length');
    if (lineLength > limits.maxLineLength) {
      throw new LokiChunkError('LIMIT_EXCEEDED', `line of ${lineLength} bytes exceeds maxLineLength (${limits.maxLineLength})`, {
        offset: lengthOffset,
      });
    }
    const line = reader.take(lineLength, 'line');
    let metadata = NO_STRUCTURED_METADATA;
    if (withMetadata) {
      reader.uvarint('structured-metadata section length'); // Loki ignores it too: the pair count decides.
      const countOffset = reader.pos;
      const pairCount = reader.uvarint('structured-metadata pair count');
      if (pairCount > 0) {
        if (pairCount > limits.maxPairsPerEntry || pairCount * 2 > reader.remaining) {
          throw new LokiChunkError(
            pairCount > limits.maxPairsPerEntry ? 'LIMIT_EXCEEDED' : 'TRUNCATED',
            `entry claims ${pairCount} structured-metadata pairs (limit ${limits.maxPairsPerEntry}, ${reader.remaining} bytes left)`,
            { offset: countOffset },
          );
        }
        const pairs = new Array<StructuredMetadataPair>(pairCount);
        for (let i = 0; i < pairCount; i++) {
          const name = lookupSymbol(reader, context);
          pairs[i] = [name, lookupSymbol(reader, context)];
        }
        metadata = pairs;
      }
    }
    entries.push(new LogEntry(timestamp, line, metadata));
  }
  return entries;
}

function lookupSymbol(reader: ByteReader, context: PayloadContext): string {
  const at = reader.pos;
  const index = reader.uvarint('symbol reference');
  const symbol = context.symbols[index];
  if (symbol !== undefined) return symbol;
  if (!context.strictSymbols) return '';
  throw new LokiChunkError('BAD_SYMBOL', `symbol reference ${index} is outside the table of ${context.symbols.length} symbols`, {
    offset: at,
  });
}
