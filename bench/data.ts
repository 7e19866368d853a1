/**
 * The benchmark inputs: the 96,337 entries of `bench/data/bench-data.ndjson.gz`, the v4 snappy chunks Loki's Go
 * code wrote from them, Go's reference figures, and a 256 KiB block of log text for the codec cases.
 * Everything is loaded once, outside every timed region.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { compareUtf8 } from '../src/chunk/structured-metadata.js';

/** Where the data lives, relative to the repository root (the bundle runs from `.bench-work/`). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DATA_DIR = join(REPO_ROOT, 'bench', 'data');
export const GO_SNAPPY_DIR = join(DATA_DIR, 'chunks-snappy');

/** One benchmark entry, decoded from the golden entry JSON. */
export interface BenchEntry {
  timestamp: bigint;
  line: string;
  lineBytes: Uint8Array;
  structuredMetadata: Array<[string, string]>;
}

/** The entries and their totals. */
export interface BenchEntries {
  entries: BenchEntry[];
  /** Sum of line lengths in bytes (what every MB/s counts). */
  lineBytes: number;
  /**
   * SHA-256 of the canonical stream of entries as Loki stores them (pairs sorted by name in UTF-8 byte order,
   * stable), to check that a decoder returned exactly these.
   */
  digest: string;
}

/** One Go-written chunk file. */
export interface GoChunk {
  file: string;
  bytes: Uint8Array;
  firstEntry: number;
  entries: number;
}

/** Go's figures for one codec (`reference-go.json`, `results[]`). */
export interface GoCodecFigures {
  codec: string;
  chunks: number;
  blocks: number;
  compressedBytes: number;
  ratio: number;
  encodeMBps: number;
  decodeMBps: number;
  rawBlockDecodeMBps: number;
}

/** The Go reference run. */
export interface GoReference {
  go: string;
  gomaxprocs: number;
  entries: number;
  lineBytes: number;
  results: GoCodecFigures[];
}

const utf8 = new TextEncoder();

/**
 * Feeds one entry to a running SHA-256 in a canonical form: timestamp, line length and bytes, pairs. Used
 * on both sides (source data, decoded entries) so a decode case can prove it returned every entry unchanged.
 */
export class EntryDigest {
  private readonly hash = createHash('sha256');
  private readonly header = new DataView(new ArrayBuffer(16));
  count = 0;

  add(timestamp: bigint, lineBytes: Uint8Array, structuredMetadata: readonly (readonly [string, string])[]): void {
    this.header.setBigInt64(0, timestamp);
    this.header.setUint32(8, lineBytes.length);
    this.header.setUint32(12, structuredMetadata.length);
    this.hash.update(new Uint8Array(this.header.buffer));
    this.hash.update(lineBytes);
    for (const [name, value] of structuredMetadata) this.hash.update(`${name}\u0000${value}\u0000`);
    this.count++;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Pairs in the order Loki stores them: sorted by name in UTF-8 byte order; `sort` is stable, as Go's is. */
function storedOrder(pairs: Array<[string, string]>): Array<[string, string]> {
  return pairs.length < 2 ? pairs : [...pairs].sort(([a], [b]) => compareUtf8(a, b));
}

let entriesCache: BenchEntries | undefined;

/** The benchmark entries, parsed once. */
export function loadEntries(): BenchEntries {
  if (entriesCache) return entriesCache;
  const text = gunzipSync(readFileSync(join(DATA_DIR, 'bench-data.ndjson.gz'))).toString('utf8');
  const entries: BenchEntry[] = [];
  const digest = new EntryDigest();
  let lineBytes = 0;
  for (const row of text.split('\n')) {
    if (row === '') continue;
    const json = JSON.parse(row) as { ts: string; line?: string; lineBase64?: string; structuredMetadata?: Array<[string, string]> };
    const bytes = json.lineBase64 !== undefined ? new Uint8Array(Buffer.from(json.lineBase64, 'base64')) : utf8.encode(json.line ?? '');
    const line = json.line ?? Buffer.from(bytes).toString('utf8');
    const entry: BenchEntry = {
      timestamp: BigInt(json.ts),
      line,
      lineBytes: bytes,
      structuredMetadata: json.structuredMetadata ?? [],
    };
    entries.push(entry);
    lineBytes += bytes.length;
    digest.add(entry.timestamp, entry.lineBytes, storedOrder(entry.structuredMetadata));
  }
  entriesCache = { entries, lineBytes, digest: digest.digest() };
  return entriesCache;
}

/** The Go-written v4 snappy chunks, in manifest order. */
export function loadGoSnappyChunks(): GoChunk[] {
  const manifest = JSON.parse(readFileSync(join(GO_SNAPPY_DIR, 'manifest.json'), 'utf8')) as {
    chunks: Array<{ file: string; firstEntry: number; entries: number }>;
  };
  const present = new Set(readdirSync(GO_SNAPPY_DIR));
  return manifest.chunks
    .filter((chunk) => present.has(chunk.file))
    .map((chunk) => ({ ...chunk, bytes: new Uint8Array(readFileSync(join(GO_SNAPPY_DIR, chunk.file))) }));
}

/** Paths of the Go-written chunk files (for the whole-process `chunkdump` case). */
export function goSnappyChunkPaths(): string[] {
  return loadGoSnappyChunks().map((chunk) => join(GO_SNAPPY_DIR, chunk.file));
}

let referenceCache: GoReference | undefined;

/** Go's reference figures. */
export function loadGoReference(): GoReference {
  referenceCache ??= JSON.parse(readFileSync(join(DATA_DIR, 'reference-go.json'), 'utf8')) as GoReference;
  return referenceCache;
}

/** Go's figures for a codec name (Loki's name: `none`, `gzip`, `lz4-64k`, ..., `zstd`). */
export function goFigures(codec: string): GoCodecFigures | undefined {
  return loadGoReference().results.find((result) => result.codec === codec);
}

/** Exactly 256 KiB of log text: the benchmark lines joined by newlines, as one block of a chunk holds. */
export const BLOCK_TEXT_SIZE = 256 * 1024;
let blockTextCache: Uint8Array | undefined;

/** A 256 KiB block of log text (the first lines of the benchmark data). */
export function logTextBlock(): Uint8Array {
  if (blockTextCache) return blockTextCache;
  const out = new Uint8Array(BLOCK_TEXT_SIZE);
  let pos = 0;
  for (const entry of loadEntries().entries) {
    const room = BLOCK_TEXT_SIZE - pos;
    if (room <= 0) break;
    const take = Math.min(room, entry.lineBytes.length);
    out.set(entry.lineBytes.subarray(0, take), pos);
    pos += take;
    if (pos < BLOCK_TEXT_SIZE) out[pos++] = 0x0a;
  }
  blockTextCache = out;
  return out;
}

/** A short, stable fingerprint of bytes (for reports). */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
