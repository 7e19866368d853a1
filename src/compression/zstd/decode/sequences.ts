/**
 * The sequences section of a compressed block (RFC 8878 section 3.1.1.3.2): the header, the three FSE
 * tables (predefined, RLE, compressed or repeated), and the decoding and execution of the sequences straight
 * into the output buffer.
 */
import { LokiChunkError } from '../../../errors.js';
import { backwardStreamEnd, viewBitsAt, wideBitsAt } from './bit-reader.js';
import { buildFseTable, buildRleTable, copyFseTable, FseTable, newNormalizedCounts, readNormalizedCounts } from './fse.js';
import type { LiteralsState } from './literals.js';
import {
  LITERAL_LENGTH_BASE,
  LITERAL_LENGTH_BITS,
  MATCH_LENGTH_BASE,
  MATCH_LENGTH_BITS,
  MAX_OFFSET_CODE,
  PREDEFINED_LITERAL_LENGTH_LOG,
  PREDEFINED_LITERAL_LENGTHS,
  PREDEFINED_MATCH_LENGTH_LOG,
  PREDEFINED_MATCH_LENGTHS,
  PREDEFINED_OFFSET_LOG,
  PREDEFINED_OFFSETS,
} from '../tables.js';

/** Baselines (2^code) and extra bits (code) of the offset codes. */
const OFFSET_BASE = /*#__PURE__*/ Uint32Array.from({ length: MAX_OFFSET_CODE + 1 }, (_, code) => 2 ** code);
const OFFSET_BITS = /*#__PURE__*/ Uint8Array.from({ length: MAX_OFFSET_CODE + 1 }, (_, code) => code);

/** Which of the three sequence symbols a table codes. */
const enum SymbolKind {
  LiteralLength,
  Offset,
  MatchLength,
}

const MAX_SYMBOL = [35, MAX_OFFSET_CODE, 52] as const;
const MAX_LOG = [9, 8, 9] as const;
const KIND_NAME = ['literal-length', 'offset', 'match-length'] as const;

/** Fills `value`/`extraBits` of every state from the state's code. */
function attachCodeValues(table: FseTable, kind: SymbolKind): void {
  const size = 1 << table.accuracyLog;
  const { symbol, nbBits, baseline, value, extraBits, packed } = table;
  let bases = OFFSET_BASE;
  let bits = OFFSET_BITS;
  if (kind === SymbolKind.LiteralLength) {
    bases = LITERAL_LENGTH_BASE;
    bits = LITERAL_LENGTH_BITS;
  } else if (kind === SymbolKind.MatchLength) {
    bases = MATCH_LENGTH_BASE;
    bits = MATCH_LENGTH_BITS;
  }
  for (let state = 0; state < size; state++) {
    const code = symbol[state]!;
    value[state] = bases[code]!;
    extraBits[state] = bits[code]!;
    packed[state] = bits[code]! | (nbBits[state]! << 8) | (baseline[state]! << 16);
  }
}

function predefinedTable(counts: Int16Array, accuracyLog: number, kind: SymbolKind): FseTable {
  const table = new FseTable();
  buildFseTable({ counts, symbolCount: counts.length, accuracyLog }, table, 0);
  attachCodeValues(table, kind);
  return table;
}

let predefined: FseTable[] | undefined;

/** The three predefined tables, built on first use. */
function predefinedTables(): FseTable[] {
  return (predefined ??= [
    predefinedTable(PREDEFINED_LITERAL_LENGTHS, PREDEFINED_LITERAL_LENGTH_LOG, SymbolKind.LiteralLength),
    predefinedTable(PREDEFINED_OFFSETS, PREDEFINED_OFFSET_LOG, SymbolKind.Offset),
    predefinedTable(PREDEFINED_MATCH_LENGTHS, PREDEFINED_MATCH_LENGTH_LOG, SymbolKind.MatchLength),
  ]);
}

function corrupt(message: string, offset: number): LokiChunkError {
  return new LokiChunkError('CORRUPT_STREAM', `zstd ${message}`, { offset });
}

/** Sequence decoding state carried from block to block within a frame. */
export class SequenceState {
  /**
   * The tables for literal lengths, offsets and match lengths. Every mode writes into these (the predefined
   * ones by copy), so a sequence executor made once can hold their arrays as constants.
   */
  readonly tables = [new FseTable(), new FseTable(), new FseTable()] as const;
  /** Whether each of {@link tables} holds a table of this frame (a repeat mode needs one). */
  private readonly defined = [false, false, false];
  private readonly normalized = newNormalizedCounts();
  /** Repeat offsets, most recent first. */
  rep1 = 1;
  rep2 = 4;
  rep3 = 8;
  /** Set by {@link readSequencesHeader}: how many sequences the block has and where their bitstream starts. */
  count = 0;
  streamStart = 0;

