/**
 * The match finders, suited to log text where lines repeat field names, timestamps and identifiers from the
 * lines before them. Both check the most recent offset before each search and take matches at the second
 * one right after a match (a field that alternates between two earlier lines).
 *
 * - `fast` (the default level): one hash table keyed by 7 bytes, probing four positions per step, greedy.
 *   Keys of 7 bytes rather than 5 leave out matches too short to pay for themselves: 3.4% larger output on
 *   log text for 7% less time (fewer sequences to find and to code).
 * - `double` (the strong level): two tables, one keyed by 8 bytes for long matches and one by 5 bytes for
 *   short ones, with optional lazy matching.
 *
 * The tables survive between calls: positions are stored plus an ever-growing base, so entries from
 * earlier inputs are recognised as stale without clearing the tables each time.
 */
import type { RepeatOffsets, SequenceBuffer } from './sequence-buffer.js';

/** Tunables of one compression level. */
export interface MatcherSettings {
  /** `fast`: one table, four positions per step; `double`: a long and a short table. */
  strategy: 'fast' | 'double';
  /** log2 of the long (8-byte) hash table size (`double` only). */
  longTableLog: number;
  /** log2 of the short hash table size (keys of 5 bytes for `double`, 7 for `fast`). */
  shortTableLog: number;
  /** Skip faster through data without matches: step = 1 + (distance since last match >> skipShift). */
  skipShift: number;
  /** Also index the start of each match (`double` only; better ratio, about 8% slower). */
  indexMatchStarts: boolean;
  /** Before taking a match, look for a longer one at the next byte (`double` only). */
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

/** Hash of the 5 bytes `low` (4, little-endian) and `fifth`, to `32 - shift` bits. */
function hash5(low: number, fifth: number, shift: number): number {
  return Math.imul(Math.imul(fifth, 0x85ebca6b) ^ low, 0x9e3779b1) >>> shift;
}

/** Hash of the 8 bytes `low` and `high` (4 each, little-endian), to `32 - shift` bits. */
function hash8(low: number, high: number, shift: number): number {
  return Math.imul(Math.imul(high, 0x2127599b) ^ low, 0x9e3779b1) >>> shift;
}

/**
 * Appends one sequence: the literals `input[anchor, matchStart)` (`view` sees `input`), then `length` bytes
 * from `distance` back. The counts go to `sequences` at once: with nothing after the search loops, V8's
 * on-stack-replaced code never reaches an operation it has no type feedback for (which would deoptimize it
 * on every call).
 */
function addSequence(
  view: DataView,
  sequences: SequenceBuffer,
  repeats: RepeatOffsets,
  anchor: number,
  matchStart: number,
  length: number,
  distance: number,
): void {
  const literalLength = matchStart - anchor;
  const literalCount = sequences.literalCount;
  const literalView = sequences.literalsView;
  // 4 bytes at a time: the match follows, so reading up to 3 bytes on is in bounds, and the buffer has room.
  for (let i = 0; i < literalLength; i += 4) {
    literalView.setUint32(literalCount + i, view.getUint32(anchor + i, true), true);
  }
  sequences.literalCount = literalCount + literalLength;
  const count = sequences.count;
  sequences.literalLengths[count] = literalLength;
  sequences.matchLengths[count] = length;
  sequences.offsetValues[count] = repeats.code(literalLength, distance);
  sequences.count = count + 1;
  sequences.matchedEnd = matchStart + length;
}

/**
 * Takes matches at the second repeat offset that start right at `position` (just after a match), as many
 * as follow each other; returns the position after them.
 */
function takeSecondRepeats(
  input: Uint8Array,
  view: DataView,
  position: number,
  searchEnd: number,
  end: number,
  windowStart: number,
  sequences: SequenceBuffer,
  repeats: RepeatOffsets,
): number {
  while (position < searchEnd) {
    const reference = position - repeats.rep2;
    if (reference < windowStart || view.getUint32(reference, true) !== view.getUint32(position, true)) break;
    const length = 4 + matchLength(input, view, position + 4, reference + 4, end);
    addSequence(view, sequences, repeats, position, position, length, position - reference);
    position += length;
  }
  return position;
}

/** A reusable match finder for one level. */
export class Matcher {
  private readonly longTable: Int32Array;
  private readonly shortTable: Int32Array;
  private readonly longShift: number;
  private readonly shortShift: number;
  /** Added to positions stored in the tables; entries below it belong to earlier inputs. */
  private base = 1;
  private inputLength = 0;

  constructor(private readonly settings: MatcherSettings) {
    this.longTable = new Int32Array(settings.strategy === 'double' ? 1 << settings.longTableLog : 0);
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
    if (this.settings.strategy === 'fast') this.scanFast(input, start, end, windowStart, sequences, repeats);
    else this.scanDouble(input, start, end, windowStart, sequences, repeats);
    // The literals after the last match.
    const anchor = sequences.matchedEnd;
    sequences.literals.set(input.subarray(anchor, end), sequences.literalCount);
    sequences.literalCount += end - anchor;
  }

