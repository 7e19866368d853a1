/**
 * The writer's side of the v4 symbol table (Loki's `symbolizer`): names and values share one table, interned in
 * the order first seen, and the table is written as `uvarint #symbols` followed by one stream (compressed with the
 * chunk codec, or plain in a WAL checkpoint) of `uvarint len | bytes` per symbol.
 */
import { ByteWriter } from '../binary/byte-writer.js';
import type { Codec } from '../compression/codec.js';
import { utf8ByteLength } from './entry-input.js';

const utf8 = /*#__PURE__*/ new TextEncoder();
/** Bytes of a uvarint of a symbol length, at most (lengths stay far below 2^35). */
const MAX_LENGTH_PREFIX = 5;

/** Interns structured-metadata strings as symbol ids. */
export class Symbolizer {
  private readonly ids = new Map<string, number>();
  /** The symbols, by id. */
  readonly symbols: string[] = [];
  /** Their UTF-8 lengths, by id. */
  private readonly lengths: number[] = [];
  /** Sum of the symbols' UTF-8 lengths: Loki's `symbolizer.UncompressedSize()`, which `SpaceFor` counts. */
  uncompressedSize = 0;

  /** The id of `symbol`, or -1 when it is not in the table. */
  find(symbol: string): number {
    return this.ids.get(symbol) ?? -1;
  }

  /** The id of `symbol`, interning it when new. */
  add(symbol: string): number {
    const known = this.ids.get(symbol);
    if (known !== undefined) return known;
    const id = this.symbols.length;
    this.ids.set(symbol, id);
    this.symbols.push(symbol);
    const length = utf8ByteLength(symbol);
    this.lengths.push(length);
    this.uncompressedSize += length;
    return id;
  }

  /**
   * The structured-metadata section without its CRC: the symbol count, then the table compressed with `codec`
   * (`null`: uncompressed, as a WAL checkpoint stores it).
   */
  section(codec: Codec | null): Uint8Array {
    const table = this.table();
    const body = codec === null ? table : codec.compress(table);
    const out = new ByteWriter(body.length + 10);
    out.uvarint(this.symbols.length);
    out.bytes(body);
    return out.toBytes();
  }

  /** `uvarint len | bytes` per symbol. All symbols are encoded in one call, then spread out behind their lengths. */
  private table(): Uint8Array {
    const count = this.symbols.length;
    const gap = count * MAX_LENGTH_PREFIX;
    const table = new Uint8Array(gap + this.uncompressedSize);
    const { written } = utf8.encodeInto(this.symbols.join(''), table.subarray(gap));
    // Joined, a symbol ending in a lone high surrogate and one starting with a lone low surrogate make one
    // 4-byte character instead of two 3-byte U+FFFD: then each symbol is encoded on its own.
    const joinedExactly = written === this.uncompressedSize;
    let source = gap;
    let target = 0;
    for (let id = 0; id < count; id++) {
      const length = this.lengths[id]!;
      for (let rest = length; ; rest >>>= 7) {
        if (rest < 0x80) {
          table[target++] = rest;
          break;
        }
        table[target++] = (rest & 0x7f) | 0x80;
      }
      if (joinedExactly) {
        // The prefixes written so far never exceed the gap, so this only moves bytes towards the start.
        table.copyWithin(target, source, source + length);
        source += length;
      } else {
        utf8.encodeInto(this.symbols[id]!, table.subarray(target, target + length));
      }
      target += length;
    }
    return table.subarray(0, target);
  }
}