  /** Forgets everything a previous frame left. */
  reset(): void {
    this.defined[0] = this.defined[1] = this.defined[2] = false;
    this.rep1 = 1;
    this.rep2 = 4;
    this.rep3 = 8;
  }

  /** Reads the sequences section header at `source[start, end)`: count, modes and tables. */
  readHeader(source: Uint8Array, start: number, end: number): void {
    if (start >= end) throw corrupt('sequences section is missing', start);
    let at = start;
    const first = source[at++]!;
    let count = first;
    if (first >= 128) {
      if (first === 255) {
        if (at + 2 > end) throw corrupt('sequences header is truncated', start);
        count = source[at]! + (source[at + 1]! << 8) + 0x7f00;
        at += 2;
      } else {
        if (at + 1 > end) throw corrupt('sequences header is truncated', start);
        count = ((first - 128) << 8) + source[at++]!;
      }
    }
    this.count = count;
    if (count === 0) {
      if (at !== end) throw corrupt('block has data after an empty sequences section', at);
      this.streamStart = at;
      return;
    }
    if (at >= end) throw corrupt('sequences header is truncated', start);
    const modes = source[at++]!;
    if (modes & 3) throw corrupt('sequences header has reserved bits set', at - 1);
    at = this.readTable(source, at, end, (modes >>> 6) & 3, SymbolKind.LiteralLength);
    at = this.readTable(source, at, end, (modes >>> 4) & 3, SymbolKind.Offset);
    at = this.readTable(source, at, end, (modes >>> 2) & 3, SymbolKind.MatchLength);
    this.streamStart = at;
  }

  private readTable(source: Uint8Array, at: number, end: number, mode: number, kind: SymbolKind): number {
    const table = this.tables[kind];
    if (mode === 3) {
      if (!this.defined[kind]) throw corrupt(`repeated ${KIND_NAME[kind]} table without a previous one`, at);
      return at;
    }
    this.defined[kind] = true;
    if (mode === 0) {
      copyFseTable(predefinedTables()[kind]!, table);
      return at;
    }
    let next: number;
    if (mode === 1) {
      if (at >= end) throw corrupt('sequences header is truncated', at);
      const symbol = source[at]!;
      if (symbol > MAX_SYMBOL[kind]) throw corrupt(`RLE ${KIND_NAME[kind]} code ${symbol} is invalid`, at);
      buildRleTable(symbol, table);
      next = at + 1;
    } else {
      next = readNormalizedCounts(source, at, end, MAX_SYMBOL[kind], MAX_LOG[kind], this.normalized);
      buildFseTable(this.normalized, table, at);
    }
    attachCodeValues(table, kind);
    return next;
  }
}

/** The buffer sequences are written into (kept by the decoder between calls), and a view of it for 4-byte copies. */
export interface OutputTarget {
  readonly buffer: Uint8Array;
  readonly view: DataView;
}

/** Where a frame being decoded writes into the {@link OutputTarget}, and how far it may. */
export interface OutputCursor {
  position: number;
  /** Where this frame's output starts in the buffer (matches cannot reach before it). */
  frameStart: number;
  /** The frame's window size: the farthest a match may reach back. */
  windowSize: number;
  /** Writes must stay below this, which the buffer has room for; a write that would cross it calls `overrun`. */
  writeLimit: number;
  /**
   * Raises the error for output reaching `end`, beyond `writeLimit` (block too large, more than the declared content
   * size, or `maxOutputSize`).
   */
  overrun(end: number, offset: number): never;
}

/**
 * Executes a block's sequences: decodes them (header already read into the state) from the bitstream
 * `source[state.streamStart, streamEnd)` (`view` sees the same bytes) and copies them, with the block's literals,
 * into the executor's {@link OutputTarget} at `output.position`.
 * @throws {LokiChunkError} `CORRUPT_STREAM` for malformed sequences; whatever `output.overrun` raises.
 */
export type SequenceExecutor = (source: Uint8Array, view: DataView, streamEnd: number, output: OutputCursor) => void;

/**
 * The {@link SequenceExecutor} of one decoder's `state` and `literals`, writing into `outputTarget`, as a closure over
 * their arrays. Made once per decoder (so once in all), its function literal has a single closure, and V8 then
 * treats the captured tables and literal buffer, read into locals, as constants: no map check, length or base load
 * per lookup, even after each write to the output (a DataView write makes V8 forget what it knew of every other
 * array). The same goes for the output buffer and view while `outputTarget` never has them reassigned.
 */
