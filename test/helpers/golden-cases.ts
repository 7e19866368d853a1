/**
 * Loads Loki's golden chunks (fixtures/golden, written by Loki's own Go code) and their sidecars, resolving
 * `$ref` lists, and converts our entries to the sidecars' entry JSON for comparison.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEntry } from '../../src/chunk/entry.js';

export const GOLDEN_DIR = join(__dirname, '..', '..', 'fixtures', 'golden');

/** The golden entry JSON. */
export interface GoldenEntry {
  ts: string;
  line?: string;
  lineBase64?: string;
  structuredMetadata?: Array<[string, string]>;
  structuredMetadataNormalized?: Array<[string, string]>;
  structuredMetadataQuery?: Array<[string, string]>;
  block?: number;
}

export interface GoldenBlock {
  numEntries: number;
  mint: string;
  maxt: string;
  offset: number;
  len: number;
  uncompressedSize: number;
  storedChecksum: string;
}

/** A sidecar with every `$ref` resolved. */
export interface GoldenCase {
  case: string;
  kind: 'memchunk' | 'wrapped' | 'checkpoint';
  format: number;
  encoding: { byte: number; name: string };
  headBlockFormat: { byte: number; name: string };
  blockSize: number;
  targetSize: number;
  closedBeforeSerialize: boolean;
  input: GoldenEntry[];
  appendResults?: Array<{ index: number; dup?: boolean; error?: string }>;
  expected: {
    forward: GoldenEntry[];
    backward: GoldenEntry[];
    blockOrder: GoldenEntry[] | { sameAsForward: true; count: number };
  };
  blocks: GoldenBlock[];
  metasOffset: number;
  metasLen: number;
  metasChecksum: string;
  structuredMetadataSection?: { offset: number; len: number; checksum: string; numSymbols: number };
  symbols?: string[];
  bytes: number;
  sha256: string;
  wrapped?: Record<string, unknown> & { file: string; fingerprint: string; userID: string; fromMs: number; throughMs: number; metric: Record<string, string>; checksum: string; externalKey: string; metadataLength: number; dataLength: number; dataOffset: number; headerJSON: string; encoding: number };
  checkpoint?: {
    headFile: string;
    expectedForwardAfterMemchunkFromCheckpoint: GoldenEntry[];
    newByteChunkResult: string;
  };
  sequence?: { group: string; part: number; parts: number };
  notes?: string[];
}

function resolveRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveRefs);
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (typeof object.$ref === 'string') {
      return JSON.parse(readFileSync(join(GOLDEN_DIR, object.$ref), 'utf8')) as unknown;
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, resolveRefs(v)]));
  }
  return value;
}

/** Every golden case, by name order. */
export function loadGoldenCases(): GoldenCase[] {
  return readdirSync(GOLDEN_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => resolveRefs(JSON.parse(readFileSync(join(GOLDEN_DIR, name), 'utf8'))) as GoldenCase);
}

/** The bytes of a file next to the sidecars. */
export function goldenBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(GOLDEN_DIR, file)));
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The golden `line`/`lineBase64` form of line bytes. */
export function goldenLine(bytes: Uint8Array): { line: string } | { lineBase64: string } {
  try {
    return { line: strictUtf8.decode(bytes) };
  } catch {
    return { lineBase64: Buffer.from(bytes).toString('base64') };
  }
}

/** Our entry in the golden JSON shape (ts, line or lineBase64, structuredMetadata when present). */
export function toGoldenEntry(entry: LogEntry): GoldenEntry {
  const out: GoldenEntry = { ts: entry.timestamp.toString(), ...goldenLine(entry.lineBytes) };
  if (entry.structuredMetadata.length > 0) out.structuredMetadata = entry.structuredMetadata.map(([n, v]) => [n, v]);
  return out;
}

/** A golden entry reduced to the fields {@link toGoldenEntry} produces (raw structured metadata). */
export function rawGoldenEntry(entry: GoldenEntry): GoldenEntry {
  const out: GoldenEntry = { ts: entry.ts };
  if (entry.line !== undefined) out.line = entry.line;
  if (entry.lineBase64 !== undefined) out.lineBase64 = entry.lineBase64;
  if (entry.structuredMetadata && entry.structuredMetadata.length > 0) out.structuredMetadata = entry.structuredMetadata;
  return out;
}

/** The sidecar's normalised structured metadata of an entry (absent = same as raw). */
export function normalizedMetadata(entry: GoldenEntry): Array<[string, string]> {
  return entry.structuredMetadataNormalized ?? entry.structuredMetadata ?? [];
}

/** The sidecar's query-pipeline structured metadata of an entry (absent = same as the normalised one). */
export function queryMetadata(entry: GoldenEntry): Array<[string, string]> {
  return entry.structuredMetadataQuery ?? normalizedMetadata(entry);
}

/** The blockOrder list, expanding `sameAsForward` with block indexes from the metas' entry counts. */
export function expandedBlockOrder(golden: GoldenCase): GoldenEntry[] {
  const order = golden.expected.blockOrder;
  if (Array.isArray(order)) return order;
  const out: GoldenEntry[] = [];
  let block = 0;
  let left = golden.blocks[0]?.numEntries ?? 0;
  for (const entry of golden.expected.forward) {
    while (left === 0) left = golden.blocks[++block]!.numEntries;
    out.push({ ...entry, block });
    left--;
  }
  return out;
}

export const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
