/**
 * The head block: entries appended since the last cut, held uncompressed until the block is cut.
 *
 * Entries live in flat typed arrays (timestamps as int64 with an int32-halves view, line bytes in one growing
 * buffer, structured-metadata symbol ids in another), so appending allocates nothing per entry once the buffers
 * have grown to a block's size, and the buffers are reused from block to block.
 *
 * Ordered heads (chunk formats 1-2) keep entries in append order. Unordered heads (formats 3-4) drop an entry
 * identical to one already in the block (same timestamp, line and structured metadata), as Loki's
 * `unorderedHeadBlock` does, and are written sorted by timestamp, equal timestamps in append order.
 */
import type { ByteWriter } from '../binary/byte-writer.js';
import { HeadBlockFormat } from './constants.js';

const utf8 = /*#__PURE__*/ new TextEncoder();
const INITIAL_ENTRIES = 64;
/** Map keys stay small integers (unboxed in V8) when cut to 30 bits; equal keys are told apart by the full value. */
const KEY_MASK = 0x3fffffff;

/** Uncompressed entries of the block being filled. */
export class HeadBlock {
  /** `true` for formats 3-4: de-duplicating, sorted when cut. */
  readonly unordered: boolean;
  /** `true` for format 4: entries carry structured-metadata symbol ids. */
  readonly withMetadata: boolean;
  /** Number of entries held. */
  count = 0;
  /** Loki's size counter: line bytes plus 8 per structured-metadata pair. A block is cut when it reaches blockSize. */
  size = 0;
  /** Smallest timestamp held (meaningful when `count > 0`). */
  mint = 0n;
  /** Largest timestamp held (meaningful when `count > 0`). */
  maxt = 0n;

  private timestamps = new BigInt64Array(INITIAL_ENTRIES);
  /** The timestamps as int32 halves: low at `2i`, high at `2i + 1` (little-endian, as every target engine is). */
  private halves = new Int32Array(this.timestamps.buffer);
  private lineStart = new Int32Array(INITIAL_ENTRIES);
  private lineLength = new Int32Array(INITIAL_ENTRIES);
  private pairStart = new Int32Array(INITIAL_ENTRIES);
  private pairCount = new Int32Array(INITIAL_ENTRIES);
  /** Unordered heads: the previous entry whose timestamp has the same key, or -1. */
  private sameKeyChain = new Int32Array(INITIAL_ENTRIES);
  private lines = new Uint8Array(4096);
  private linesUsed = 0;
  private symbolIds = new Int32Array(INITIAL_ENTRIES);
  private symbolIdsUsed = 0;
  /** Unordered heads, once an entry arrived out of order: the newest entry for each timestamp key. */
  private readonly newestByKey = new Map<number, number>();
  /** Whether {@link newestByKey} is in use (not needed while entries arrive in timestamp order). */
  private indexed = false;
  /** Whether entries were appended in timestamp order (then no sort is needed when cutting). */
  private inOrder = true;

  constructor(format: number) {
    this.unordered = format >= 3;
    this.withMetadata = format >= 4;
  }

  /**
   * Appends an entry. `symbols` holds `pairs` (name id, value id) couples. Returns `true` when an unordered head
   * dropped the entry as a duplicate.
   */
  append(timestamp: bigint, line: string | Uint8Array, symbols: ArrayLike<number>, pairs: number): boolean {
    const index = this.count;
    if (index === this.timestamps.length) this.growEntries();
    const start = this.linesUsed;
    const length = this.stageLine(line, start);
    this.timestamps[index] = timestamp;
    const symbolStart = this.symbolIdsUsed;
    this.stageSymbols(symbols, pairs * 2, symbolStart);

    if (this.unordered && index > 0 && timestamp <= this.maxt) {
      // Only an entry no newer than the newest can repeat one: in-order appends skip this entirely.
      if (!this.indexed && timestamp < this.maxt) this.indexTimestamps();
      if (this.isDuplicate(index, start, length, symbolStart, pairs)) return true;
    }
    if (this.indexed) this.register(index);
    this.lineStart[index] = start;
    this.lineLength[index] = length;
    this.linesUsed = start + length;
    this.pairStart[index] = symbolStart;
    this.pairCount[index] = pairs;
    this.symbolIdsUsed = symbolStart + pairs * 2;
    if (index === 0) {
      this.mint = timestamp;
      this.maxt = timestamp;
    } else {
      if (timestamp < this.mint) this.mint = timestamp;
      if (timestamp < this.maxt) this.inOrder = false;
      else this.maxt = timestamp;
    }
    this.size += length + pairs * 8;
    this.count = index + 1;
    return false;
  }

