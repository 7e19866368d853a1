import { describe, expect, it } from 'vitest';
import { CodecRegistry } from '../../src/compression/registry.js';
import { createZstdCodec, fzstdCodec, zstdCodec } from '../../src/compression/zstd/index.js';
import { isLokiChunkError } from '../../src/errors.js';
import { goldenZstdStreams, sameBytes } from './zstd-golden-streams.js';

const LIMIT = { maxOutputSize: 64 << 20 };

describe('zstd codecs', () => {
  it('are Loki codec 9, "zstd", and pass the registry self-test', () => {
    for (const codec of [zstdCodec, fzstdCodec, createZstdCodec('strong')]) {
      expect(codec.id).toBe(9);
      expect(codec.name).toBe('zstd');
      expect(new CodecRegistry().register(codec).get(9)).toBe(codec);
    }
  });

  it('decode each other and the golden streams identically', () => {
    const text = new TextEncoder().encode('level=info msg="hello" '.repeat(5000));
    for (const writer of [zstdCodec, createZstdCodec('strong')]) {
      const frame = writer.compress(text);
      expect(sameBytes(zstdCodec.decompress(frame, LIMIT), text)).toBe(true);
      expect(sameBytes(fzstdCodec.decompress(frame, LIMIT), text)).toBe(true);
    }
    for (const stream of goldenZstdStreams()) {
      const ours = zstdCodec.decompress(stream.compressed, LIMIT);
      expect(sameBytes(ours, fzstdCodec.decompress(stream.compressed, LIMIT)), stream.name).toBe(true);
    }
  });

  it('raise LIMIT_EXCEEDED past maxOutputSize', () => {
    const frame = zstdCodec.compress(new Uint8Array(10_000));
    for (const codec of [zstdCodec, fzstdCodec]) {
      try {
        codec.decompress(frame, { maxOutputSize: 9_999 });
        expect.unreachable();
      } catch (error) {
        expect(isLokiChunkError(error) && error.code).toBe('LIMIT_EXCEEDED');
      }
    }
  });
});
