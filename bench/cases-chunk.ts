/**
 * Whole-chunk cases on the benchmark data, per codec: encode every entry into v4 chunks with the ingester
 * defaults (as Go's encode figure), decode every entry of every chunk (as Go's block decoder figure), the same
 * with the line decoded to a string, and a time-range query that touches one block.
 */
import { readChunk, type Chunk } from '../src/chunk/chunk.js';
import { encodeChunksSync } from '../src/chunk/encode-chunks.js';
import type { EntryInput } from '../src/chunk/entry-input.js';
import { createCodecRegistry, defaultCodecRegistry } from '../src/compression/defaults.js';
import type { CodecRegistry } from '../src/compression/registry.js';
import { fzstdCodec } from '../src/compression/zstd/index.js';
import { createNodeCodecRegistry } from '../src/node.js';
import { EntryDigest, goFigures, loadEntries, loadGoSnappyChunks } from './data.js';
import type { BenchCase } from './harness.js';

/** Loki's ingester defaults, which the reference used: v4, 256 KiB blocks, 1.5 MiB target size. */
const INGESTER_DEFAULTS = { format: 4, blockSize: 256 * 1024, targetSize: 1536 * 1024 } as const;

/** Timed runs of a whole-chunk case: 5, as the reference (each run takes 0.05-2 s). */
const WHOLE_CHUNK_RUNS = 5;
/**
 * Warm-up calls of a whole-chunk case. Measured on encode/none: the first calls after setup ran 2x slower than
 * the steady state (259, 217, 172, 155, 123 ms) with a 300 ms warm-up; after 6 calls the runs agree.
 */
const WHOLE_CHUNK_WARMUP_CALLS = 6;

/** Go's tolerance on compressed size in the targets: 5%, 15% for zstd. */
function sizeTolerance(codec: string): number {
  return codec === 'zstd' ? 0.15 : 0.05;
}

/** A set of chunks of one codec, and where they came from. */
export interface ChunkSet {
  /** Loki's codec name. */
  codec: string;
  /** `go` for the chunks Loki's Go code wrote, `ours` for chunks our writer made. */
  origin: 'go' | 'ours';
  /** The chunk bytes (loaded or encoded on first use, then shared by the cases). */
  chunks: () => Uint8Array[];
  /** Codecs to read with, when not the default registry, and the name suffix saying so. */
  codecs?: { registry: CodecRegistry; label: string };
}

/**
 * Reads every chunk and touches every entry's timestamp, line bytes and structured metadata; with `withLines`,
 * also decodes each line to a string, as a caller printing lines would.
 */
function decodeAll(chunks: readonly Uint8Array[], codecs: CodecRegistry, withLines: boolean): number {
  let touched = 0;
  let latest = 0n;
  for (const bytes of chunks) {
    for (const entry of readChunk(bytes, { codecs }).entries()) {
      if (entry.timestamp > latest) latest = entry.timestamp;
      touched += (withLines ? entry.line.length : entry.lineBytes.length) + entry.structuredMetadata.length;
    }
  }
  return touched + Number(latest & 1n);
}

const checked = new WeakMap<readonly Uint8Array[], Record<string, number>>();

/**
 * Go's "block decode" scope: the chunks are already read (sections parsed, block checksums verified, as Loki's
 * `NewByteChunk` does before its block iterator runs); the timed part decompresses and parses every block.
 */
function decodeBlocks(chunks: readonly Chunk[]): number {
  let touched = 0;
  let latest = 0n;
  for (const chunk of chunks) {
    for (const block of chunk.blocks) {
      for (const entry of block.decode()) {
        if (entry.timestamp > latest) latest = entry.timestamp;
        touched += entry.lineBytes.length + entry.structuredMetadata.length;
      }
    }
  }
  return touched + Number(latest & 1n);
}

/** Proves the chunks hold exactly the benchmark entries, in order (once per set of chunks). */
function checkDecodesEverything(chunks: readonly Uint8Array[], label: string): Record<string, number> {
  let facts = checked.get(chunks);
  if (!facts) {
    facts = decodeAndCompare(chunks, label);
    checked.set(chunks, facts);
  }
  return { ...facts };
}

function decodeAndCompare(chunks: readonly Uint8Array[], label: string): Record<string, number> {
  const expected = loadEntries();
  const digest = new EntryDigest();
  let blocks = 0;
  for (const bytes of chunks) {
    const chunk = readChunk(bytes);
    blocks += chunk.blocks.length;
    for (const entry of chunk.entries()) digest.add(entry.timestamp, entry.lineBytes, entry.structuredMetadata);
  }
  if (digest.count !== expected.entries.length || digest.digest() !== expected.digest) {
    throw new Error(`${label}: decoded ${digest.count} entries that differ from the benchmark data`);
  }
  return { chunks: chunks.length, blocks, chunkBytes: chunks.reduce((sum, bytes) => sum + bytes.length, 0) };
}

