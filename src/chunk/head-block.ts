/**
 * The head block: entries appended since the last cut, held uncompressed until the block is cut.
 *
 * Each entry is staged as its block-payload record (`varint ts | uvarint len | line` and, in v4, the symbols
 * section: see `block-payload.ts`) in one growing buffer, so a head appended in timestamp order (the common case)
 * is already its payload when cut: no second pass copies the lines. Beside the records, flat typed arrays keep
 * what the duplicate check, the sort and checkpoints need (timestamps as int64 with an int32-halves view, where
 * each record and its line start, the symbol ids). Appending allocates nothing per entry once the buffers have
 * grown to a block's size, and the buffers are reused from block to block.
 *
 * Ordered heads (chunk formats 1-2) keep entries in append order. Unordered heads (formats 3-4) drop an entry
 * identical to one already in the block (same timestamp, line and structured metadata), as Loki's
 * `unorderedHeadBlock` does, and are written sorted by timestamp, equal timestamps in append order.
 */
import { uvarintLength, writeUvarint, writeVarintHalves, type ByteWriter } from '../binary/byte-writer.js';
import { grownBytes, grownInts } from '../binary/grow.js';
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
  /** Where each entry's record starts in {@link records}; entry `i` ends where entry `i + 1` starts. */
  private recordStart = new Int32Array(INITIAL_ENTRIES + 1);
  private lineStart = new Int32Array(INITIAL_ENTRIES);
  private lineLength = new Int32Array(INITIAL_ENTRIES);
  private pairStart = new Int32Array(INITIAL_ENTRIES);
  private pairCount = new Int32Array(INITIAL_ENTRIES);
  /** Unordered heads: the previous entry whose timestamp has the same key, or -1. */
  private sameKeyChain = new Int32Array(INITIAL_ENTRIES);
  /** The entries' payload records, back to back in append order. */
  private records = new Uint8Array(4096);
  /**
   * The buffer of {@link records} (whose view starts at its start), kept apart: a typed array's `.buffer` is a
   * call into the engine, made per line otherwise.
   */
  private recordsBuffer = this.records.buffer;
  private recordsUsed = 0;
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
    this.timestamps[index] = timestamp;
    const symbolStart = this.symbolIdsUsed;
    this.stageSymbols(symbols, pairs * 2, symbolStart);
    const recordStart = this.recordsUsed;
    const recordEnd = this.stageRecord(index, line, symbolStart, pairs);
    const length = this.lineLength[index]!;

    if (this.unordered && index > 0 && timestamp <= this.maxt) {
      // Only an entry no newer than the newest can repeat one: in-order appends skip this entirely.
      if (!this.indexed && timestamp < this.maxt) this.indexTimestamps();
      if (this.isDuplicate(index, this.lineStart[index]!, length, symbolStart, pairs)) return true;
    }
    if (this.indexed) this.register(index);
    this.recordStart[index] = recordStart;
    this.recordStart[index + 1] = recordEnd;
    this.recordsUsed = recordEnd;
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

  /**
   * The block payload (see `block-payload.ts`): every entry, in timestamp order for unordered heads. A head
   * appended in order returns its own records (a view, valid until the next append or reset); otherwise the
   * records are written sorted into `scratch` and its view is returned.
   */
  payload(scratch: ByteWriter): Uint8Array {
    const order = this.order();
    if (order === null) return this.records.subarray(0, this.recordsUsed);
    scratch.reset();
    scratch.reserve(this.recordsUsed);
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      scratch.copyFrom(this.records, this.recordStart[i]!, this.recordStart[i + 1]!);
    }
    return scratch.subarray();
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
      // Without structured metadata, a record is exactly a checkpoint entry.
      out.copyFrom(this.records, 0, this.recordsUsed);
      return;
    }
    out.u8(this.withMetadata ? HeadBlockFormat.unorderedWithStructuredMetadata : HeadBlockFormat.unordered);
    out.uvarint(this.count);
    const order = this.order();
    for (let k = 0; k < this.count; k++) {
      const i = order === null ? k : order[k]!;
      // A checkpoint entry is the record up to the line's end, then (format 5) the symbols without the section length.
      out.copyFrom(this.records, this.recordStart[i]!, this.lineStart[i]! + this.lineLength[i]!);
      if (this.withMetadata) this.writeSymbols(out, i);
    }
  }

  /** Bytes {@link writeCheckpoint} will write, for sizing buffers (an upper bound). */
  checkpointBound(): number {
    return this.recordsUsed + 32;
  }

  /** Empties the head, keeping its buffers. */
  reset(): void {
    this.count = 0;
    this.size = 0;
    this.mint = 0n;
    this.maxt = 0n;
    this.recordsUsed = 0;
    this.symbolIdsUsed = 0;
    this.inOrder = true;
    this.indexed = false;
    this.newestByKey.clear();
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
          sameBytes(this.records, this.lineStart[other]!, start, length) &&
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

  /**
   * Writes entry `index`'s record after the records held (not yet counted as held), sets its `lineStart` and
   * `lineLength`, and returns where the record ends. The symbol ids are already staged at `symbolStart`.
   */
  private stageRecord(index: number, line: string | Uint8Array, symbolStart: number, pairs: number): number {
    const isString = typeof line === 'string';
    // UTF-8 takes at most 3 bytes per UTF-16 code unit; a uvarint of an int32 at most 5 bytes.
    const lineBound = isString ? line.length * 3 : line.length;
    this.ensureRecordCapacity(this.recordsUsed + 10 + 5 + lineBound + (this.withMetadata ? 10 + pairs * 10 : 0));
    const records = this.records;
    let at = writeVarintHalves(records, this.recordsUsed, this.halves[2 * index]!, this.halves[2 * index + 1]!);
    let length: number;
    if (isString) {
      // A string's UTF-8 length is at least its length in code units: encode behind a prefix of that length's
      // size, and move the line along in the rare case its true length needs a longer prefix.
      const prefix = uvarintLength(line.length);
      // A view made by the constructor: V8 builds one in under half the time `subarray` takes (~20 ns a line).
      length = utf8.encodeInto(line, new Uint8Array(this.recordsBuffer, at + prefix)).written;
      const shift = uvarintLength(length) - prefix;
      if (shift > 0) records.copyWithin(at + prefix + shift, at + prefix, at + prefix + length);
    } else {
      length = line.length;
      records.set(line, at + uvarintLength(length));
    }
    at = writeUvarint(records, at, length);
    this.lineStart[index] = at;
    at += length;
    this.lineLength[index] = length;
    if (!this.withMetadata) return at;
    const ids = this.symbolIds;
    const end = symbolStart + pairs * 2;
    let sectionLength = uvarintLength(pairs);
    for (let s = symbolStart; s < end; s++) sectionLength += uvarintLength(ids[s]!);
    at = writeUvarint(records, at, sectionLength);
    at = writeUvarint(records, at, pairs);
    for (let s = symbolStart; s < end; s++) at = writeUvarint(records, at, ids[s]!);
    return at;
  }

  private stageSymbols(symbols: ArrayLike<number>, length: number, start: number): void {
    if (start + length > this.symbolIds.length) this.symbolIds = grownInts(this.symbolIds, start + length);
    for (let i = 0; i < length; i++) this.symbolIds[start + i] = symbols[i]!;
  }

  private ensureRecordCapacity(needed: number): void {
    if (needed <= this.records.length) return;
    this.records = grownBytes(this.records, this.recordsUsed, needed);
    this.recordsBuffer = this.records.buffer;
  }

  private growEntries(): void {
    const capacity = this.timestamps.length * 2;
    const timestamps = new BigInt64Array(capacity);
    timestamps.set(this.timestamps);
    this.timestamps = timestamps;
    this.halves = new Int32Array(timestamps.buffer);
    this.recordStart = grownInts(this.recordStart, capacity + 1);
    this.lineStart = grownInts(this.lineStart, capacity);
    this.lineLength = grownInts(this.lineLength, capacity);
    this.pairStart = grownInts(this.pairStart, capacity);
    this.pairCount = grownInts(this.pairCount, capacity);
    this.sameKeyChain = grownInts(this.sameKeyChain, capacity);
  }
}

function sameBytes(bytes: Uint8Array, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

function sameInts(ints: Int32Array, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (ints[a + i] !== ints[b + i]) return false;
  return true;
}
