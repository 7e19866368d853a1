/**
 * The built-in codecs: round trips on arbitrary data, the exact framing Loki writes, every frame feature the
 * readers must accept, and agreement with independent implementations (node:zlib, lz4js, snappyjs).
 */
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { deflateRawSync, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../src/binary/byte-writer.js';
import { crc32c } from '../../src/checksum/crc32c.js';
import { xxh32 } from '../../src/checksum/xxh32.js';
import { compressInto, type Codec } from '../../src/compression/codec.js';
import { createCodecRegistry } from '../../src/compression/defaults.js';
import { flateCodec } from '../../src/compression/deflate/flate.js';
import { gzipCodec } from '../../src/compression/deflate/gzip.js';
import { lz4Codec1M, lz4Codec256k, lz4Codec4M, lz4Codec64k } from '../../src/compression/lz4/frame.js';
import { compressLz4Block, hashOf as lz4HashOf } from '../../src/compression/lz4/block.js';
import { noneCodec } from '../../src/compression/none.js';
import { maskedCrc32c, snappyCodec } from '../../src/compression/snappy/frame.js';
import { isLokiChunkError, type LokiChunkErrorCode } from '../../src/errors.js';
import { logText, randomBytes } from '../helpers/sample-data.js';

// Independent implementations to cross-check against (untyped CommonJS packages).
const require = createRequire(import.meta.url);
const lz4js = require('lz4js') as { compress(data: Uint8Array): ArrayLike<number>; decompress(data: Uint8Array): ArrayLike<number> };
const snappyjs = require('snappyjs') as { compress(data: Uint8Array): ArrayLike<number>; uncompress(data: Uint8Array): ArrayLike<number> };

const unlimited = { maxOutputSize: 1 << 30 };
const ourCodecs: Codec[] = [noneCodec, gzipCodec, flateCodec, lz4Codec64k, lz4Codec256k, lz4Codec1M, lz4Codec4M, snappyCodec];
const allCodecs = createCodecRegistry().list();

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

function expectCode(run: () => unknown, code: LokiChunkErrorCode): void {
  try {
    run();
  } catch (error) {
    expect(isLokiChunkError(error), String(error)).toBe(true);
    expect((error as { code: string }).code, String(error)).toBe(code);
    return;
  }
  expect.fail(`expected ${code}`);
}

describe.each(ourCodecs.map((codec) => [codec.name, codec] as const))('%s round trips', (_name, codec) => {
  const roundTrip = (data: Uint8Array) => {
    const compressed = codec.compress(data);
    const back = codec.decompress(compressed, { maxOutputSize: data.length });
    expect(back.length).toBe(data.length);
    expect(same(back, data)).toBe(true);
    return compressed;
  };

  it('arbitrary byte arrays', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (data) => void roundTrip(data)), { numRuns: 150 });
  });

  it('empty, tiny, repetitive and incompressible inputs', () => {
    for (const size of [0, 1, 2, 3, 4, 5, 11, 12, 13, 14, 15, 16, 17, 18, 64, 255, 256, 65535, 65536, 65537]) {
      roundTrip(logText(size));
      roundTrip(randomBytes(size));
      roundTrip(new Uint8Array(size).fill(0x61));
    }
    const incompressible = randomBytes(300_000);
    expect(roundTrip(incompressible).length).toBeLessThan(incompressible.length * 1.01 + 64);
    const repetitive = new Uint8Array(300_000).fill(7);
    // Snappy copies at most 64 bytes per 3-byte element: ~20x at best.
    if (codec !== noneCodec) expect(roundTrip(repetitive).length).toBeLessThan(repetitive.length / 15);
  });

  it('multi-megabyte log text, also across every block boundary', () => {
    const text = logText(5 * 1024 * 1024 + 17);
    const compressed = roundTrip(text);
    if (codec !== noneCodec) expect(compressed.length).toBeLessThan(text.length / 2);
    // Patterns of random repeats: long matches, short offsets, overlapping copies.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 70_000 })), { maxLength: 40 }),
        (runs) => {
          const data = logText(4096, runs.length + 1);
          const parts: number[] = [...data];
          for (const [length, distance] of runs) {
            for (let i = 0; i < length; i++) parts.push(parts[Math.max(0, parts.length - distance)]!);
          }
          roundTrip(Uint8Array.from(parts));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('decompress honours maxOutputSize', () => {
    const data = logText(10_000);
    const compressed = codec.compress(data);
    expect(codec.decompress(compressed, { maxOutputSize: 10_000 }).length).toBe(10_000);
    expectCode(() => codec.decompress(compressed, { maxOutputSize: 9_999 }), 'LIMIT_EXCEEDED');
    expectCode(() => codec.decompress(compressed, { maxOutputSize: 9_999, sizeHint: 10_000 }), 'LIMIT_EXCEEDED');
    expectCode(() => codec.decompress(compressed, { maxOutputSize: -1 }), 'INVALID_ARGUMENT');
  });

  it('a wrong size hint changes nothing', () => {
    const data = logText(70_000);
    const compressed = codec.compress(data);
    for (const sizeHint of [0, 1, 69_999, 70_001, 1 << 20]) {
      expect(same(codec.decompress(compressed, { maxOutputSize: 1 << 21, sizeHint }), data)).toBe(true);
    }
  });
});

describe('compressInto', () => {
  it.each(ourCodecs.map((codec) => [codec.name, codec] as const))('%s: appends exactly what compress returns', (_name, codec) => {
    const out = new ByteWriter(16);
    out.bytes(Uint8Array.of(1, 2, 3));
    const expected: Uint8Array[] = [Uint8Array.of(1, 2, 3)];
    // Growing the writer from 16 bytes, and appending stream after stream, as the chunk writer does.
    for (const data of [logText(70_000), randomBytes(5_000), new Uint8Array(0), logText(300_000, 2), logText(17)]) {
      compressInto(codec, data, out);
      expected.push(codec.compress(data));
    }
    expect(same(out.subarray(), Buffer.concat(expected))).toBe(true);
  });

  it("uses a copy of a built-in codec through the copy's own compress", () => {
    const calls: number[] = [];
    const copy: Codec = { ...snappyCodec, compress: (data) => (calls.push(data.length), snappyCodec.compress(data)) };
    const out = new ByteWriter(16);
    compressInto(copy, logText(1000), out);
    expect(calls).toEqual([1000]);
    expect(same(out.subarray(), snappyCodec.compress(logText(1000)))).toBe(true);
  });
});

describe('every registered codec (zstd included)', () => {
  it.each(allCodecs.map((codec) => [codec.name, codec] as const))('%s round-trips log text', (_name, codec) => {
    for (const size of [0, 1, 100, 300_000]) {
      const data = logText(size);
      expect(same(codec.decompress(codec.compress(data), unlimited), data)).toBe(true);
    }
  });

  // Compressors write into buffers they keep between calls: nothing an earlier call left there may show.
  it.each(allCodecs.map((codec) => [codec.name, codec] as const))('%s output does not depend on earlier calls', (_name, codec) => {
    const text = logText(200_000, 3);
    // After `text`, its prefix: the bytes past the prefix's end left in a work buffer would match it.
    const inputs = [text, text.subarray(0, 9_000), logText(5_000, 4), new Uint8Array(70_000), randomBytes(20_000, 5)];
    const first = inputs.map((data) => codec.compress(data));
    for (const junk of [randomBytes(900_000, 6), new Uint8Array(900_000).fill(0xff), logText(2_000_000, 7)]) {
      codec.compress(junk);
      inputs.forEach((data, k) => expect(same(codec.compress(data), first[k]!), `input ${k} after junk`).toBe(true));
    }
  });
});

describe('gzip', () => {
  it("writes Loki's header and a CRC-32/ISIZE trailer", () => {
    const data = logText(1000);
    const compressed = gzipCodec.compress(data);
    expect(hex(compressed.subarray(0, 10))).toBe('1f8b080000096e8800ff');
    expect(same(gunzipSync(compressed), data)).toBe(true);
    const view = new DataView(compressed.buffer, compressed.byteOffset + compressed.length - 8);
    expect(view.getUint32(4, true)).toBe(1000);
    // Empty input: Loki's exact bytes (header, empty final block, zero CRC and size).
    expect(hex(gzipCodec.compress(new Uint8Array(0)))).toBe('1f8b080000096e8800ff03000000000000000000');
  });

  it('reads what node:zlib writes, including header fields and several members', () => {
    const data = logText(50_000);
    for (const level of [0, 1, 6, 9]) expect(same(gzipCodec.decompress(gzipSync(data, { level }), unlimited), data)).toBe(true);
    // FEXTRA, FNAME, FCOMMENT and FHCRC, built by hand around a zlib body.
    const body = deflateRawSync(data);
    const header = [0x1f, 0x8b, 8, 0x1e, 0, 0, 0, 0, 0, 3, 3, 0, 1, 2, 3, ...new TextEncoder().encode('name\0comment\0')];
    const headerCrc = crc32Ieee(Uint8Array.from(header)) & 0xffff;
    const trailer = new Uint8Array(8);
    new DataView(trailer.buffer).setUint32(0, crc32Ieee(data), true);
    new DataView(trailer.buffer).setUint32(4, data.length, true);
    const member = Uint8Array.from([...header, headerCrc & 0xff, headerCrc >> 8, ...body, ...trailer]);
    expect(same(gzipCodec.decompress(member, unlimited), data)).toBe(true);
    const badHeaderCrc = member.slice();
    badHeaderCrc[header.length]! ^= 1;
    expectCode(() => gzipCodec.decompress(badHeaderCrc, unlimited), 'CHECKSUM_MISMATCH');
    // Several members, as Go's multistream reader reads them.
    const second = logText(3000, 9);
    const joined = Uint8Array.from([...gzipSync(data), ...gzipCodec.compress(second), ...gzipSync(new Uint8Array(0))]);
    expect(same(gzipCodec.decompress(joined, unlimited), Uint8Array.from([...data, ...second]))).toBe(true);
    expectCode(() => gzipCodec.decompress(joined, { maxOutputSize: data.length + 10 }), 'LIMIT_EXCEEDED');
  });

  it('verifies the CRC-32 and ISIZE that fflate ignores', () => {
    const compressed = gzipCodec.compress(logText(5000));
    const badCrc = compressed.slice();
    badCrc[badCrc.length - 8]! ^= 0x40;
    expectCode(() => gzipCodec.decompress(badCrc, unlimited), 'CHECKSUM_MISMATCH');
    const badSize = compressed.slice();
    badSize[badSize.length - 4]! ^= 0x01;
    expectCode(() => gzipCodec.decompress(badSize, unlimited), 'CORRUPT_STREAM');
    // Trailing bytes move the trailer: refused, as Go's reader refuses a bad next member.
    expectCode(() => gzipCodec.decompress(Uint8Array.from([...compressed, 0, 0]), unlimited), 'CORRUPT_STREAM');
    expectCode(() => gzipCodec.decompress(new Uint8Array(0), unlimited), 'TRUNCATED');
  });
});

/** CRC-32 (IEEE), bit by bit, independent of src/checksum. */
function crc32Ieee(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('flate', () => {
  it('is raw DEFLATE both ways with node:zlib', () => {
    const data = logText(100_000);
    expect(same(inflateRawSync(flateCodec.compress(data)), data)).toBe(true);
    for (const level of [0, 1, 6, 9]) {
      const compressed = deflateRawSync(data, { level });
      expect(same(flateCodec.decompress(compressed, unlimited), data)).toBe(true);
      expect(same(flateCodec.decompress(compressed, { maxOutputSize: data.length, sizeHint: data.length }), data)).toBe(true);
    }
    expect(hex(flateCodec.compress(new Uint8Array(0)))).toBe('0300');
    expectCode(() => flateCodec.decompress(new Uint8Array(0), unlimited), 'TRUNCATED');
  });
});

// ---- LZ4 frames ----

interface FrameOptions {
  blockCode?: number;
  independent?: boolean;
  blockChecksums?: boolean;
  contentChecksum?: boolean;
  contentSize?: number;
  /** Each block's stored bytes and whether it is stored uncompressed. */
  blocks: Array<{ stored: Uint8Array; uncompressed?: boolean }>;
  content?: Uint8Array;
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];
}

/** An LZ4 frame built field by field from the specification. */
function lz4Frame(options: FrameOptions): Uint8Array {
  const flags =
    0x40 |
    (options.independent === false ? 0 : 0x20) |
    (options.blockChecksums ? 0x10 : 0) |
    (options.contentSize !== undefined ? 0x08 : 0) |
    (options.contentChecksum ? 0x04 : 0);
  const descriptor = [flags, (options.blockCode ?? 4) << 4];
  if (options.contentSize !== undefined) descriptor.push(...u32(options.contentSize % 2 ** 32), ...u32(Math.floor(options.contentSize / 2 ** 32)));
  const out = [0x04, 0x22, 0x4d, 0x18, ...descriptor, (xxh32(Uint8Array.from(descriptor)) >>> 8) & 0xff];
  for (const block of options.blocks) {
    out.push(...u32((block.stored.length | (block.uncompressed ? 0x80000000 : 0)) >>> 0), ...block.stored);
    if (options.blockChecksums) out.push(...u32(xxh32(block.stored)));
  }
  out.push(0, 0, 0, 0);
  if (options.contentChecksum) out.push(...u32(xxh32(options.content!)));
  return Uint8Array.from(out);
}

function lz4Block(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  const length = compressLz4Block(data, out, 0);
  expect(length).toBeGreaterThan(0);
  return out.subarray(0, length);
}

describe('lz4 match-finder hash', () => {
  // pierrec/lz4's blockHash, in 64-bit arithmetic: the top 16 bits of (the 6 bytes << 16) * prime, mod 2^64.
  const reference = (low: number, high: number) =>
    Number((((BigInt(low >>> 0) | (BigInt(high & 0xffff) << 32n)) << 16n) * 227718039650203n & 0xffffffffffffffffn) >> 48n);

  it("equals pierrec's 64-bit product for every kind of input", () => {
    const edges = [0, 1, 0x7fffffff, 0x80000000 | 0, -1, 0xffff, 0xffff0000 | 0];
    for (const low of edges) for (const high of edges) expect(lz4HashOf(low, high)).toBe(reference(low, high));
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.integer({ min: 0, max: 0xffff }), (low, high) => {
        expect(lz4HashOf(low, high)).toBe(reference(low, high));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('lz4 frames', () => {
  it("write pierrec/lz4's header for each block size, and a frame for empty input", () => {
    const headers = { 'lz4-64k': '04224d18604082', 'lz4-256k': '04224d186050fb', 'lz4-1M': '04224d18606051', lz4: '04224d18607073' };
    for (const codec of [lz4Codec64k, lz4Codec256k, lz4Codec1M, lz4Codec4M]) {
      const header = headers[codec.name as keyof typeof headers];
      expect(hex(codec.compress(new Uint8Array(0)))).toBe(`${header}00000000`);
      expect(hex(codec.compress(logText(1000)).subarray(0, 7))).toBe(header);
      expect(codec.decompress(codec.compress(new Uint8Array(0)), unlimited)).toHaveLength(0);
    }
  });

  it('split input into blocks of the codec size, storing incompressible blocks raw', () => {
    const data = randomBytes(70_000);
    const frame = lz4Codec64k.compress(data);
    // Two raw blocks: 65536 then 4464 bytes, high bit set.
    expect(hex(frame.subarray(7, 11))).toBe('00000180');
    expect(hex(frame.subarray(11 + 65536, 15 + 65536))).toBe(hex(Uint8Array.from(u32((4464 | 0x80000000) >>> 0))));
    expect(frame.length).toBe(7 + 4 + 65536 + 4 + 4464 + 4);
  });

  it('read content size, block and content checksums, raw blocks, skippable and concatenated frames', () => {
    const first = logText(20_000);
    const second = randomBytes(300);
    const frame = lz4Frame({
      blockCode: 4,
      blockChecksums: true,
      contentChecksum: true,
      contentSize: first.length + second.length,
      blocks: [{ stored: lz4Block(first) }, { stored: second, uncompressed: true }],
      content: Uint8Array.from([...first, ...second]),
    });
    const skippable = Uint8Array.from([0x5a, 0x2a, 0x4d, 0x18, ...u32(3), 1, 2, 3]);
    const stream = Uint8Array.from([...skippable, ...frame, ...lz4Codec4M.compress(first), ...skippable]);
    const expected = Uint8Array.from([...first, ...second, ...first]);
    expect(same(lz4Codec64k.decompress(stream, unlimited), expected)).toBe(true);
    // Content size above the limit is refused before anything is decoded.
    expectCode(() => lz4Codec64k.decompress(frame, { maxOutputSize: first.length }), 'LIMIT_EXCEEDED');
    const huge = lz4Frame({ contentSize: 2 ** 45, blocks: [{ stored: first.subarray(0, 10), uncompressed: true }] });
    expectCode(() => lz4Codec64k.decompress(huge, unlimited), 'LIMIT_EXCEEDED');
    // A content size that disagrees with the blocks.
    const wrongSize = lz4Frame({ contentSize: 11, blocks: [{ stored: first.subarray(0, 10), uncompressed: true }] });
    expectCode(() => lz4Codec64k.decompress(wrongSize, unlimited), 'CORRUPT_STREAM');
  });

  it('accept block checksums over the decoded data too (pierrec/lz4 writes them so)', () => {
    const data = logText(5000);
    const stored = lz4Block(data);
    const frame = lz4Frame({ blockChecksums: true, blocks: [{ stored }] });
    const blockChecksumAt = 7 + 4 + stored.length;
    frame.set(u32(xxh32(data)), blockChecksumAt);
    expect(same(lz4Codec64k.decompress(frame, unlimited), data)).toBe(true);
    frame[blockChecksumAt]! ^= 1;
    expectCode(() => lz4Codec64k.decompress(frame, unlimited), 'CHECKSUM_MISMATCH');
  });

  it('decode linked blocks whose matches reach into the previous block', () => {
    const data = logText(200);
    // Block 2: no literals, a 200-byte match 200 bytes back (into block 1), then the mandatory final literals.
    const block2 = Uint8Array.from([0x0f, 200, 0, 200 - 19, 0x10, 0x21]);
    const linked = lz4Frame({ independent: false, blocks: [{ stored: data, uncompressed: true }, { stored: block2 }] });
    expect(same(lz4Codec64k.decompress(linked, unlimited), Uint8Array.from([...data, ...data, 0x21]))).toBe(true);
    // The same block in an independent frame reaches before its block: refused.
    const independent = lz4Frame({ blocks: [{ stored: data, uncompressed: true }, { stored: block2 }] });
    expectCode(() => lz4Codec64k.decompress(independent, unlimited), 'CORRUPT_STREAM');
  });

  it('refuse bad magic, reserved bits, a block above the frame maximum, dictionaries and legacy frames', () => {
    const good = lz4Codec64k.compress(logText(1000));
    const badMagic = good.slice();
    badMagic[0] = 0x05;
    expectCode(() => lz4Codec64k.decompress(badMagic, unlimited), 'CORRUPT_STREAM');
    const badHeaderChecksum = good.slice();
    badHeaderChecksum[6]! ^= 1;
    expectCode(() => lz4Codec64k.decompress(badHeaderChecksum, unlimited), 'CHECKSUM_MISMATCH');
    const tooBig = lz4Frame({ blockCode: 4, blocks: [{ stored: new Uint8Array(65537), uncompressed: true }] });
    expectCode(() => lz4Codec64k.decompress(tooBig, unlimited), 'CORRUPT_STREAM');
    const descriptor = Uint8Array.from([0x61, 0x40, 1, 2, 3, 4]);
    const dictionary = Uint8Array.from([0x04, 0x22, 0x4d, 0x18, ...descriptor, (xxh32(descriptor) >>> 8) & 0xff, 0, 0, 0, 0]);
    expectCode(() => lz4Codec64k.decompress(dictionary, unlimited), 'UNSUPPORTED');
    expectCode(() => lz4Codec64k.decompress(Uint8Array.from([0x02, 0x21, 0x4c, 0x18, 0, 0, 0, 0]), unlimited), 'UNSUPPORTED');
  });

  it('agree with lz4js both ways', () => {
    const data = logText(300_000);
    expect(same(Uint8Array.from(lz4js.decompress(lz4Codec4M.compress(data))), data)).toBe(true);
    expect(same(lz4Codec4M.decompress(Uint8Array.from(lz4js.compress(data)), unlimited), data)).toBe(true);
  });
});

// ---- Snappy framing ----

function snappyChunk(type: number, body: number[]): number[] {
  return [type, body.length & 0xff, (body.length >> 8) & 0xff, body.length >> 16, ...body];
}

describe('snappy frames', () => {
  const STREAM_ID = [0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59];

  it('write golang/snappy framing: nothing for empty input, chunks of 64 KiB, raw chunks when compression saves < 12.5%', () => {
    expect(snappyCodec.compress(new Uint8Array(0))).toHaveLength(0);
    const text = snappyCodec.compress(logText(1000));
    expect([...text.subarray(0, 10)]).toEqual(STREAM_ID);
    expect(text[10]).toBe(0x00);
    const random = snappyCodec.compress(randomBytes(70_000));
    expect(random[10]).toBe(0x01);
    expect(random.length).toBe(10 + 8 + 65536 + 8 + 4464);
    expect(new DataView(random.buffer).getUint32(14, true)).toBe(maskedCrc32c(randomBytes(70_000).subarray(0, 65536)));
  });

  it('read padding, skippable chunks, repeated stream identifiers and raw chunks', () => {
    const data = logText(1000);
    const crc = u32(maskedCrc32c(data));
    const stream = Uint8Array.from([
      ...STREAM_ID,
      ...snappyChunk(0xfe, [0, 0, 0]),
      ...snappyChunk(0x01, [...crc, ...data]),
      ...STREAM_ID,
      ...snappyChunk(0x80, [9, 9]),
      ...snappyChunk(0xfd, []),
      ...snappyCodec.compress(data),
    ]);
    expect(same(snappyCodec.decompress(stream, unlimited), Uint8Array.from([...data, ...data]))).toBe(true);
    expect(crc32c(data)).not.toBe(maskedCrc32c(data));
  });

  it('refuse reserved unskippable chunks, a missing stream identifier, bad checksums and oversized chunks', () => {
    const data = logText(1000);
    expectCode(() => snappyCodec.decompress(Uint8Array.from([...STREAM_ID, ...snappyChunk(0x02, [])]), unlimited), 'CORRUPT_STREAM');
    expectCode(() => snappyCodec.decompress(snappyCodec.compress(data).subarray(10), unlimited), 'CORRUPT_STREAM');
    const badCrc = snappyCodec.compress(data);
    badCrc[14]! ^= 1;
    expectCode(() => snappyCodec.decompress(badCrc, unlimited), 'CHECKSUM_MISMATCH');
    const big = new Uint8Array(65537);
    const oversized = Uint8Array.from([...STREAM_ID, ...snappyChunk(0x01, [...u32(maskedCrc32c(big)), ...big])]);
    expectCode(() => snappyCodec.decompress(oversized, unlimited), 'CORRUPT_STREAM');
  });

  it("refuse any chunk longer than golang/snappy's reader takes (76,494 bytes), padding included, at its offset", () => {
    const padding = (length: number) => Uint8Array.from([...STREAM_ID, ...snappyChunk(0xfe, new Array<number>(length).fill(0))]);
    expect(snappyCodec.decompress(padding(76_494), unlimited)).toHaveLength(0);
    let caught: unknown;
    try {
      snappyCodec.decompress(padding(76_495), unlimited);
    } catch (error) {
      caught = error;
    }
    expect(isLokiChunkError(caught) && caught.code === 'CORRUPT_STREAM' && caught.offset === STREAM_ID.length).toBe(true);
  });

  it("decode snappyjs's blocks and let snappyjs decode ours", () => {
    const data = logText(60_000);
    const theirs = Uint8Array.from(snappyjs.compress(data));
    const framed = Uint8Array.from([...STREAM_ID, ...snappyChunk(0x00, [...u32(maskedCrc32c(data)), ...theirs])]);
    expect(same(snappyCodec.decompress(framed, unlimited), data)).toBe(true);
    const ours = snappyCodec.compress(data);
    expect(ours[10]).toBe(0x00);
    expect(same(Uint8Array.from(snappyjs.uncompress(ours.subarray(18))), data)).toBe(true);
  });
});

describe('none', () => {
  it('returns the bytes as they are, within maxOutputSize', () => {
    const data = logText(100);
    expect(same(noneCodec.compress(data), data)).toBe(true);
    expect(noneCodec.compress(data)).not.toBe(data);
    expect(noneCodec.decompress(data, { maxOutputSize: 100 })).toBe(data);
    expectCode(() => noneCodec.decompress(data, { maxOutputSize: 99 }), 'LIMIT_EXCEEDED');
  });
});
