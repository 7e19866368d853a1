import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decompress as fzstdDecompress } from 'fzstd';
import { isLokiChunkError } from '../../src/errors.js';
import { decompressZstd } from '../../src/compression/zstd/decode/decoder.js';
import { compressZstd } from '../../src/compression/zstd/encode/encoder.js';
import { goldenZstdStreams, sameBytes } from './zstd-golden-streams.js';
import { zstdFixtures } from './zstd-fixtures.js';

const LIMIT = { maxOutputSize: 64 << 20 };
const OWN_ERRORS = ['TRUNCATED', 'CORRUPT_STREAM', 'CHECKSUM_MISMATCH', 'LIMIT_EXCEEDED', 'UNSUPPORTED'];

/** The error code `fn` throws ('no error' if none); fails on anything but our own errors. */
function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (!isLokiChunkError(error)) throw error;
    return error.code;
  }
  return 'no error';
}

describe('zstd decoder', () => {
  it('decodes every golden zstd stream exactly as fzstd does', () => {
    const streams = goldenZstdStreams();
    expect(streams.length).toBeGreaterThan(10);
    for (const stream of streams) {
      expect(sameBytes(decompressZstd(stream.compressed, LIMIT), fzstdDecompress(stream.compressed)), stream.name).toBe(
        true,
      );
    }
  });

  it('decodes the reference encoder frames: every level, windows, no checksum or size, multiple and skippable frames', () => {
    const fixtures = zstdFixtures();
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
    for (const fixture of fixtures) {
      expect(sameBytes(decompressZstd(fixture.compressed, LIMIT), fixture.original), fixture.name).toBe(true);
    }
  });

  it('returns buffers of the caller, which later calls (smaller, larger or failing) leave alone', () => {
    // Output beyond the decoder's own buffer (2 MiB) and beyond what it keeps (4 MiB) included.
    const large = Uint8Array.from({ length: 5 << 20 }, (_, i) => (i * 7919) >>> 11);
    const fixtures = [...zstdFixtures(), { name: 'large', original: large, compressed: compressZstd(large) }];
    const outputs = fixtures.map((fixture) => decompressZstd(fixture.compressed, LIMIT));
    for (const fixture of [...fixtures].reverse()) {
      decompressZstd(fixture.compressed, LIMIT);
      errorCode(() => decompressZstd(fixture.compressed.subarray(0, fixture.compressed.length >> 1), LIMIT));
    }
    fixtures.forEach((fixture, i) => expect(sameBytes(outputs[i]!, fixture.original), fixture.name).toBe(true));
  });

  it('uses sizeHint only to size its buffer', () => {
    for (const fixture of zstdFixtures()) {
      for (const sizeHint of [1, fixture.original.length, fixture.original.length * 3]) {
        const output = decompressZstd(fixture.compressed, { ...LIMIT, sizeHint });
        expect(sameBytes(output, fixture.original), fixture.name).toBe(true);
      }
    }
  });

  it('refuses output beyond maxOutputSize, whether or not frames declare their size', () => {
    for (const fixture of zstdFixtures()) {
      const size = fixture.original.length;
      if (size === 0) continue;
      expect(errorCode(() => decompressZstd(fixture.compressed, { maxOutputSize: size - 1 })), fixture.name).toBe(
        'LIMIT_EXCEEDED',
      );
      expect(decompressZstd(fixture.compressed, { maxOutputSize: size }).length).toBe(size);
    }
  });

  it('verifies content checksums', () => {
    const fixture = zstdFixtures().find((each) => each.name === 'logs.l3.zst')!;
    const damaged = fixture.compressed.slice();
    damaged[damaged.length - 2]! ^= 1;
    expect(errorCode(() => decompressZstd(damaged, LIMIT))).toBe('CHECKSUM_MISMATCH');
  });

  it('reports truncation at every cut as TRUNCATED or CORRUPT_STREAM', () => {
    for (const fixture of zstdFixtures().filter((each) => each.compressed.length < 2100)) {
      for (let cut = 0; cut < fixture.compressed.length; cut++) {
        const code = errorCode(() => decompressZstd(fixture.compressed.subarray(0, cut), LIMIT));
        // Cutting a trailing skippable frame or whole frames off can leave a valid stream.
        if (code === 'no error') continue;
        expect(['TRUNCATED', 'CORRUPT_STREAM', 'CHECKSUM_MISMATCH'], `${fixture.name} cut at ${cut}`).toContain(code);
      }
    }
  });

  it('raises only its own errors on damaged input, and keeps working afterwards', () => {
    const fixtures = zstdFixtures().filter((each) => each.compressed.length < 40000);
    fc.assert(
      fc.property(
        fc.nat(fixtures.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (index, edits) => {
          const fixture = fixtures[index]!;
          const damaged = fixture.compressed.slice();
          for (const [at, flip] of edits) damaged[at % damaged.length]! ^= flip;
          let output: Uint8Array | undefined;
          const code = errorCode(() => (output = decompressZstd(damaged, LIMIT)));
          if (code !== 'no error') expect(OWN_ERRORS).toContain(code);
          // With a checksum, what decodes is the original (the damage hit bits the format ignores).
          else if (!fixture.name.includes('nocheck')) expect(sameBytes(output, fixture.original)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
    const fixture = fixtures[0]!;
    expect(sameBytes(decompressZstd(fixture.compressed, LIMIT), fixture.original)).toBe(true);
  });

  it('rejects malformed frames with precise codes', () => {
    const frame = zstdFixtures().find((each) => each.name === 'logs4k.l3.zst')!.compressed;
    expect(errorCode(() => decompressZstd(new Uint8Array(0), LIMIT))).toBe('TRUNCATED');
    expect(errorCode(() => decompressZstd(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), LIMIT))).toBe('CORRUPT_STREAM');
    const reserved = frame.slice();
    reserved[4]! |= 0x08;
    expect(errorCode(() => decompressZstd(reserved, LIMIT))).toBe('CORRUPT_STREAM');
    // A 1-byte dictionary id: the descriptor's low bits say 1, and the byte follows the descriptor.
    const withDictionary = new Uint8Array(frame.length + 1);
    withDictionary.set(frame.subarray(0, 5));
    withDictionary[4]! |= 1;
    withDictionary[5] = 7;
    withDictionary.set(frame.subarray(5), 6);
    expect(errorCode(() => decompressZstd(withDictionary, LIMIT))).toBe('UNSUPPORTED');
    // Block type 3 is reserved: an empty single-segment frame whose only block has it.
    const reservedBlock = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00, 0x07, 0x00, 0x00);
    expect(errorCode(() => decompressZstd(reservedBlock, LIMIT))).toBe('CORRUPT_STREAM');
    // A frame declaring 5 bytes whose raw block holds 3.
    const shortFrame = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x05, 0x19, 0x00, 0x00, 0x61, 0x62, 0x63);
    expect(errorCode(() => decompressZstd(shortFrame, LIMIT))).toBe('CORRUPT_STREAM');
    const exactFrame = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x03, 0x19, 0x00, 0x00, 0x61, 0x62, 0x63);
    expect(decompressZstd(exactFrame, LIMIT)).toEqual(Uint8Array.of(0x61, 0x62, 0x63));
  });
});