/** Decode cases for one set of chunks; `withLines: false` leaves out the line-string variant. */
export function decodeCases(set: ChunkSet, withLines = true): BenchCase[] {
  const go = goFigures(set.codec);
  const suffix = [set.codec, set.origin === 'go' ? 'go' : '', set.codecs?.label ?? ''].filter(Boolean).join('-');
  const codecs = set.codecs?.registry ?? defaultCodecRegistry();
  let chunks: Uint8Array[] = [];
  const prepare = (): Record<string, number> => {
    chunks = set.chunks();
    return checkDecodesEverything(chunks, `${set.origin} ${set.codec} chunks`);
  };
  const work = () => ({ bytes: loadEntries().lineBytes, items: loadEntries().entries.length });
  let opened: Chunk[] = [];
  const cases: BenchCase[] = [
    {
      name: `chunk/block-decode/${suffix}`,
      work,
      runs: WHOLE_CHUNK_RUNS,
      warmupCalls: WHOLE_CHUNK_WARMUP_CALLS,
      setup: () => {
        const facts = prepare();
        opened = chunks.map((bytes) => readChunk(bytes, { codecs }));
        return facts;
      },
      run: () => decodeBlocks(opened),
      ...(go ? { reference: { mbps: go.rawBlockDecodeMBps, label: 'block decode' } } : {}),
    },
    {
      // The whole read from bytes: chunk parsing, every block checksum and Loki's entry order on top of the above.
      name: `chunk/decode/${suffix}`,
      work,
      runs: WHOLE_CHUNK_RUNS,
      warmupCalls: WHOLE_CHUNK_WARMUP_CALLS,
      setup: prepare,
      run: () => decodeAll(chunks, codecs, false),
      ...(go ? { reference: { mbps: go.rawBlockDecodeMBps, label: 'block decode (Go: no parse/CRC)' } } : {}),
    },
    {
      name: `chunk/decode-lines/${suffix}`,
      work,
      runs: WHOLE_CHUNK_RUNS,
      warmupCalls: WHOLE_CHUNK_WARMUP_CALLS,
      setup: prepare,
      run: () => decodeAll(chunks, codecs, true),
      ...(go ? { reference: { mbps: go.decodeMBps, label: 'full iterator' } } : {}),
    },
  ];
  return withLines ? cases : cases.slice(0, 2);
}

let writerInput: EntryInput[] | undefined;

/** The benchmark entries as the writer takes them: line as a string, as Go's `logproto.Entry` holds it. */
function entriesToWrite(): EntryInput[] {
  writerInput ??= loadEntries().entries.map((entry) => ({
    timestamp: entry.timestamp,
    line: entry.line,
    structuredMetadata: entry.structuredMetadata,
  }));
  return writerInput;
}

/** Encodes every benchmark entry with `codec` (from `codecs`, default the built-in registry); returns the chunk bytes. */
function encodeAll(codec: string, codecs?: ChunkSet['codecs']): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (const chunk of encodeChunksSync(entriesToWrite(), encodeOptions(codec, codecs))) chunks.push(chunk.bytes);
  return chunks;
}

/**
 * The timed encode: every chunk is made, then let go, as a writer streaming chunks to storage does (the chunk
 * size sum is the result). Keeping 25 MB of chunks per call instead bills each call a mark-compact of the
 * benchmark's own data (~100 ms of CPU every other call), which is not the encoder's cost.
 */
function encodeStreaming(codec: string, codecs?: ChunkSet['codecs']): number {
  let total = 0;
  for (const chunk of encodeChunksSync(entriesToWrite(), encodeOptions(codec, codecs))) total += chunk.bytes.length;
  return total;
}

function encodeOptions(codec: string, codecs?: ChunkSet['codecs']) {
  return { ...INGESTER_DEFAULTS, encoding: codec, codecs: codecs?.registry };
}

const encodedCache = new Map<string, Uint8Array[]>();

/** Our chunks for `codec`, encoded once and shared by the decode cases. */
function oursEncoded(codec: string, codecs?: ChunkSet['codecs']): Uint8Array[] {
  const key = [codec, codecs?.label ?? ''].join('-');
  let chunks = encodedCache.get(key);
  if (!chunks) {
    chunks = encodeAll(codec, codecs);
    encodedCache.set(key, chunks);
  }
  return chunks;
}

/**
 * Encode every benchmark entry with one codec: chunk count, size and ratio beside Go's. With `codecs`, the codec
 * comes from that registry and the case name has its label.
 */
