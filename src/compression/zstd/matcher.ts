/**
 * The match finder: a greedy "double fast" matcher (two hash tables, one keyed by 8 bytes for long matches,
 * one by 5 bytes for short ones), with a repeat-offset check before each search, suited to log text where
 * lines repeat field names, timestamps and identifiers from the lines before them.
 *
 * The tables survive between calls: positions are stored plus an ever-growing base, so entries from
 * earlier inputs are recognised as stale without clearing the tables each time.
 */
import type { RepeatOffsets, SequenceBuffer } from './sequence-buffer.js';

/** Tunables of one compression level. */
export interface MatcherSettings {
  /** log2 of the long (8-byte) hash table size. */
  longTableLog: number;
  /** log2 of the short hash table size. */
  shortTableLog: number;
  /** Skip faster through data without matches: step = 1 + (distance since last match >> skipShift). */
  skipShift: number;
  /** Also index the start of each match (better ratio, about 8% slower). */
  indexMatchStarts: boolean;
  /** Before taking a match, look for a longer one at the next byte. */
  lazy: boolean;
}

const MAX_BASE = 0x7fffffff - (1 << 26);

/** Number of equal bytes at `current` and `earlier` (`view` sees `data`), comparing up to `limit` (exclusive) for `current`. */
function matchLength(data: Uint8Array, view: DataView, current: number, earlier: number, limit: number): number {
  const start = current;
  while (current + 4 <= limit) {
    const difference = view.getUint32(current, true) ^ view.getUint32(earlier, true);
    // Little-endian: the first differing byte holds the lowest set bit of the difference.
    if (difference !== 0) return current - start + ((31 - Math.clz32(difference & -difference)) >>> 3);
    current += 4;
    earlier += 4;
  }
  while (current < limit && data[current] === data[earlier]) {
    current++;
    earlier++;
  }
  return current - start;
}

/** A reusable double-hash match finder. */
export class Matcher {
  private readonly longTable: Int32Array;
  private readonly shortTable: Int32Array;
  private readonly longShift: number;
  private readonly shortShift: number;
  /** Added to positions stored in the tables; entries below it belong to earlier inputs. */
  private base = 1;
  private inputLength = 0;

  constructor(private readonly settings: MatcherSettings) {
    this.longTable = new Int32Array(1 << settings.longTableLog);
    this.shortTable = new Int32Array(1 << settings.shortTableLog);
    this.longShift = 32 - settings.longTableLog;
    this.shortShift = 32 - settings.shortTableLog;
  }

  /** Prepares for a new input of `length` bytes: earlier entries become stale. */
  startInput(length: number): void {
    this.base += this.inputLength + 1;
    if (this.base + length >= MAX_BASE) {
      this.longTable.fill(0);
      this.shortTable.fill(0);
      this.base = 1;
    }
    this.inputLength = length;
  }

  /**
   * Finds the sequences of `input[start, end)`, matching against anything from `input[windowStart]` on, into
   * `sequences` (reset first), updating `repeats` as the decoder will.
   */
  findSequences(
    input: Uint8Array,
    start: number,
    end: number,
    windowStart: number,
    sequences: SequenceBuffer,
    repeats: RepeatOffsets,
  ): void {
    sequences.reset();
    sequences.matchedEnd = start;
    this.scan(input, start, end, windowStart, sequences, repeats);
    // The literals after the last match.
    const anchor = sequences.matchedEnd;
    sequences.literals.set(input.subarray(anchor, end), sequences.literalCount);
    sequences.literalCount += end - anchor;
  }

