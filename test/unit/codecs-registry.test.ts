import { describe, expect, it } from 'vitest';
import { CodecId, type Codec } from '../../src/compression/codec.js';
import { BUILTIN_CODECS, createCodecRegistry, defaultCodecRegistry } from '../../src/compression/defaults.js';
import { CodecRegistry } from '../../src/compression/registry.js';
import { snappyCodec } from '../../src/compression/snappy/frame.js';
import * as publicApi from '../../src/index.js';

function errorOf(run: () => unknown): { code?: string; message?: string } {
  try {
    run();
  } catch (error) {
    return error as { code?: string; message?: string };
  }
  return {};
}

describe('codec registry', () => {
  it('finds every built-in codec by Loki codec byte and by name', () => {
    const registry = createCodecRegistry();
    const expected: Array<[number, string]> = [
      [0, 'none'],
      [1, 'gzip'],
      [3, 'lz4-64k'],
      [4, 'snappy'],
      [5, 'lz4-256k'],
      [6, 'lz4-1M'],
      [7, 'lz4'],
      [8, 'flate'],
      [9, 'zstd'],
    ];
    expect(registry.list().map((codec) => [codec.id, codec.name])).toEqual(expected);
    for (const [id, name] of expected) {
      expect(registry.get(id)).toBe(registry.get(name));
      expect(registry.get(id).id).toBe(CodecId[name as keyof typeof CodecId]);
    }
    expect(BUILTIN_CODECS).toHaveLength(9);
  });

  it('refuses dumb (2) and unknown codecs with UNSUPPORTED_ENCODING', () => {
    const registry = createCodecRegistry();
    expect(errorOf(() => registry.get(2))).toMatchObject({ code: 'UNSUPPORTED_ENCODING' });
    expect(errorOf(() => registry.get('dumb'))).toMatchObject({ code: 'UNSUPPORTED_ENCODING' });
    expect(errorOf(() => registry.get(42))).toMatchObject({ code: 'UNSUPPORTED_ENCODING' });
    expect(registry.find(2)).toBeUndefined();
    expect(errorOf(() => registry.register({ ...snappyCodec, id: 2 }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('verifies a round trip before registering a codec', () => {
    const registry = createCodecRegistry();
    const broken: Codec = { id: 200, name: 'broken', compress: (data) => data.slice(1), decompress: (data) => data };
    expect(errorOf(() => registry.register(broken))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const throwing: Codec = { ...broken, compress: () => { throw new Error('nope'); } };
    expect(errorOf(() => registry.register(throwing))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(registry.find(200)).toBeUndefined();
    // A working replacement for a built-in codec is accepted.
    const faster: Codec = { ...snappyCodec, name: 'snappy' };
    registry.register(faster);
    expect(registry.get(4)).toBe(faster);
    expect(createCodecRegistry().get(4)).toBe(snappyCodec);
  });

  it('shares one frozen default registry that cannot be mutated', () => {
    const shared = defaultCodecRegistry();
    expect(defaultCodecRegistry()).toBe(shared);
    expect(shared.isFrozen).toBe(true);
    const error = errorOf(() => shared.register({ ...snappyCodec }));
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(error.message).toMatch(/clone\(\)/);
    expect(shared.get(4)).toBe(snappyCodec);
    // Its clone and new registries are independent and mutable.
    const copy = shared.clone();
    expect(copy.isFrozen).toBe(false);
    const custom: Codec = { ...snappyCodec, id: 201, name: 'snappy-copy' };
    copy.register(custom);
    expect(copy.get('snappy-copy')).toBe(custom);
    expect(shared.find(201)).toBeUndefined();
    expect(createCodecRegistry()).not.toBe(createCodecRegistry());
    expect(new CodecRegistry().list()).toHaveLength(0);
  });

  it('is exported from the package entry point', () => {
    expect(publicApi.createCodecRegistry).toBe(createCodecRegistry);
    expect(publicApi.defaultCodecRegistry).toBe(defaultCodecRegistry);
    for (const name of ['noneCodec', 'gzipCodec', 'flateCodec', 'lz4Codec64k', 'lz4Codec256k', 'lz4Codec1M', 'lz4Codec4M', 'snappyCodec', 'zstdCodec']) {
      expect(publicApi, name).toHaveProperty(name);
    }
  });
});
