/**
 * chunkdump run as a process over every golden chunk: its `--json` output equals the sidecars written from Loki's
 * own reader (sections, blocks, checksums, symbols, entries forward, backward and normalised, wrapper headers).
 * Each comparison runs one process over all the files, so the whole matrix costs a handful of process starts.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expandedBlockOrder,
  goldenBytes,
  loadGoldenCases,
  normalizedMetadata,
  rawGoldenEntry,
  type GoldenCase,
  type GoldenEntry,
} from '../helpers/golden-cases.js';
import { buildCli, run, type BuiltCli } from './setup-build.js';

const cases = loadGoldenCases();
const chunkCases = cases.filter((golden) => golden.kind !== 'checkpoint');
const checkpointCases = cases.filter((golden) => golden.kind === 'checkpoint');
const wrappedCases = cases.filter((golden) => golden.kind === 'wrapped');
const path = (file: string) => `fixtures/golden/${file}`;

let cli: BuiltCli;
beforeAll(async () => {
  cli = await buildCli('chunkdump');
});
afterAll(() => cli?.remove());

type Json = Record<string, any>;

/** Runs chunkdump with `--json` over `files`; one parsed object per file, by file name. */
function dumpJSON(args: string[], files: string[]): { status: number | null; stderr: string; byFile: Map<string, Json> } {
  const result = run(cli, ['--json', ...args, ...files.map(path)]);
  const lines = result.stdout.split('\n').filter((line) => line !== '');
  const objects = lines.map((line) => JSON.parse(line) as Json);
  expect(objects.map((object) => object.file)).toEqual(files.map(path));
  return { status: result.status, stderr: result.stderr, byFile: new Map(objects.map((object) => [object.file as string, object])) };
}

/** The chunk part of the JSON that a sidecar pins down. */
function expectedChunkJSON(golden: GoldenCase): Json {
  const section = golden.structuredMetadataSection;
  return {
    ok: true,
    errors: [],
    format: golden.format,
    encoding: golden.encoding,
    metas: {
      offset: golden.metasOffset,
      length: golden.metasLen,
      blockCount: golden.blocks.length,
      checksum: { stored: golden.metasChecksum, computed: golden.metasChecksum, ok: true },
    },
    structuredMetadata: section
      ? {
          offset: section.offset,
          length: section.len,
          symbolCount: section.numSymbols,
          checksum: { stored: section.checksum, computed: section.checksum, ok: true },
          symbols: golden.symbols,
        }
      : null,
    blocks: golden.blocks.map((block, index) => ({
      index,
      offset: block.offset,
      length: block.len,
      entries: block.numEntries,
      mint: block.mint,
      maxt: block.maxt,
      uncompressedSize: block.uncompressedSize,
      checksum: { stored: block.storedChecksum, computed: block.storedChecksum, ok: true },
    })),
  };
}

/** The JSON without the fields a sidecar does not record (sizes after decompression, hashes). */
function comparable(object: Json): Json {
  const { file: _file, bytes: _bytes, wrapper: _wrapper, entries: _entries, ...rest } = object;
  return {
    ...rest,
    blocks: (object.blocks as Json[]).map(({ decompressedSize: _d, decodedEntries: _e, sha256: _s, ...block }) => block),
  };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Per block, the entries Loki's block iterator decodes (the sidecar's blockOrder). */
function decodedCounts(golden: GoldenCase): number[] {
  const counts = golden.blocks.map(() => 0);
  for (const entry of expandedBlockOrder(golden)) counts[entry.block!]!++;
  return counts;
}

