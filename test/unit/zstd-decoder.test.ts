import { describe, expect, it } from 'vitest';
import { decompress as fzstdDecompress } from 'fzstd';
import { isLokiChunkError } from '../../src/errors.js';
import { decompressZstd } from '../../src/compression/zstd/decoder.js';
import { goldenZstdStreams, sameBytes } from './zstd-golden-streams.js';

const LIMIT = { maxOutputSize: 64 << 20 };

describe('zstd decoder on golden chunks', () => {
  it('decodes every golden zstd stream exactly as fzstd does', () => {
    for (const stream of goldenZstdStreams()) {
      let output: Uint8Array | undefined;
      try {
        output = decompressZstd(stream.compressed, LIMIT);
      } catch (error) {
        throw new Error(`${stream.name}: ${String(error)}`);
      }
      expect(sameBytes(output, fzstdDecompress(stream.compressed)), stream.name).toBe(true);
    }
  });
});
