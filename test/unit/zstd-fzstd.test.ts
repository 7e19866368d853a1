import { describe, expect, it } from 'vitest';
import { decompress as fzstdDecompress } from 'fzstd';
import { isLokiChunkError } from '../../src/errors.js';
import { decompressWithFzstd } from '../../src/compression/zstd/fzstd-adapter.js';
import { goldenZstdStreams, sameBytes } from './zstd-golden-streams.js';

const LIMIT = { maxOutputSize: 64 << 20 };

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isLokiChunkError(error)).toBe(true);
    return (error as { code: string }).code;
  }
  return 'no error';
}

describe('fzstd adapter', () => {
  const streams = goldenZstdStreams();

  it('finds the golden zstd streams', () => {
    expect(streams.length).toBeGreaterThan(10);
  });

  it('decodes every golden zstd stream as fzstd does', () => {
    for (const stream of streams) {
      const output = decompressWithFzstd(stream.compressed, LIMIT);
      expect(sameBytes(output, fzstdDecompress(stream.compressed)), stream.name).toBe(true);
    }
  });

  it('refuses output beyond maxOutputSize, sized and unsized frames alike', () => {
    for (const stream of streams) {
      const size = decompressWithFzstd(stream.compressed, LIMIT).length;
      if (size === 0) continue;
      expect(errorCode(() => decompressWithFzstd(stream.compressed, { maxOutputSize: size - 1 })), stream.name).toBe(
        'LIMIT_EXCEEDED',
      );
      expect(decompressWithFzstd(stream.compressed, { maxOutputSize: size }).length).toBe(size);
    }
  });

  it('detects a corrupted content checksum', () => {
    for (const stream of streams) {
      const damaged = stream.compressed.slice();
      damaged[damaged.length - 1]! ^= 0x40;
      expect(errorCode(() => decompressWithFzstd(damaged, LIMIT)), stream.name).toBe('CHECKSUM_MISMATCH');
    }
  });

  it('raises only its own errors on truncated or damaged input', () => {
    for (const stream of streams.slice(0, 12)) {
      const original = decompressWithFzstd(stream.compressed, LIMIT);
      for (let cut = 0; cut < stream.compressed.length; cut += Math.max(1, stream.compressed.length >> 4)) {
        const code = errorCode(() => decompressWithFzstd(stream.compressed.subarray(0, cut), LIMIT));
        expect(['TRUNCATED', 'CORRUPT_STREAM', 'CHECKSUM_MISMATCH']).toContain(code);
      }
      for (let at = 0; at < stream.compressed.length; at += Math.max(1, stream.compressed.length >> 5)) {
        const damaged = stream.compressed.slice();
        damaged[at]! ^= 0x5a;
        let output: Uint8Array | undefined;
        const code = errorCode(() => (output = decompressWithFzstd(damaged, LIMIT)));
        // A damaged bit the format ignores (padding, an unused table bit) may still give the original back.
        if (code === 'no error') expect(sameBytes(output, original)).toBe(true);
        else expect(['TRUNCATED', 'CORRUPT_STREAM', 'CHECKSUM_MISMATCH', 'UNSUPPORTED', 'LIMIT_EXCEEDED']).toContain(code);
      }
    }
  });
});