  /**
   * The search loop of {@link findSequences}. Counts go to `sequences` as each sequence is stored: with
   * nothing after the loop, V8's on-stack-replaced code never reaches an operation it has no type feedback
   * for (which would deoptimize it on every call).
   */
  private scan(
    input: Uint8Array,
    start: number,
    end: number,
    windowStart: number,
    sequences: SequenceBuffer,
    repeats: RepeatOffsets,
  ): void {
    const view = new DataView(input.buffer, input.byteOffset, input.length);
    const longTable = this.longTable;
    const shortTable = this.shortTable;
    const longShift = this.longShift;
    const shortShift = this.shortShift;
    const skipShift = this.settings.skipShift;
    const indexMatchStarts = this.settings.indexMatchStarts;
    const lazy = this.settings.lazy;
    const base = this.base;
    const lowest = base + windowStart;
    const literalView = sequences.literalsView;
    const literalLengths = sequences.literalLengths;
    const matchLengths = sequences.matchLengths;
    const offsetValues = sequences.offsetValues;
    let sequenceCount = 0;
    let literalCount = 0;
    // Hashing reads 8 bytes; matches stop at the block end.
    const searchEnd = end - 8;
    let anchor = start;
    let position = start;
    if (position === 0) position = 1;

    while (position < searchEnd) {
      const low = view.getUint32(position, true);
      const high = view.getUint32(position + 4, true);
      const longHash = Math.imul(Math.imul(high, 0x2127599b) ^ low, 0x9e3779b1) >>> longShift;
      const shortHash = Math.imul(Math.imul(input[position + 4]!, 0x85ebca6b) ^ low, 0x9e3779b1) >>> shortShift;
      const longCandidate = longTable[longHash]!;
      const shortCandidate = shortTable[shortHash]!;
      longTable[longHash] = base + position;
      shortTable[shortHash] = base + position;

      let matchStart: number;
      let reference: number;
      let length: number;
      const repeatFrom = position + 1 - repeats.rep1;
      if (repeatFrom >= windowStart && view.getUint32(repeatFrom, true) === view.getUint32(position + 1, true)) {
        // The most recent offset continues one byte later: the cheapest match there is.
        matchStart = position + 1;
        reference = repeatFrom;
        length = 4 + matchLength(input, view, matchStart + 4, reference + 4, end);
      } else if (longCandidate >= lowest && view.getUint32(longCandidate - base, true) === low && view.getUint32(longCandidate - base + 4, true) === high) {
        matchStart = position;
        reference = longCandidate - base;
        length = 8 + matchLength(input, view, position + 8, reference + 8, end);
      } else if (shortCandidate >= lowest && view.getUint32(shortCandidate - base, true) === low) {
        // A short match; a long one starting at the next byte is better when there is one.
        const nextLow = view.getUint32(position + 1, true);
        const nextHigh = view.getUint32(position + 5, true);
        const nextHash = Math.imul(Math.imul(nextHigh, 0x2127599b) ^ nextLow, 0x9e3779b1) >>> longShift;
        const nextCandidate = longTable[nextHash]!;
        longTable[nextHash] = base + position + 1;
        if (
          nextCandidate >= lowest &&
          view.getUint32(nextCandidate - base, true) === nextLow &&
          view.getUint32(nextCandidate - base + 4, true) === nextHigh
        ) {
          matchStart = position + 1;
          reference = nextCandidate - base;
          length = 8 + matchLength(input, view, matchStart + 8, reference + 8, end);
        } else {
          matchStart = position;
          reference = shortCandidate - base;
          length = 4 + matchLength(input, view, position + 4, reference + 4, end);
        }
      } else {
        position += ((position - anchor) >> skipShift) + 1;
        continue;
      }
      if (lazy && matchStart === position && length < 64 && position + 1 < searchEnd) {
        // One step of lazy matching: a longer match starting at the next byte is worth a literal.
        const nextLow = view.getUint32(position + 1, true);
        const nextHigh = view.getUint32(position + 5, true);
        const nextHash = Math.imul(Math.imul(nextHigh, 0x2127599b) ^ nextLow, 0x9e3779b1) >>> longShift;
        const nextCandidate = longTable[nextHash]!;
        longTable[nextHash] = base + position + 1;
        // (The short-match path may already have indexed the next byte itself.)
        if (
          nextCandidate >= lowest &&
          nextCandidate <= base + position &&
          view.getUint32(nextCandidate - base, true) === nextLow &&
          view.getUint32(nextCandidate - base + 4, true) === nextHigh
        ) {
          const nextLength = 8 + matchLength(input, view, position + 9, nextCandidate - base + 8, end);
          if (nextLength > length + 1) {
            matchStart = position + 1;
            reference = nextCandidate - base;
            length = nextLength;
          }
        }
      }
      // Extend backwards over literals that match too.
      while (matchStart > anchor && reference > windowStart && input[matchStart - 1] === input[reference - 1]) {
        matchStart--;
        reference--;
        length++;
      }

      const literalLength = matchStart - anchor;
      // 4 bytes at a time: the match follows, so reading up to 3 bytes on is in bounds, and the buffer has room.
      for (let i = 0; i < literalLength; i += 4) {
        literalView.setUint32(literalCount + i, view.getUint32(anchor + i, true), true);
      }
      literalCount += literalLength;
      literalLengths[sequenceCount] = literalLength;
      matchLengths[sequenceCount] = length;
      offsetValues[sequenceCount] = repeats.code(literalLength, matchStart - reference);
      sequenceCount++;
      position = matchStart + length;
      anchor = position;
      sequences.count = sequenceCount;
      sequences.literalCount = literalCount;
      sequences.matchedEnd = anchor;

      if (position < searchEnd) {
        // Index positions inside the match so later data can refer to it.
        if (indexMatchStarts) {
          const inside = matchStart + 2;
          const insideLow = view.getUint32(inside, true);
          longTable[Math.imul(Math.imul(view.getUint32(inside + 4, true), 0x2127599b) ^ insideLow, 0x9e3779b1) >>> longShift] = base + inside;
          shortTable[Math.imul(Math.imul(input[inside + 4]!, 0x85ebca6b) ^ insideLow, 0x9e3779b1) >>> shortShift] = base + inside;
        }
        const before = position - 2;
        const beforeLow = view.getUint32(before, true);
        longTable[Math.imul(Math.imul(view.getUint32(before + 4, true), 0x2127599b) ^ beforeLow, 0x9e3779b1) >>> longShift] = base + before;
        shortTable[Math.imul(Math.imul(input[position + 3]!, 0x85ebca6b) ^ view.getUint32(position - 1, true), 0x9e3779b1) >>> shortShift] =
          base + position - 1;

        // Immediately repeated second offset (a field that alternates between two earlier lines).
        while (position < searchEnd) {
          const repeatFrom2 = position - repeats.rep2;
          if (repeatFrom2 < windowStart || view.getUint32(repeatFrom2, true) !== view.getUint32(position, true)) break;
          length = 4 + matchLength(input, view, position + 4, repeatFrom2 + 4, end);
          literalLengths[sequenceCount] = 0;
          matchLengths[sequenceCount] = length;
          offsetValues[sequenceCount] = repeats.code(0, position - repeatFrom2);
          sequenceCount++;
          sequences.count = sequenceCount;
          const repeatLow = view.getUint32(position, true);
          longTable[Math.imul(Math.imul(view.getUint32(position + 4, true), 0x2127599b) ^ repeatLow, 0x9e3779b1) >>> longShift] = base + position;
          shortTable[Math.imul(Math.imul(input[position + 4]!, 0x85ebca6b) ^ repeatLow, 0x9e3779b1) >>> shortShift] = base + position;
          position += length;
          anchor = position;
          sequences.matchedEnd = anchor;
        }
      }
    }
  }
}
