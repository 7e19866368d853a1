/**
 * Runs inside Chromium, bundled for the browser with the library imported from the page's own
 * `./loki-chunk.js`: fetches every golden chunk from the test server, decodes it with the bundled library and
 * returns what Node compares with the sidecars (entry lists as SHA-256 of their sidecar JSON, so megabytes of
 * lines need not cross the DevTools protocol).
 */
import { httpSource, openChunk, readCheckpoint, readChunk, type Chunk, type LogEntry } from '../../../src/index.js';

/** One golden case to decode. */
export interface PageCase {
  case: string;
  kind: 'memchunk' | 'wrapped' | 'checkpoint';
  /** `wrapped`: the storage-wrapped file. */
  wrappedFile?: string;
  /** `checkpoint`: the head-block file. */
  headFile?: string;
}

/** A list of entries in sidecar JSON: its count and the SHA-256 of `JSON.stringify(list)`. */
export interface ListDigest {
  count: number;
  sha256: string;
}

/** What the page read from one case. */
export interface PageResult {
  case: string;
  error?: string;
  format?: number;
  encoding?: { id: number; name: string };
  blocks?: Array<{ offset: number; length: number; entryCount: number; mint: string; maxt: string; stored: string; ok: boolean }>;
  metasChecksum?: string;
  symbols?: number;
  forward?: ListDigest;
  backward?: ListDigest;
  /** `wrapped`: the wrapped file read the same way, and its header. */
  wrappedForward?: ListDigest;
  wrapper?: { userID: string; fingerprintHex: string; externalKey: string; labels: Record<string, string>; from: number; through: number };
  /** `checkpoint`: the pair read as MemchunkFromCheckpoint does. */
  checkpointForward?: ListDigest;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary);
}

/** The sidecar's entry JSON (`ts`, `line` or `lineBase64`, `structuredMetadata` when present), same key order. */
function sidecarEntry(entry: LogEntry): Record<string, unknown> {
  const out: Record<string, unknown> = { ts: entry.timestamp.toString() };
  try {
    out.line = strictUtf8.decode(entry.lineBytes);
  } catch {
    out.lineBase64 = base64(entry.lineBytes);
  }
  if (entry.structuredMetadata.length > 0) out.structuredMetadata = entry.structuredMetadata.map(([name, value]) => [name, value]);
  return out;
}

async function digest(entries: Iterable<LogEntry>): Promise<ListDigest> {
  const list = [...entries].map(sidecarEntry);
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(list)));
  return { count: list.length, sha256: [...new Uint8Array(hash)].map((byte) => byte.toString(16).padStart(2, '0')).join('') };
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const hex8 = (value: number): string => (value >>> 0).toString(16).padStart(8, '0');

function structure(chunk: Chunk): Pick<PageResult, 'format' | 'encoding' | 'blocks' | 'metasChecksum' | 'symbols'> {
  return {
    format: chunk.format,
    encoding: { ...chunk.encoding },
    blocks: chunk.blocks.map((block) => ({
      offset: block.offset,
      length: block.length,
      entryCount: block.entryCount,
      mint: block.mint.toString(),
      maxt: block.maxt.toString(),
      stored: hex8(block.checksum.stored),
      ok: block.checksum.ok,
    })),
    metasChecksum: hex8(chunk.metas.checksum.stored),
    symbols: chunk.symbols.length,
  };
}

async function checkCase(baseUrl: string, golden: PageCase): Promise<PageResult> {
  const result: PageResult = { case: golden.case };
  try {
    const fromCheckpoint = golden.kind === 'checkpoint';
    const bytes = await fetchBytes(`${baseUrl}${golden.case}.chunk`);
    const chunk = readChunk(bytes, { fromCheckpoint });
    Object.assign(result, structure(chunk));
    result.forward = await digest(chunk.entries());
    result.backward = await digest(chunk.entries({ direction: 'backward' }));
    if (golden.wrappedFile) {
      const wrapped = readChunk(await fetchBytes(`${baseUrl}${golden.wrappedFile}`));
      const wrapper = wrapped.wrapper;
      if (wrapper) {
        result.wrapper = {
          userID: wrapper.userID,
          fingerprintHex: wrapper.fingerprintHex,
          externalKey: wrapper.externalKey,
          labels: wrapper.labels,
          from: wrapper.from,
          through: wrapper.through,
        };
      }
      result.wrappedForward = await digest(wrapped.entries());
    }
    if (golden.headFile) {
      const { chunk: withHead } = readCheckpoint(bytes, await fetchBytes(`${baseUrl}${golden.headFile}`));
      result.checkpointForward = await digest(withHead.entries());
    }
  } catch (error) {
    result.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  return result;
}

/** Decodes every case in this page, one after the other. */
export async function checkGoldenCases(baseUrl: string, cases: PageCase[]): Promise<PageResult[]> {
  const results: PageResult[] = [];
  for (const golden of cases) results.push(await checkCase(baseUrl, golden));
  return results;
}

/** What {@link readByRanges} read. */
export interface RangeReadResult {
  forward?: ListDigest;
  bytesRead?: number;
  requests?: number;
  size?: number;
  error?: string;
}

/**
 * Reads a chunk by URL with the library's range reader exactly as an application would: `httpSource` with its
 * default (the browser's own) `fetch`, then `openChunk` and every entry.
 */
export async function readByRanges(url: string): Promise<RangeReadResult> {
  try {
    const source = await httpSource(url);
    const opened = await openChunk(source);
    const entries: LogEntry[] = [];
    for await (const entry of opened.entries()) entries.push(entry);
    return { forward: await digest(entries), bytesRead: source.bytesRead, requests: source.requests, size: source.size };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}