  /** Writes the block payload (see `block-payload.ts`): every entry, in timestamp order for unordered heads. */
  writePayload(out: ByteWriter): void {
    const order = this.order();
    for (let k = 0; k < this.count; k++) {
      const i = order === null ? k : order[k]!;
      this.writeEntry(out, i);
      if (this.withMetadata) {
        const start = this.pairStart[i]!;
        const end = start + this.pairCount[i]! * 2;
        let sectionLength = uvarintLength(this.pairCount[i]!);
        for (let s = start; s < end; s++) sectionLength += uvarintLength(this.symbolIds[s]!);
        out.uvarint(sectionLength);
        this.writeSymbols(out, i);
      }
    }
  }

  /**
   * Writes the head as Loki's `HeadBlock.CheckpointTo` does: for ordered heads `format | #entries | size | mint |
   * maxt | entries`; for unordered heads `format | #entries | entries` (sorted, with symbol ids in format 5).
   */
  writeCheckpoint(out: ByteWriter): void {
    if (!this.unordered) {
      out.u8(HeadBlockFormat.ordered);
      out.uvarint(this.count);
      out.uvarint(this.size);
      out.varint64(this.count === 0 ? 0n : this.mint);
      out.varint64(this.count === 0 ? 0n : this.maxt);
      for (let i = 0; i < this.count; i++) this.writeEntry(out, i);
      return;
    }
    out.u8(this.withMetadata ? HeadBlockFormat.unorderedWithStructuredMetadata : HeadBlockFormat.unordered);
    out.uvarint(this.count);
    const order = this.order();
    for (let k = 0; k < this.count; k++) {
      const i = order === null ? k : order[k]!;
      this.writeEntry(out, i);
      if (this.withMetadata) this.writeSymbols(out, i);
    }
  }

  /** Bytes {@link writePayload} will write, for sizing buffers (an upper bound). */
  payloadBound(): number {
    return this.linesUsed + this.count * 20 + this.symbolIdsUsed * 5;
  }

  /** Empties the head, keeping its buffers. */
  reset(): void {
    this.count = 0;
    this.size = 0;
    this.mint = 0n;
    this.maxt = 0n;
    this.linesUsed = 0;
    this.symbolIdsUsed = 0;
    this.inOrder = true;
    this.indexed = false;
    this.newestByKey.clear();
  }

  private writeEntry(out: ByteWriter, i: number): void {
    out.varintHalves(this.halves[2 * i]!, this.halves[2 * i + 1]!);
    const start = this.lineStart[i]!;
    const length = this.lineLength[i]!;
    out.uvarint(length);
    out.bytes(this.lines.subarray(start, start + length));
  }

  private writeSymbols(out: ByteWriter, i: number): void {
    const start = this.pairStart[i]!;
    const end = start + this.pairCount[i]! * 2;
    out.uvarint(this.pairCount[i]!);
    for (let s = start; s < end; s++) out.uvarint(this.symbolIds[s]!);
  }