export function encodeCase(codec: string, codecs?: ChunkSet['codecs']): BenchCase {
  const go = goFigures(codec);
  return {
    name: `chunk/encode/${[codec, codecs?.label ?? ''].filter(Boolean).join('-')}`,
    work: () => ({ bytes: loadEntries().lineBytes, items: loadEntries().entries.length }),
    runs: WHOLE_CHUNK_RUNS,
    warmupCalls: WHOLE_CHUNK_WARMUP_CALLS,
    setup: () => {
      const chunks = oursEncoded(codec, codecs);
      const facts: Record<string, number | string> = checkDecodesEverything(chunks, `our ${codec} chunks`);
      const total = chunks.reduce((sum, bytes) => sum + bytes.length, 0);
      facts.ratio = +(loadEntries().lineBytes / total).toFixed(3);
      if (go) {
        const delta = total / go.compressedBytes - 1;
        facts.goChunks = go.chunks;
        facts.goBytes = go.compressedBytes;
        facts.sizeVsGo = `${delta >= 0 ? '+' : ''}${(delta * 100).toFixed(2)}%${Math.abs(delta) <= sizeTolerance(codec) ? '' : ' (outside target)'}`;
      }
      return facts;
    },
    run: () => encodeStreaming(codec, codecs),
    ...(go ? { reference: { mbps: go.encodeMBps, label: 'encode' } } : {}),
  };
}

/** Our own chunks for `codec` as a chunk set. */
export function oursChunkSet(codec: string): ChunkSet {
  return { codec, origin: 'ours', chunks: () => oursEncoded(codec) };
}

/** Encode, decode and decode-lines for every registered codec, in Loki's codec-byte order. */
export function codecChunkCases(): BenchCase[] {
  return defaultCodecRegistry()
    .list()
    .flatMap((codec) => [encodeCase(codec.name), ...decodeCases(oursChunkSet(codec.name))]);
}

let goSnappyBytes: Uint8Array[] | undefined;

/** The Go-written snappy chunks as a chunk set. */
export const GO_SNAPPY: ChunkSet = {
  codec: 'snappy',
  origin: 'go',
  chunks: () => (goSnappyBytes ??= loadGoSnappyChunks().map((chunk) => chunk.bytes)),
};

/** gzip and flate over `node:zlib` (the Node entry point's registry): encode, and our chunks decoded. */
export function nodeZlibChunkCases(): BenchCase[] {
  const codecs = { registry: createNodeCodecRegistry(), label: 'node' };
  return ['gzip', 'flate'].flatMap((codec) => [
    encodeCase(codec, codecs),
    ...decodeCases({ codec, origin: 'ours', chunks: () => oursEncoded(codec), codecs }, false),
  ]);
}

/** Our zstd chunks read through fzstd instead of our decoder: the third-party decoder the issue measured. */
export const OURS_ZSTD_VIA_FZSTD: ChunkSet = {
  codec: 'zstd',
  origin: 'ours',
  chunks: () => oursEncoded('zstd'),
  codecs: { registry: createCodecRegistry().register(fzstdCodec, { verify: false }), label: 'fzstd' },
};

/** A `[from, through)` range that selects exactly one block of `chunk` (the middle one), or throws. */
function oneBlockRange(chunk: Chunk): { from: bigint; through: bigint; block: number } {
  const blocks = chunk.blocks;
  for (let offset = 0; offset < blocks.length; offset++) {
    const index = (blocks.length >> 1) + (offset % 2 === 0 ? offset / 2 : -(offset + 1) / 2);
    const block = blocks[index];
    if (!block) continue;
    const previous = blocks[index - 1];
    const next = blocks[index + 1];
    // Loki selects a block unless `through < mint || maxt < from`; keep the neighbours strictly outside.
    if ((previous && previous.maxt >= block.mint) || (next && next.mint <= block.maxt)) continue;
    return { from: block.mint, through: block.maxt, block: index };
  }
  throw new Error('no block of the chunk can be selected alone');
}

/** A time-range query touching one block of one Go-written chunk: read the chunk, iterate the range. */
export function queryCases(): BenchCase[] {
  let bytes: Uint8Array = new Uint8Array(0);
  let range = { from: 0n, through: 0n, block: 0 };
  let returned = 0;
  let returnedBytes = 0;
  const query = (): number => {
    let touched = 0;
    for (const entry of readChunk(bytes).entries({ from: range.from, through: range.through })) {
      touched += entry.lineBytes.length + entry.structuredMetadata.length;
    }
    return touched;
  };
  return [
    {
      name: 'query/one-block/snappy-go',
      work: () => ({ items: returned, bytes: returnedBytes }),
      setup: () => {
        const chunks = loadGoSnappyChunks();
        const middle = chunks[chunks.length >> 1];
        if (!middle) throw new Error('no Go-written chunks');
        bytes = middle.bytes;
        const chunk = readChunk(bytes);
        range = oneBlockRange(chunk);
        returned = 0;
        returnedBytes = 0;
        for (const entry of chunk.entries({ from: range.from, through: range.through })) {
          returned++;
          returnedBytes += entry.lineBytes.length;
        }
        // `through` is exclusive: the block's last timestamp is left out, so a few entries fewer than the block.
        if (returned === 0 || returned > chunk.blocks[range.block]!.entryCount) throw new Error('query returned the wrong entries');
        return { file: middle.file, block: range.block, of: chunk.blocks.length, entries: returned };
      },
      run: query,
    },
  ];
}
