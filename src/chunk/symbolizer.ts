/**
 * The writer's side of the v4 symbol table (Loki's `symbolizer`): names and values share one table, interned in
 * the order first seen, and the table is written as `uvarint #symbols` followed by one stream (compressed with the
 * chunk codec, or plain in a WAL checkpoint) of `uvarint len | bytes` per symbol.
 */
import { ByteWriter } from '../binary/byte-writer.js';
import type { Codec } from '../compression/codec.js';

const utf8 = /*#__PURE__*/ new TextEncoder();

/** Interns structured-metadata strings as symbol ids. */
export class Symbolizer {
  private readonly ids = new Map<string, number>();
  private readonly encoded: Uint8Array[] = [];
  /** The symbols, by id. */
  readonly symbols: string[] = [];
  /** Sum of the symbols' UTF-8 lengths: Loki's `symbolizer.UncompressedSize()`, which `SpaceFor` counts. */
  uncompressedSize = 0;

  /** The id of `symbol`, interning it when new. */
  add(symbol: string): number {
    const known = this.ids.get(symbol);
    if (known !== undefined) return known;
    const id = this.symbols.length;
    const bytes = utf8.encode(symbol);
    this.ids.set(symbol, id);
    this.symbols.push(symbol);
    this.encoded.push(bytes);
    this.uncompressedSize += bytes.length;
    return id;
  }

  /**
   * The structured-metadata section without its CRC: the symbol count, then the table compressed with `codec`
   * (`null`: uncompressed, as a WAL checkpoint stores it).
   */
  section(codec: Codec | null): Uint8Array {
    const table = new ByteWriter(this.uncompressedSize + this.symbols.length * 2 + 16);
    for (const bytes of this.encoded) {
      table.uvarint(bytes.length);
      table.bytes(bytes);
    }
    const body = codec === null ? table.subarray() : codec.compress(table.subarray());
    const out = new ByteWriter(body.length + 10);
    out.uvarint(this.symbols.length);
    out.bytes(body);
    return out.toBytes();
  }
}