  /** Entry indexes sorted by timestamp, ties in append order; `null` when append order already is that order. */
  private order(): Int32Array | null {
    if (this.inOrder) return null;
    const halves = this.halves;
    const order = new Int32Array(this.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    return order.sort((a, b) => {
      const highA = halves[2 * a + 1]!;
      const highB = halves[2 * b + 1]!;
      if (highA !== highB) return highA < highB ? -1 : 1;
      const lowA = halves[2 * a]! >>> 0;
      const lowB = halves[2 * b]! >>> 0;
      if (lowA !== lowB) return lowA < lowB ? -1 : 1;
      return a - b;
    });
  }

  /**
   * True when an entry already held has entry `index`'s timestamp, the staged line and the staged symbols. Until
   * the first out-of-order append, entries are sorted and those with that timestamp are the last ones; after it,
   * they are found through the timestamp index.
   */
  private isDuplicate(index: number, start: number, length: number, symbolStart: number, pairs: number): boolean {
    const halves = this.halves;
    const low = halves[2 * index]!;
    const high = halves[2 * index + 1]!;
    let other = this.indexed ? (this.newestByKey.get(low & KEY_MASK) ?? -1) : index - 1;
    while (other >= 0) {
      if (halves[2 * other] === low && halves[2 * other + 1] === high) {
        if (
          this.lineLength[other] === length &&
          this.pairCount[other] === pairs &&
          sameBytes(this.lines, this.lineStart[other]!, start, length) &&
          sameInts(this.symbolIds, this.pairStart[other]!, symbolStart, pairs * 2)
        ) {
          return true;
        }
      } else if (!this.indexed) {
        return false; // Sorted so far: no earlier entry has this timestamp.
      }
      other = this.indexed ? this.sameKeyChain[other]! : other - 1;
    }
    return false;
  }

  /** Starts the timestamp index (at the first out-of-order append) with every entry held. */
  private indexTimestamps(): void {
    this.indexed = true;
    for (let i = 0; i < this.count; i++) this.register(i);
  }

  private register(index: number): void {
    const key = this.halves[2 * index]! & KEY_MASK;
    this.sameKeyChain[index] = this.newestByKey.get(key) ?? -1;
    this.newestByKey.set(key, index);
  }

  /** Copies the line's bytes after the lines held (not yet counted as held); returns their length. */
  private stageLine(line: string | Uint8Array, start: number): number {
    if (typeof line === 'string') {
      // UTF-8 takes at most 3 bytes per UTF-16 code unit.
      this.ensureLineCapacity(start + line.length * 3);
      return utf8.encodeInto(line, this.lines.subarray(start)).written;
    }
    this.ensureLineCapacity(start + line.length);
    this.lines.set(line, start);
    return line.length;
  }

  private stageSymbols(symbols: ArrayLike<number>, length: number, start: number): void {
    if (start + length > this.symbolIds.length) this.symbolIds = grow(this.symbolIds, start + length);
    for (let i = 0; i < length; i++) this.symbolIds[start + i] = symbols[i]!;
  }

  private ensureLineCapacity(needed: number): void {
    if (needed <= this.lines.length) return;
    let capacity = this.lines.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.lines.subarray(0, this.linesUsed));
    this.lines = next;
  }

  private growEntries(): void {
    const capacity = this.timestamps.length * 2;
    const timestamps = new BigInt64Array(capacity);
    timestamps.set(this.timestamps);
    this.timestamps = timestamps;
    this.halves = new Int32Array(timestamps.buffer);
    this.lineStart = grow(this.lineStart, capacity);
    this.lineLength = grow(this.lineLength, capacity);
    this.pairStart = grow(this.pairStart, capacity);
    this.pairCount = grow(this.pairCount, capacity);
    this.sameKeyChain = grow(this.sameKeyChain, capacity);
  }
}

function grow(array: Int32Array, needed: number): Int32Array<ArrayBuffer> {
  let capacity = Math.max(array.length * 2, INITIAL_ENTRIES);
  while (capacity < needed) capacity *= 2;
  const next = new Int32Array(capacity);
  next.set(array);
  return next;
}

function sameBytes(bytes: Uint8Array, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

function sameInts(ints: Int32Array, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (ints[a + i] !== ints[b + i]) return false;
  return true;
}

/** Bytes of the uvarint of a non-negative int32. */
function uvarintLength(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}
