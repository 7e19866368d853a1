/**
 * 64-bit varint decode and encode: ours (`ByteReader`/`ByteWriter`) against `@bufbuild/protobuf`'s
 * `BinaryReader`/`BinaryWriter` in the same run, as a peer. Go's `binary.Varint` is protobuf's zig-zag
 * `sint64`; Go's `binary.Uvarint` is `uint64`.
 */
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { ByteReader } from '../src/binary/byte-reader.js';
import { ByteWriter } from '../src/binary/byte-writer.js';
import { int64FromHalves } from '../src/binary/int64.js';
import { loadEntries } from './data.js';
import type { BenchCase } from './harness.js';

const COUNT = 10_000;

/** Values of every uvarint length, 1 to 10 bytes, in a fixed pseudo-random order. */
function spreadValues(): bigint[] {
  let state = 0x9e3779b9;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const values: bigint[] = [];
  for (let i = 0; i < COUNT; i++) {
    const bits = 1 + (next() % 64);
    const raw = (BigInt(next()) << 32n) | BigInt(next());
    values.push(BigInt.asUintN(bits, raw));
  }
  return values;
}

/** The benchmark timestamps: what the hot decode path reads as zig-zag varints (9 bytes each). */
function timestampValues(): bigint[] {
  return loadEntries()
    .entries.slice(0, COUNT)
    .map((entry) => entry.timestamp);
}

function encodeOurs(values: readonly bigint[], signed: boolean): Uint8Array {
  const writer = new ByteWriter(values.length * 10);
  for (const value of values) {
    if (signed) writer.varint64(value);
    else writer.uvarint64(value);
  }
  return writer.toBytes();
}

function sameValues(decoded: ReadonlyArray<bigint | string>, expected: readonly bigint[], what: string): void {
  if (decoded.length !== expected.length || decoded.some((value, i) => BigInt(value) !== expected[i])) {
    throw new Error(`${what}: decoded values differ from the encoded ones`);
  }
}

/** The varint cases. */
export function varintCases(): BenchCase[] {
  const kinds = [
    { label: 'uvarint', signed: false, values: spreadValues },
    { label: 'varint', signed: true, values: timestampValues },
  ] as const;
  const cases: BenchCase[] = [];
  for (const kind of kinds) {
    let values: bigint[] = [];
    let encoded: Uint8Array = new Uint8Array(0);
    const prepare = (): Record<string, number> => {
      values = kind.values();
      encoded = encodeOurs(values, kind.signed);
      return { values: values.length, bytes: encoded.length };
    };
    const work = () => ({ items: COUNT, bytes: encoded.length });

    const decodeOurs = (): bigint[] => {
      const reader = new ByteReader(encoded);
      const out = new Array<bigint>(COUNT);
      for (let i = 0; i < COUNT; i++) out[i] = kind.signed ? reader.varint64() : reader.uvarint64();
      return out;
    };
    const decodeHalves = (): number => {
      const reader = new ByteReader(encoded);
      let mix = 0;
      for (let i = 0; i < COUNT; i++) {
        if (kind.signed) reader.varint64Halves();
        else reader.uvarint64Halves();
        mix ^= reader.lo ^ reader.hi;
      }
      return mix;
    };
    const decodePeer = (): Array<bigint | string> => {
      const reader = new BinaryReader(encoded);
      const out = new Array<bigint | string>(COUNT);
      for (let i = 0; i < COUNT; i++) out[i] = kind.signed ? reader.sint64() : reader.uint64();
      return out;
    };
    const encodePeer = (): Uint8Array => {
      const writer = new BinaryWriter();
      for (const value of values) {
        if (kind.signed) writer.sint64(value);
        else writer.uint64(value);
      }
      return writer.finish();
    };

    cases.push(
      {
        name: `varint/${kind.label}-decode/ours-bigint`,
        setup: () => {
          const facts = prepare();
          sameValues(decodeOurs(), values, 'ours');
          return facts;
        },
        run: decodeOurs,
        work,
      },
      {
        name: `varint/${kind.label}-decode/ours-halves`,
        setup: () => {
          const facts = prepare();
          const reader = new ByteReader(encoded);
          const halves = values.map(() => {
            if (kind.signed) reader.varint64Halves();
            else reader.uvarint64Halves();
            const value = int64FromHalves(reader.lo, reader.hi);
            return kind.signed ? value : BigInt.asUintN(64, value);
          });
          sameValues(halves, values, 'ours (halves)');
          return facts;
        },
        run: decodeHalves,
        work,
      },
      {
        name: `varint/${kind.label}-decode/bufbuild`,
        setup: () => {
          const facts = prepare();
          sameValues(decodePeer(), values, '@bufbuild/protobuf');
          return facts;
        },
        run: decodePeer,
        work,
      },
      {
        name: `varint/${kind.label}-encode/ours`,
        setup: prepare,
        run: () => encodeOurs(values, kind.signed),
        work,
      },
      {
        name: `varint/${kind.label}-encode/bufbuild`,
        setup: () => {
          const facts = prepare();
          const peer = encodePeer();
          if (Buffer.compare(peer, encoded) !== 0) throw new Error('@bufbuild/protobuf encodes differently from ours');
          return facts;
        },
        run: encodePeer,
        work,
      },
    );
  }
  return cases;
}
