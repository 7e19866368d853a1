/**
 * Raw DEFLATE decoding (RFC 1951), as strict as zlib: every malformed stream raises `CORRUPT_STREAM` or
 * `TRUNCATED` where it goes wrong, and the output never grows past the caller's limit.
 *
 * Speed comes from the shape of the loop: a 32-bit bit buffer refilled by one 32-bit load when it holds fewer
 * than 20 bits (a literal/length code and its extra bits), one lookup of a 10-bit table per symbol (see
 * inflate-tables.ts), two literals per refill check, and matches copied in 32-bit words (lz-copy.ts). On a
 * 256 KiB block of log text this is ~1.5x fflate's inflateSync, and half of native zlib.
 */
import { LokiChunkError } from '../../errors.js';
import {
  Alphabet,
  buildTable,
  fixedCodeTables,
  MAX_TABLE_SIZE,
  OP_END_OF_BLOCK,
  OP_INVALID,
  PRIMARY_BITS,
  PRIMARY_MASK,
  SUBTABLE,
} from './inflate-tables.js';
import { copyMatch, viewOf } from '../lz-copy.js';
import { outputLimitError } from '../output-buffer.js';

/** A DEFLATE stream's output, and where in its input the stream ended. */
export interface Inflated {
  output: Uint8Array;
  /** Offset of the first input byte after the final block (the stream's length). */
  end: number;
}

/** Order in which a dynamic block sends the code lengths of the code-length alphabet. */
export const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
const MAX_LITLEN_SYMBOLS = 286;
const MAX_DISTANCE_SYMBOLS = 30;
/** Smallest buffer worth allocating when the output outgrows its first guess. */
const MIN_GROWTH = 1024;

/** Scratch of dynamic blocks, reused by every call (inflating is synchronous). */
let scratch: { litlen: Int32Array; distance: Int32Array; codeLengths: Int32Array; lengths: Uint8Array } | undefined;

class Inflater {
  /** Next input byte to load into the bit buffer (may pass the end: missing bytes load as zeros). */
  private p = 0;
  /** Bit buffer: its low `bc` bits are the next bits of the stream. */
  private bb = 0;
  private bc = 0;
  /** Output so far: `out[0, o)`. */
  private out: Uint8Array;
  private o = 0;

  constructor(
    private readonly input: Uint8Array,
    private readonly limit: number,
    expectedSize: number,
    private readonly codec: string,
  ) {
    this.out = new Uint8Array(Math.max(0, Math.min(expectedSize, limit)));
  }

  run(): Inflated {
    let final = 0;
    do {
      final = this.bits(1);
      const type = this.bits(2);
      if (type === 0) this.storedBlock();
      else if (type === 1) {
        const fixed = fixedCodeTables();
        this.codedBlock(fixed.litlen, fixed.distance);
      } else if (type === 2) {
        const tables = this.readDynamicTables();
        this.codedBlock(tables.litlen, tables.distance);
      } else throw this.corrupt('invalid block type');
    } while (!final);
    const consumed = this.p * 8 - this.bc;
    if (consumed > this.input.length * 8) throw this.truncated();
    const output = this.o === this.out.length ? this.out : this.out.subarray(0, this.o);
    return { output, end: (consumed + 7) >>> 3 };
  }

  /** The byte at `p`, or 0 for the few bytes past the end that a refill may load before the stream ends. */
  private nextByte(): number {
    const p = this.p++;
    if (p < this.input.length) return this.input[p]!;
    // At least 8 of the bits loaded past the end are already consumed: the stream is cut.
    if (p >= this.input.length + 4) throw this.truncated();
    return 0;
  }

  /** The next `n` (<= 16) bits of the stream, consumed. */
  private bits(n: number): number {
    while (this.bc < n) {
      this.bb |= this.nextByte() << this.bc;
      this.bc += 8;
    }
    const value = this.bb & ((1 << n) - 1);
    this.bb >>>= n;
    this.bc -= n;
    return value;
  }

  /** The input offset of the next unread bit (rounded down), for errors; `p` and `bc` as the loop holds them. */
  private position(p = this.p, bc = this.bc): number {
    return Math.min(this.input.length, Math.max(0, (p * 8 - bc) >>> 3));
  }

  private corrupt(what: string, p = this.p, bc = this.bc): LokiChunkError {
    return new LokiChunkError('CORRUPT_STREAM', `${this.codec}: invalid DEFLATE stream: ${what}`, {
      offset: this.position(p, bc),
    });
  }