  /**
   * The `fast` search loop of {@link findSequences}: four positions per step, whose loads, hashes and table
   * updates do not depend on each other, so the CPU overlaps them (about 15% faster than one at a time).
   */
  private scanFast(
    input: Uint8Array,
    start: number,
    end: number,
    windowStart: number,
    sequences: SequenceBuffer,
    repeats: RepeatOffsets,
  ): void {
    const view = new DataView(input.buffer, input.byteOffset, input.length);
    const table = this.shortTable;
    const shift = this.shortShift;
    const skipShift = this.settings.skipShift;
    const base = this.base;
    const lowest = base + windowStart;
    // Hashing the fourth position reads 10 bytes on; matches stop at the block end.
    const searchEnd = end - 10;
    let anchor = start;
    let position = start === 0 ? 1 : start;

    while (position < searchEnd) {
      let matchStart: number;
      let reference: number;
      const secondRepeatFrom = position - repeats.rep2;
      if (
        position === anchor &&
        secondRepeatFrom >= windowStart &&
        view.getUint32(secondRepeatFrom, true) === view.getUint32(position, true)
      ) {
        // Right after a match, the second repeat offset (a field alternating between two earlier lines).
        matchStart = position;
        reference = secondRepeatFrom;
      } else {
        const low0 = view.getUint32(position, true);
        const low1 = view.getUint32(position + 1, true);
        const low2 = view.getUint32(position + 2, true);
        const low3 = view.getUint32(position + 3, true);
        const low4 = view.getUint32(position + 4, true);
        // Hashes of the 7 bytes at each position (its own load, then the top 3 bytes of the load 3 on),
        // written out: V8 inlines at most ~920 bytecode bytes into one function, better spent on
        // matchLength and addSequence.
        const low5 = view.getUint32(position + 5, true);
        const low6 = view.getUint32(position + 6, true);
        const hash0 = Math.imul(Math.imul(low3 >>> 8, 0x85ebca6b) ^ low0, 0x9e3779b1) >>> shift;
        const hash1 = Math.imul(Math.imul(low4 >>> 8, 0x85ebca6b) ^ low1, 0x9e3779b1) >>> shift;
        const hash2 = Math.imul(Math.imul(low5 >>> 8, 0x85ebca6b) ^ low2, 0x9e3779b1) >>> shift;
        const hash3 = Math.imul(Math.imul(low6 >>> 8, 0x85ebca6b) ^ low3, 0x9e3779b1) >>> shift;
        // (Every match is at least 4 bytes long, so the next step starts past all four positions entered
        // here: a candidate is always behind the position it is checked for.)
        const candidate0 = table[hash0]!;
        table[hash0] = base + position;
        const candidate1 = table[hash1]!;
        table[hash1] = base + position + 1;
        const candidate2 = table[hash2]!;
        table[hash2] = base + position + 2;
        const candidate3 = table[hash3]!;
        table[hash3] = base + position + 3;
        // The most recent offset one byte on (right after a match it cannot continue at the first byte).
        const repeatFrom = position + 1 - repeats.rep1;
        if (repeatFrom >= windowStart && view.getUint32(repeatFrom, true) === low1) {
          matchStart = position + 1;
          reference = repeatFrom;
        } else if (candidate0 >= lowest && view.getUint32(candidate0 - base, true) === low0) {
          matchStart = position;
          reference = candidate0 - base;
        } else if (candidate1 >= lowest && view.getUint32(candidate1 - base, true) === low1) {
          matchStart = position + 1;
          reference = candidate1 - base;
        } else if (candidate2 >= lowest && view.getUint32(candidate2 - base, true) === low2) {
          matchStart = position + 2;
          reference = candidate2 - base;
        } else if (candidate3 >= lowest && view.getUint32(candidate3 - base, true) === low3) {
          matchStart = position + 3;
          reference = candidate3 - base;
        } else {
          position += ((position - anchor) >> skipShift) + 4;
          continue;
        }
      }
      let length = 4 + matchLength(input, view, matchStart + 4, reference + 4, end);
      // Extend backwards over literals that match too.
      while (matchStart > anchor && reference > windowStart && input[matchStart - 1] === input[reference - 1]) {
        matchStart--;
        reference--;
        length++;
      }
      addSequence(view, sequences, repeats, anchor, matchStart, length, matchStart - reference);
      position = matchStart + length;
      // (Indexing a position near the match end, as the double scan does, gains 0.2% in size for 3-10% of
      // the time here: the four positions probed per step already index the start of each match.)
      anchor = position;
    }
  }

  /** The `double` search loop of {@link findSequences}. */
  private scanDouble(
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
    // Hashing reads 8 bytes; matches stop at the block end.
    const searchEnd = end - 8;
    let anchor = start;
    let position = start === 0 ? 1 : start;

    while (position < searchEnd) {
      const low = view.getUint32(position, true);
      const high = view.getUint32(position + 4, true);
      const longHash = hash8(low, high, longShift);
      const shortHash = hash5(low, input[position + 4]!, shortShift);
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
        const nextHash = hash8(nextLow, nextHigh, longShift);
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
        const nextHash = hash8(nextLow, nextHigh, longShift);
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
      addSequence(view, sequences, repeats, anchor, matchStart, length, matchStart - reference);
      position = matchStart + length;

      if (position < searchEnd) {
        // Index positions inside the match so later data can refer to it.
        if (indexMatchStarts) {
          const inside = matchStart + 2;
          const insideLow = view.getUint32(inside, true);
          longTable[hash8(insideLow, view.getUint32(inside + 4, true), longShift)] = base + inside;
          shortTable[hash5(insideLow, input[inside + 4]!, shortShift)] = base + inside;
        }
        const before = position - 2;
        const beforeLow = view.getUint32(before, true);
        longTable[hash8(beforeLow, view.getUint32(before + 4, true), longShift)] = base + before;
        shortTable[hash5(view.getUint32(position - 1, true), input[position + 3]!, shortShift)] = base + position - 1;
        position = takeSecondRepeats(input, view, position, searchEnd, end, windowStart, sequences, repeats);
      }
      anchor = position;
    }
  }
}