describe('chunkdump --json over the golden chunks', () => {
  it(`sections, blocks, checksums, symbols, SHA-256s and forward entries of all ${chunkCases.length} chunks (one process)`, () => {
    const files = chunkCases.map((golden) => `${golden.case}.chunk`);
    const { status, stderr, byFile } = dumpJSON(['--blocks', '--symbols', '--lines'], files);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    for (const golden of chunkCases) {
      const object = byFile.get(path(`${golden.case}.chunk`))!;
      const bytes = goldenBytes(`${golden.case}.chunk`);
      expect(object.bytes, golden.case).toBe(golden.bytes);
      expect(object.wrapper, golden.case).toBeNull();
      expect(comparable(object), golden.case).toEqual(expectedChunkJSON(golden));
      expect(object.entries, golden.case).toEqual(golden.expected.forward.map(rawGoldenEntry));
      expect(object.blocks.map((block: Json) => block.decodedEntries), golden.case).toEqual(decodedCounts(golden));
      for (const block of object.blocks as Json[]) {
        expect(block.sha256.compressed).toBe(sha256(bytes.subarray(block.offset, block.offset + block.length)));
        expect(block.decompressedSize).toBeGreaterThanOrEqual(0);
        expect(block.sha256.decompressed).toMatch(/^[0-9a-f]{64}$/);
      }
    }
  });

  it('backward entries of every chunk (one process)', () => {
    const { status, byFile } = dumpJSON(['--lines', '--backward'], chunkCases.map((golden) => `${golden.case}.chunk`));
    expect(status).toBe(0);
    for (const golden of chunkCases) {
      const object = byFile.get(path(`${golden.case}.chunk`))!;
      expect(object.entries, golden.case).toEqual(golden.expected.backward.map(rawGoldenEntry));
    }
  });

  it('entries with structured-metadata names normalised as Loki reads them (one process)', () => {
    const { status, byFile } = dumpJSON(['--lines', '--normalize'], chunkCases.map((golden) => `${golden.case}.chunk`));
    expect(status).toBe(0);
    for (const golden of chunkCases) {
      const object = byFile.get(path(`${golden.case}.chunk`))!;
      const expected = golden.expected.forward.map((entry: GoldenEntry) => {
        const { structuredMetadata: _raw, ...rest } = rawGoldenEntry(entry);
        const pairs = normalizedMetadata(entry);
        return pairs.length > 0 ? { ...rest, structuredMetadata: pairs } : rest;
      });
      expect(object.entries, golden.case).toEqual(expected);
    }
  });

  it('storage-wrapped objects: the wrapper header, then the same chunk as the raw file', () => {
    const { status, byFile } = dumpJSON(['--symbols', '--lines'], wrappedCases.map((golden) => golden.wrapped!.file));
    expect(status).toBe(0);
    for (const golden of wrappedCases) {
      const sidecar = golden.wrapped!;
      const object = byFile.get(path(sidecar.file))!;
      expect(object.bytes).toBe(sidecar.bytes);
      expect(object.wrapper, golden.case).toEqual({
        userID: sidecar.userID,
        fingerprint: sidecar.fingerprint,
        fingerprintHex: sidecar.fingerprintHex,
        from: sidecar.fromMs,
        through: sidecar.throughMs,
        labels: sidecar.metric,
        encoding: sidecar.encoding,
        ingestedAt: 0,
        metadataLength: sidecar.metadataLength,
        dataOffset: sidecar.dataOffset,
        dataLength: sidecar.dataLength,
        checksum: sidecar.checksum,
        externalKey: sidecar.externalKey,
      });
      expect(comparable(object), golden.case).toEqual(expectedChunkJSON(golden));
      expect(object.entries, golden.case).toEqual(golden.expected.forward.map(rawGoldenEntry));
    }
  });

  it('WAL checkpoint chunks: read with --checkpoint as Loki reads them; without it, as NewByteChunk does', () => {
    const files = checkpointCases.map((golden) => `${golden.case}.chunk`);
    const withFlag = dumpJSON(['--checkpoint', '--symbols', '--lines'], files);
    expect(withFlag.status).toBe(0);
    const without = dumpJSON([], files);
    for (const golden of checkpointCases) {
      const object = withFlag.byFile.get(path(`${golden.case}.chunk`))!;
      expect(comparable(object), golden.case).toEqual(expectedChunkJSON(golden));
      expect(object.entries, golden.case).toEqual(golden.expected.forward.map(rawGoldenEntry));
      const plain = without.byFile.get(path(`${golden.case}.chunk`))!;
      const readable = golden.checkpoint!.newByteChunkResult === 'ok';
      expect(plain.ok, golden.case).toBe(readable);
      if (!readable) expect(plain.errors[0].message, golden.case).toMatch(/reads as the chunk of a WAL checkpoint: try --checkpoint\)$/);
    }
    expect(without.status).toBe(checkpointCases.every((golden) => golden.checkpoint!.newByteChunkResult === 'ok') ? 0 : 1);
  });

  it('reads standard input ("-") exactly as the file', () => {
    const file = 'matrix-v4-none.chunk';
    const fromFile = run(cli, ['--json', '-b', path(file)]);
    const fromStdin = run(cli, ['--json', '-b', '-'], { input: goldenBytes(file) });
    expect(fromStdin.status).toBe(0);
    expect({ ...JSON.parse(fromStdin.stdout), file: 'x' }).toEqual({ ...JSON.parse(fromFile.stdout), file: 'x' });
    expect(JSON.parse(fromStdin.stdout).file).toBe('-');
  });
});
