/**
 * The sequences a block is made of, as the match finder produces them, and the repeat-offset bookkeeping
 * that turns match distances into zstd offset values exactly as the decoder will read them back.
 */
import { MAX_BLOCK_SIZE } from '../frame.js';

/** The most sequences a block can hold: every match is at least 3 bytes. */
const MAX_SEQUENCES = Math.ceil(MAX_BLOCK_SIZE / 3) + 1;

/** One block's sequences: (literal length, offset value, match length) and the literal bytes. */
export class SequenceBuffer {
  count = 0;
  readonly literalLengths = new Uint32Array(MAX_SEQUENCES);
  readonly matchLengths = new Uint32Array(MAX_SEQUENCES);
  /** zstd offset values: 1-3 repeat codes, otherwise distance + 3. */
  readonly offsetValues = new Uint32Array(MAX_SEQUENCES);
  /** The block's literals, in order, trailing literals included (and room for copies 4 bytes at a time). */
  readonly literals = new Uint8Array(MAX_BLOCK_SIZE + 8);
  readonly literalsView = new DataView(this.literals.buffer);
  literalCount = 0;
  /** Where the last match ends in the input (the match finder's progress). */
  matchedEnd = 0;

  reset(): void {
    this.count = 0;
    this.literalCount = 0;
    this.matchedEnd = 0;
  }
}

/**
 * The three repeat offsets, updated exactly as the decoder updates them (RFC 8878 section 3.1.2.5), so the
 * encoder can use repeat codes whenever a distance matches one.
 */
export class RepeatOffsets {
  rep1 = 1;
  rep2 = 4;
  rep3 = 8;

  /** Resets to the values every frame starts with. */
  reset(): void {
    this.rep1 = 1;
    this.rep2 = 4;
    this.rep3 = 8;
  }

  /** Copies `other`'s offsets (to save and restore them around a block that may be stored raw). */
  copyFrom(other: RepeatOffsets): void {
    this.rep1 = other.rep1;
    this.rep2 = other.rep2;
    this.rep3 = other.rep3;
  }

  /** The offset value for a match at `distance` after `literalLength` literals; updates the offsets. */
  code(literalLength: number, distance: number): number {
    if (literalLength > 0) {
      if (distance === this.rep1) return 1;
      if (distance === this.rep2) {
        this.rep2 = this.rep1;
        this.rep1 = distance;
        return 2;
      }
      if (distance === this.rep3) {
        this.rep3 = this.rep2;
        this.rep2 = this.rep1;
        this.rep1 = distance;
        return 3;
      }
    } else {
      // Without literals, code 1 means rep2, 2 means rep3 and 3 means rep1 - 1.
      if (distance === this.rep2) {
        this.rep2 = this.rep1;
        this.rep1 = distance;
        return 1;
      }
      if (distance === this.rep3) {
        this.rep3 = this.rep2;
        this.rep2 = this.rep1;
        this.rep1 = distance;
        return 2;
      }
      if (distance === this.rep1 - 1) {
        this.rep3 = this.rep2;
        this.rep2 = this.rep1;
        this.rep1 = distance;
        return 3;
      }
    }
    this.rep3 = this.rep2;
    this.rep2 = this.rep1;
    this.rep1 = distance;
    return distance + 3;
  }
}