export function createSequenceExecutor(
  state: SequenceState,
  literals: LiteralsState,
  outputTarget: OutputTarget,
): SequenceExecutor {
  const [llTable, ofTable, mlTable] = state.tables;
  const llValues = llTable.value;
  const llEntries = llTable.packed;
  const ofValues = ofTable.value;
  const ofEntries = ofTable.packed;
  const mlValues = mlTable.value;
  const mlEntries = mlTable.packed;
  const literalBuffer = literals.buffer;
  const literalView = literals.view;
  // A const, not the parameter: V8 folds only immutable context slots.
  const target = outputTarget;
  return (source, view, streamEnd, output) => {
    // The closure's constants in locals, read once: read in the loop, the tables and the literal view kept a map
    // check and a length load at every access (V8 did not see them as constants there).
    const llValue = llValues;
    const llPacked = llEntries;
    const ofValue = ofValues;
    const ofPacked = ofEntries;
    const mlValue = mlValues;
    const mlPacked = mlEntries;
    const litSource = literalBuffer;
    const litView = literalView;
    const litLimit = litSource.length;
    // The buffer is read once per block, never grown within one (the decoder makes room for a block first).
    const buffer = target.buffer;
    const outView = target.view;
    const writeLimit = output.writeLimit;
    const frameStart = output.frameStart;
    const windowSize = output.windowSize;
    let litPosition = 0;
    const litEnd = literals.length;
    let out = output.position;

    const count = state.count;
    if (count > 0) {
      const streamStart = state.streamStart;
      const startBit = streamStart * 8;
      let position = backwardStreamEnd(source, streamStart, streamEnd, 'sequences');
      position -= llTable.accuracyLog + ofTable.accuracyLog + mlTable.accuracyLog;
      if (position < startBit) throw corrupt('sequences bitstream is too short', streamStart);
      let llState = viewBitsAt(view, position + ofTable.accuracyLog + mlTable.accuracyLog, llTable.accuracyLog);
      let ofState = viewBitsAt(view, position + mlTable.accuracyLog, ofTable.accuracyLog);
      let mlState = viewBitsAt(view, position, mlTable.accuracyLog);
      let rep1 = state.rep1;
      let rep2 = state.rep2;
      let rep3 = state.rep3;

      for (let left = count; left > 0; left--) {
        // Each packed entry: extra bits (low byte), state bits (next byte), next-state baseline (high half).
        const ofEntry = ofPacked[ofState]!;
        const mlEntry = mlPacked[mlState]!;
        const llEntry = llPacked[llState]!;
        const offsetBits = ofEntry & 0xff;
        const mlBits = mlEntry & 0xff;
        const llBits = llEntry & 0xff;
        // The three extra-bit fields lie together: offset's highest, literal length's lowest. Most often they
        // fit in one 32-bit read.
        const extraBits = offsetBits + mlBits + llBits;
        position -= extraBits;
        let offsetValue: number;
        let matchLength: number;
        let literalLength: number;
        if (extraBits <= 25) {
          const window = view.getUint32(position >>> 3, true) >>> (position & 7);
          literalLength = llValue[llState]! + (window & ((1 << llBits) - 1));
          matchLength = mlValue[mlState]! + ((window >>> llBits) & ((1 << mlBits) - 1));
          offsetValue = ofValue[ofState]! + ((window >>> (llBits + mlBits)) & ((1 << offsetBits) - 1));
        } else {
          literalLength = llValue[llState]! + viewBitsAt(view, position, llBits);
          matchLength = mlValue[mlState]! + viewBitsAt(view, position + llBits, mlBits);
          offsetValue = ofValue[ofState]! + wideBitsAt(source, position + llBits + mlBits, offsetBits);
        }
        if (position < startBit) throw corrupt('sequences bitstream is too short', streamStart);
        if (left > 1) {
          // Next states, read literal length first: its bits are the highest.
          const llStateBits = (llEntry >>> 8) & 0xff;
          const mlStateBits = (mlEntry >>> 8) & 0xff;
          const ofStateBits = (ofEntry >>> 8) & 0xff;
          const stateBits = llStateBits + mlStateBits + ofStateBits;
          position -= stateBits;
          if (stateBits <= 25) {
            const window = view.getUint32(position >>> 3, true) >>> (position & 7);
            ofState = (ofEntry >>> 16) + (window & ((1 << ofStateBits) - 1));
            mlState = (mlEntry >>> 16) + ((window >>> ofStateBits) & ((1 << mlStateBits) - 1));
            llState = (llEntry >>> 16) + ((window >>> (ofStateBits + mlStateBits)) & ((1 << llStateBits) - 1));
          } else {
            ofState = (ofEntry >>> 16) + viewBitsAt(view, position, ofStateBits);
            mlState = (mlEntry >>> 16) + viewBitsAt(view, position + ofStateBits, mlStateBits);
            llState = (llEntry >>> 16) + viewBitsAt(view, position + ofStateBits + mlStateBits, llStateBits);
          }
          if (position < startBit) throw corrupt('sequences bitstream is too short', streamStart);
        }

        let offset: number;
        if (offsetValue > 3) {
          offset = offsetValue - 3;
          rep3 = rep2;
          rep2 = rep1;
          rep1 = offset;
        } else {
          // Repeat offsets; a sequence without literals shifts them by one.
          const index = literalLength === 0 ? offsetValue : offsetValue - 1;
          if (index === 0) {
            offset = rep1;
          } else {
            offset = index === 1 ? rep2 : index === 2 ? rep3 : rep1 - 1;
            if (offset === 0) throw corrupt('repeat offset of zero', streamStart);
            if (index !== 1) rep3 = rep2;
            rep2 = rep1;
            rep1 = offset;
          }
        }

        if (litPosition + literalLength > litEnd) throw corrupt('sequences use more literals than the block has', streamStart);
        const sequenceEnd = out + literalLength + matchLength;
        if (sequenceEnd > writeLimit) {
          output.position = out;
          output.overrun(sequenceEnd, streamStart);
        }
        // Short copies go 4 bytes per move, the first 8 (literals) or 16 (matches) unconditionally, then in steps
        // of 8 or 16, when the buffer has room to overshoot: the excess lies where the next copy writes. Whole
        // steps mean fewer loop exits for the processor to mispredict.
        const roomy = sequenceEnd + 32 <= buffer.length;
        if (literalLength <= 64 && roomy && litPosition + literalLength + 8 <= litLimit) {
          outView.setUint32(out, litView.getUint32(litPosition, true), true);
          outView.setUint32(out + 4, litView.getUint32(litPosition + 4, true), true);
          for (let i = 8; i < literalLength; i += 8) {
            outView.setUint32(out + i, litView.getUint32(litPosition + i, true), true);
            outView.setUint32(out + i + 4, litView.getUint32(litPosition + i + 4, true), true);
          }
        } else if (literalLength < 16) {
          for (let i = 0; i < literalLength; i++) buffer[out + i] = litSource[litPosition + i]!;
        } else {
          buffer.set(litSource.subarray(litPosition, litPosition + literalLength), out);
        }
        out += literalLength;
        litPosition += literalLength;

        if (offset > out - frameStart || offset > windowSize) {
          throw corrupt(`match offset ${offset} reaches before the window`, streamStart);
        }
        const from = out - offset;
        if (offset >= 4 && matchLength <= 64 && roomy) {
          // Each 4-byte read ends at least 4 bytes behind the write, so overlapping matches copy correctly.
          outView.setUint32(out, outView.getUint32(from, true), true);
          outView.setUint32(out + 4, outView.getUint32(from + 4, true), true);
          outView.setUint32(out + 8, outView.getUint32(from + 8, true), true);
          outView.setUint32(out + 12, outView.getUint32(from + 12, true), true);
          for (let i = 16; i < matchLength; i += 16) {
            outView.setUint32(out + i, outView.getUint32(from + i, true), true);
            outView.setUint32(out + i + 4, outView.getUint32(from + i + 4, true), true);
            outView.setUint32(out + i + 8, outView.getUint32(from + i + 8, true), true);
            outView.setUint32(out + i + 12, outView.getUint32(from + i + 12, true), true);
          }
        } else if (matchLength < 16 || (offset < 16 && offset < matchLength)) {
          for (let i = 0; i < matchLength; i++) buffer[out + i] = buffer[from + i]!;
        } else if (offset >= matchLength) {
          buffer.copyWithin(out, from, from + matchLength);
        } else {
          // Overlapping: the source repeats with period `offset`, so copy in chunks of growing distance.
          let copied = 0;
          let distance = offset;
          while (copied < matchLength) {
            const chunk = Math.min(matchLength - copied, distance);
            buffer.copyWithin(out + copied, out + copied - distance, out + copied - distance + chunk);
            copied += chunk;
            distance *= 2;
          }
        }
        out += matchLength;
      }
      if (position !== startBit) throw corrupt('sequences bitstream has bits left over', streamStart);
      state.rep1 = rep1;
      state.rep2 = rep2;
      state.rep3 = rep3;
    }

    const rest = litEnd - litPosition;
    if (out + rest > writeLimit) {
      output.position = out;
      output.overrun(out + rest, state.streamStart);
    }
    buffer.set(litSource.subarray(litPosition, litEnd), out);
    output.position = out + rest;
  };
}