  private truncated(): LokiChunkError {
    return new LokiChunkError('TRUNCATED', `${this.codec}: DEFLATE stream ends inside a block`, { offset: this.input.length });
  }

  /** Makes room for `extra` more output bytes: the output array, replaced when it grows. */
  private room(out: Uint8Array, o: number, extra: number, p = this.p, bc = this.bc): Uint8Array {
    const needed = o + extra;
    if (needed <= out.length) return out;
    if (needed > this.limit) throw outputLimitError(this.codec, this.limit, this.position(p, bc));
    const grown = new Uint8Array(Math.min(this.limit, Math.max(needed, out.length * 2, MIN_GROWTH)));
    grown.set(out.subarray(0, o));
    this.out = grown;
    return grown;
  }

  private storedBlock(): void {
    // The header is followed by padding to a byte boundary; whole bytes left in the bit buffer are input again.
    this.bb = 0;
    this.p -= this.bc >>> 3;
    this.bc = 0;
    const input = this.input;
    const p = this.p;
    if (p + 4 > input.length) throw this.truncated();
    const length = input[p]! | (input[p + 1]! << 8);
    if ((input[p + 2]! | (input[p + 3]! << 8)) !== (~length & 0xffff)) throw this.corrupt('invalid stored block lengths');
    if (p + 4 + length > input.length) throw this.truncated();
    const out = this.room(this.out, this.o, length);
    out.set(input.subarray(p + 4, p + 4 + length), this.o);
    this.o += length;
    this.p = p + 4 + length;
  }

  /** Reads a dynamic block's code lengths; returns its tables. */
  private readDynamicTables(): { litlen: Int32Array; distance: Int32Array } {
    const tables = (scratch ??= {
      litlen: new Int32Array(MAX_TABLE_SIZE),
      distance: new Int32Array(MAX_TABLE_SIZE),
      codeLengths: new Int32Array(MAX_TABLE_SIZE),
      lengths: new Uint8Array(MAX_LITLEN_SYMBOLS + 32),
    });
    const litlenCount = this.bits(5) + 257;
    const distanceCount = this.bits(5) + 1;
    const codeLengthCount = this.bits(4) + 4;
    if (litlenCount > MAX_LITLEN_SYMBOLS || distanceCount > MAX_DISTANCE_SYMBOLS) {
      throw this.corrupt('too many length or distance symbols');
    }
    const lengths = tables.lengths;
    lengths.fill(0, 0, 19);
    for (let i = 0; i < codeLengthCount; i++) lengths[CODE_LENGTH_ORDER[i]!] = this.bits(3);
    buildTable(tables.codeLengths, lengths, 19, Alphabet.codeLengths, this.codec, this.position());
    const total = litlenCount + distanceCount;
    for (let i = 0; i < total; ) {
      // Code-length codes are at most 7 bits: every one is in the primary table.
      while (this.bc < 7) {
        this.bb |= this.nextByte() << this.bc;
        this.bc += 8;
      }
      const entry = tables.codeLengths[this.bb & PRIMARY_MASK]!;
      this.bb >>>= entry & 15;
      this.bc -= entry & 15;
      const symbol = entry >>> 8;
      if (symbol < 16) {
        lengths[i++] = symbol;
        continue;
      }
      let repeat: number;
      let value = 0;
      if (symbol === 16) {
        if (i === 0) throw this.corrupt('invalid bit length repeat');
        value = lengths[i - 1]!;
        repeat = 3 + this.bits(2);
      } else repeat = symbol === 17 ? 3 + this.bits(3) : 11 + this.bits(7);
      if (i + repeat > total) throw this.corrupt('invalid bit length repeat');
      lengths.fill(value, i, i + repeat);
      i += repeat;
    }
    if (lengths[256] === 0) throw this.corrupt('missing end-of-block code');
    buildTable(tables.litlen, lengths, litlenCount, Alphabet.litlen, this.codec, this.position());
    buildTable(tables.distance, lengths.subarray(litlenCount, total), distanceCount, Alphabet.distance, this.codec, this.position());
    return tables;
  }

