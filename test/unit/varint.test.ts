import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ByteReader } from '../../src/binary/byte-reader.js';
import { ByteWriter } from '../../src/binary/byte-writer.js';
import { MAX_INT64, MIN_INT64, toInt64 } from '../../src/binary/int64.js';
import { LokiChunkError } from '../../src/errors.js';

/** Go's binary.PutUvarint, written with bigint arithmetic as an independent reference. */
function goPutUvarint(value: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const zigzag = (v: bigint): bigint => BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));

const int64 = fc.bigInt({ min: MIN_INT64, max: MAX_INT64 });
const uint64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

describe('uvarint / varint', () => {
  it('encodes like Go and decodes back, for every uint64', () => {
    fc.assert(
      fc.property(uint64, (v) => {
        const w = new ByteWriter(4);
        w.uvarint64(v);
        expect([...w.toBytes()]).toEqual(goPutUvarint(v));
        const r = new ByteReader(w.toBytes());
        expect(r.uvarint64()).toBe(v);
        expect(r.remaining).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('zig-zag encodes like Go and decodes back, for every int64', () => {
    fc.assert(
      fc.property(int64, (v) => {
        const w = new ByteWriter(4);
        w.varint64(v);
        expect([...w.toBytes()]).toEqual(goPutUvarint(zigzag(v)));
        expect(new ByteReader(w.toBytes()).varint64()).toBe(v);
      }),
      { numRuns: 2000 },
    );
  });

  it('handles the int64 limits and small values', () => {
    for (const v of [0n, 1n, -1n, 63n, -64n, 64n, MIN_INT64, MAX_INT64, 1710057600123456789n, -9000000000000000000n]) {
      const w = new ByteWriter();
      w.varint64(v);
      expect(new ByteReader(w.toBytes()).varint64()).toBe(v);
    }
    expect(goPutUvarint(zigzag(MIN_INT64))).toHaveLength(10);
  });

  it('reads safe-integer uvarints as numbers and refuses values of 2^53 or more', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const w = new ByteWriter();
        w.uvarint(n);
        expect([...w.toBytes()]).toEqual(goPutUvarint(BigInt(n)));
        expect(new ByteReader(w.toBytes()).uvarint()).toBe(n);
      }),
    );
    const big = new Uint8Array(goPutUvarint(1n << 53n));
    expect(() => new ByteReader(big).uvarint()).toThrowError(expect.objectContaining({ code: 'MALFORMED' }));
  });

  it('accepts non-minimal encodings as Go does', () => {
    expect(new ByteReader(new Uint8Array([0x80, 0x00])).uvarint()).toBe(0);
    expect(new ByteReader(new Uint8Array([0xff, 0x80, 0x80, 0x80, 0x80, 0x00])).uvarint64()).toBe(0x7fn);
  });

  it('rejects overflow like binary.Uvarint: an 11th byte or a 10th byte above 1', () => {
    const tenth2 = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]);
    const eleven = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81, 0x00]);
    for (const bytes of [tenth2, eleven]) {
      const error = catchError(() => new ByteReader(bytes, 0, bytes.length, 100).uvarint64());
      expect(error.code).toBe('VARINT_OVERFLOW');
      expect(error.offset).toBe(109);
    }
    const max = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(new ByteReader(max).uvarint64()).toBe((1n << 64n) - 1n);
  });

  it('raises TRUNCATED with the absolute offset when input ends inside a varint', () => {
    fc.assert(
      fc.property(uint64.filter((v) => v >= 0x80n), fc.nat(1000), (v, base) => {
        const full = goPutUvarint(v);
        const cut = new Uint8Array(full.slice(0, full.length - 1));
        const error = catchError(() => new ByteReader(cut, 0, cut.length, base).uvarint64());
        expect(error.code).toBe('TRUNCATED');
        expect(error.offset).toBe(base + cut.length);
      }),
    );
  });
});

describe('fixed-width fields', () => {
  it('reads and writes big-endian u32/u64 and reports truncation', () => {
    const w = new ByteWriter(1);
    w.u32(0x012ee56a);
    w.u64(0x0102030405060708n);
    const bytes = w.toBytes();
    expect([...bytes.subarray(0, 4)]).toEqual([0x01, 0x2e, 0xe5, 0x6a]);
    const r = new ByteReader(bytes);
    expect(r.u32()).toBe(0x012ee56a);
    expect(r.u64()).toBe(0x0102030405060708n);
    expect(catchError(() => r.u8('version')).message).toMatch(/truncated version/);
  });
});

describe('toInt64', () => {
  it('accepts bigint and safe numbers, refuses lossy or out-of-range values', () => {
    expect(toInt64(5)).toBe(5n);
    expect(toInt64(MIN_INT64)).toBe(MIN_INT64);
    expect(() => toInt64(2 ** 60)).toThrow(LokiChunkError);
    expect(() => toInt64(1.5)).toThrow(LokiChunkError);
    expect(() => toInt64(MAX_INT64 + 1n)).toThrow(LokiChunkError);
  });
});

function catchError(fn: () => unknown): LokiChunkError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LokiChunkError);
    return error as LokiChunkError;
  }
  throw new Error('expected an error');
}
