/**
 * Checksum and codec cases on one 256 KiB block of log text: CRC-32C, then every registered codec's compress
 * and decompress, with `node:zlib` (native C) beside gzip and flate as the bound of what is reachable.
 */
import { deflateRawSync, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import { crc32c } from '../src/checksum/crc32c.js';
import type { Codec } from '../src/compression/codec.js';
import { defaultCodecRegistry } from '../src/compression/defaults.js';
import { fzstdCodec } from '../src/compression/zstd/index.js';
import { BLOCK_TEXT_SIZE, logTextBlock } from './data.js';
import type { BenchCase } from './harness.js';

/** Go's `compress/gzip` and `compress/flate` default level, which Loki's pools use. */
const GO_DEFAULT_LEVEL = 6;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** CRC-32C over 256 KiB. */
export function checksumCases(): BenchCase[] {
  let block: Uint8Array = new Uint8Array(0);
  return [
    {
      name: 'crc32c/256KiB',
      work: { bytes: BLOCK_TEXT_SIZE },
      setup: () => {
        block = logTextBlock();
        if (crc32c(new TextEncoder().encode('123456789')) !== 0xe3069283) throw new Error('crc32c check value is wrong');
      },
      run: () => crc32c(block),
    },
  ];
}

/** Compress and decompress cases for one codec. */
function casesFor(codec: Codec): BenchCase[] {
  let block: Uint8Array = new Uint8Array(0);
  let compressed: Uint8Array = new Uint8Array(0);
  const prepare = (): Record<string, number | string> => {
    block = logTextBlock();
    compressed = codec.compress(block);
    const back = codec.decompress(compressed, { maxOutputSize: block.length * 2, sizeHint: block.length });
    if (!sameBytes(back, block)) throw new Error(`codec ${codec.name} does not round-trip the log text block`);
    return { compressedBytes: compressed.length, ratio: +(block.length / compressed.length).toFixed(3) };
  };
  const cases: BenchCase[] = [
    {
      name: `codec/${codec.name}/compress`,
      work: { bytes: BLOCK_TEXT_SIZE },
      setup: prepare,
      run: () => codec.compress(block),
    },
    {
      name: `codec/${codec.name}/decompress`,
      work: { bytes: BLOCK_TEXT_SIZE },
      setup: prepare,
      run: () => codec.decompress(compressed, { maxOutputSize: BLOCK_TEXT_SIZE * 2, sizeHint: BLOCK_TEXT_SIZE }),
    },
  ];
  if (codec.name === 'zstd') {
    // The same frames through fzstd: the third-party decoder ours replaced.
    cases.push({
      name: 'codec/zstd/decompress-fzstd',
      work: { bytes: BLOCK_TEXT_SIZE },
      setup: () => {
        const facts = prepare();
        const back = fzstdCodec.decompress(compressed, { maxOutputSize: BLOCK_TEXT_SIZE * 2 });
        if (!sameBytes(back, block)) throw new Error('fzstd does not decode our zstd frames back');
        return facts;
      },
      run: () => fzstdCodec.decompress(compressed, { maxOutputSize: BLOCK_TEXT_SIZE * 2, sizeHint: BLOCK_TEXT_SIZE }),
    });
  }
  return cases;
}

/** `node:zlib` in the same run: the native bound for gzip and flate (raw deflate, as Go's `compress/flate`). */
function nativeZlibCases(): BenchCase[] {
  const variants = [
    { name: 'gzip', compress: gzipSync, decompress: gunzipSync },
    { name: 'flate', compress: deflateRawSync, decompress: inflateRawSync },
  ] as const;
  return variants.flatMap((variant) => {
    let block: Uint8Array = new Uint8Array(0);
    let compressed: Uint8Array = new Uint8Array(0);
    const prepare = (): Record<string, number> => {
      block = logTextBlock();
      compressed = variant.compress(block, { level: GO_DEFAULT_LEVEL });
      return { compressedBytes: compressed.length, ratio: +(block.length / compressed.length).toFixed(3) };
    };
    return [
      {
        name: `codec/${variant.name}/compress-node-zlib`,
        work: { bytes: BLOCK_TEXT_SIZE },
        setup: prepare,
        run: () => variant.compress(block, { level: GO_DEFAULT_LEVEL }),
      },
      {
        name: `codec/${variant.name}/decompress-node-zlib`,
        work: { bytes: BLOCK_TEXT_SIZE },
        setup: prepare,
        run: () => variant.decompress(compressed),
      },
    ];
  });
}

/** Every registered codec, then the native zlib bound. */
export function codecCases(): BenchCase[] {
  const registered = defaultCodecRegistry().list();
  const cases = registered.flatMap(casesFor);
  const names = new Set(registered.map((codec) => codec.name));
  // The native bound sits right after the codec it bounds, when that codec exists.
  for (const native of nativeZlibCases()) {
    const codecName = native.name.split('/')[1]!;
    const lastOfCodec = cases.map((c) => c.name.split('/')[1]).lastIndexOf(codecName);
    if (names.has(codecName) && lastOfCodec >= 0) cases.splice(lastOfCodec + 1, 0, native);
    else cases.push(native);
  }
  return cases;
}