  /** Decodes one Huffman-coded block with the given tables, up to its end-of-block code. */
  private codedBlock(litlen: Int32Array, distance: Int32Array): void {
    const input = this.input;
    const inputLength = input.length;
    const inputView = viewOf(input);
    let p = this.p;
    // Shifts are `(bb >>> n) | 0`: a bare `>>>` makes bb a uint32, which V8 then keeps as a float64 (~25% slower).
    let bb = this.bb;
    let bc = this.bc;
    let out = this.out;
    let view = viewOf(out);
    let o = this.o;
    for (;;) {
      // 20+ bits: a literal/length code (<= 15 bits) and its extra bits (<= 5).
      if (bc < 20) {
        if (p + 4 <= inputLength) {
          // One 32-bit load; the bits past the whole bytes taken are the next ones, ORed again next time.
          bb |= inputView.getInt32(p, true) << bc;
          p += (31 - bc) >>> 3;
          bc |= 24;
        } else {
          while (bc <= 24) {
            if (p < inputLength) bb |= input[p]! << bc;
            else if (p >= inputLength + 4) throw this.truncated();
            p++;
            bc += 8;
          }
        }
      }
      let entry = litlen[bb & PRIMARY_MASK]!;
      if (entry < 0) entry = litlen[(entry & 0xffff) + ((bb >>> PRIMARY_BITS) & ((1 << ((entry >>> 16) & 31)) - 1))]!;
      const op = (entry >>> 4) & 15;
      if (op === 0) {
        bb = (bb >>> (entry & 15)) | 0;
        bc -= entry & 15;
        if (o >= out.length) {
          out = this.room(out, o, 1, p, bc);
          view = viewOf(out);
        }
        out[o++] = entry >>> 8;
        // Literals come in runs: a second one without the refill check when the buffer still holds a code.
        if (bc >= 15) {
          entry = litlen[bb & PRIMARY_MASK]!;
          if ((entry & (SUBTABLE | 0xf0)) === 0 && o < out.length) {
            bb = (bb >>> (entry & 15)) | 0;
            bc -= entry & 15;
            out[o++] = entry >>> 8;
          }
        }
        continue;
      }
      if (op >= OP_END_OF_BLOCK) {
        bb = (bb >>> (entry & 15)) | 0;
        bc -= entry & 15;
        if (op === OP_END_OF_BLOCK) break;
        throw this.corrupt('invalid literal/length code', p, bc);
      }
      const extraBits = op - 1;
      const codeBits = (entry & 15) + extraBits;
      const length = (entry >>> 8) + ((bb >>> (entry & 15)) & ((1 << extraBits) - 1));
      bb = (bb >>> codeBits) | 0;
      bc -= codeBits;

      // 20+ bits: a distance code (<= 15 bits), and at least 13 after it with one more byte for its extra bits.
      // (The literal/length refill again, written out: a helper could not update `bb`, `bc` and `p`.)
      if (bc < 20) {
        if (p + 4 <= inputLength) {
          bb |= inputView.getInt32(p, true) << bc;
          p += (31 - bc) >>> 3;
          bc |= 24;
        } else {
          while (bc <= 24) {
            if (p < inputLength) bb |= input[p]! << bc;
            else if (p >= inputLength + 4) throw this.truncated();
            p++;
            bc += 8;
          }
        }
      }
      let code = distance[bb & PRIMARY_MASK]!;
      if (code < 0) code = distance[(code & 0xffff) + ((bb >>> PRIMARY_BITS) & ((1 << ((code >>> 16) & 31)) - 1))]!;
      const distanceExtra = (code >>> 4) & 15;
      bb = (bb >>> (code & 15)) | 0;
      bc -= code & 15;
      if (distanceExtra === OP_INVALID) throw this.corrupt('invalid distance code', p, bc);
      if (bc < distanceExtra) {
        if (p < inputLength) bb |= input[p]! << bc;
        else if (p >= inputLength + 4) throw this.truncated();
        p++;
        bc += 8;
      }
      const back = (code >>> 8) + (bb & ((1 << distanceExtra) - 1));
      bb = (bb >>> distanceExtra) | 0;
      bc -= distanceExtra;
      if (back > o) throw this.corrupt('invalid distance too far back', p, bc);
      if (o + length > out.length) {
        out = this.room(out, o, length, p, bc);
        view = viewOf(out);
      }
      copyMatch(out, view, o, back, length);
      o += length;
    }
    this.p = p;
    this.bb = bb;
    this.bc = bc;
    this.o = o;
  }
}

/**
 * Inflates the raw DEFLATE stream at the start of `input` (bytes after its final block are not read).
 * @param expectedSize size of the first output buffer (the expected output size, already capped by the caller
 *   to what the input can expand to); the buffer grows when the output is longer
 * @throws {LokiChunkError} `LIMIT_EXCEEDED` past `limit`, `CORRUPT_STREAM`/`TRUNCATED` for a bad stream
 */
export function inflateRaw(input: Uint8Array, limit: number, expectedSize: number, codec: string): Inflated {
  return new Inflater(input, limit, expectedSize, codec).run();
}
