/** A decoded log entry. */
import type { StructuredMetadataPair } from './structured-metadata.js';

const utf8 = /*#__PURE__*/ new TextDecoder('utf-8');

/** Shared empty structured metadata (entries without pairs all point here). */
export const NO_STRUCTURED_METADATA: readonly StructuredMetadataPair[] = Object.freeze([]);

/**
 * One log entry as stored in a chunk. The line is kept as bytes (a view into the decompressed block, not a
 * copy) and decoded as UTF-8 only when {@link line} is first read, so filters that never look at it stay cheap.
 */
export class LogEntry {
  /** Timestamp: int64 nanoseconds since the Unix epoch. */
  readonly timestamp: bigint;
  /** The raw line bytes (usually UTF-8, not always). A view into the block: copy it if you keep it long. */
  readonly lineBytes: Uint8Array;
  /** Structured metadata as stored: raw names, stored order (Loki sorts pairs by name when writing). */
  readonly structuredMetadata: readonly StructuredMetadataPair[];
  private decodedLine: string | undefined;

  constructor(
    timestamp: bigint,
    lineBytes: Uint8Array,
    structuredMetadata: readonly StructuredMetadataPair[] = NO_STRUCTURED_METADATA,
  ) {
    this.timestamp = timestamp;
    this.lineBytes = lineBytes;
    this.structuredMetadata = structuredMetadata;
  }

  /** The line decoded as UTF-8 (invalid sequences become U+FFFD; use {@link lineBytes} for the exact bytes). */
  get line(): string {
    if (this.decodedLine === undefined) this.decodedLine = utf8.decode(this.lineBytes);
    return this.decodedLine;
  }

  /** A JSON-friendly form: timestamp as a decimal string, the line as text. */
  toJSON(): { timestamp: string; line: string; structuredMetadata: readonly StructuredMetadataPair[] } {
    return { timestamp: this.timestamp.toString(), line: this.line, structuredMetadata: this.structuredMetadata };
  }
}
