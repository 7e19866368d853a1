/**
 * The acceptance test of the reader: for every chunk Loki's Go code wrote, we read exactly what Loki's reader
 * returns (sidecar `expected.*`, block metas, symbols, checksums).
 */
import { describe, expect, it } from 'vitest';
import { readChunk } from '../../src/chunk/chunk.js';
import { readCheckpoint } from '../../src/chunk/checkpoint.js';
import { queryStructuredMetadata } from '../../src/chunk/structured-metadata.js';
import {
  expandedBlockOrder,
  goldenBytes,
  hex8,
  loadGoldenCases,
  normalizedMetadata,
  queryMetadata,
  rawGoldenEntry,
  toGoldenEntry,
  type GoldenCase,
} from '../helpers/golden-cases.js';

const cases = loadGoldenCases();

describe('golden chunks: the reader returns what Loki reads', () => {
  it('has every golden case', () => {
    expect(cases.length).toBe(109);
  });

  describe.each(cases.map((golden) => [golden.case, golden] as const))('%s', (_name, golden: GoldenCase) => {
    const fromCheckpoint = golden.kind === 'checkpoint';
    const bytes = goldenBytes(`${golden.case}.chunk`);
    const chunk = () => readChunk(bytes, { fromCheckpoint });

    it('header, metas, checksums and symbols', () => {
      const c = chunk();
      expect(bytes.length).toBe(golden.bytes);
      expect(c.format).toBe(golden.format);
      expect(c.encoding).toEqual({ id: golden.encoding.byte, name: golden.encoding.name });
      expect(c.headBlockFormat).toEqual({ id: golden.headBlockFormat.byte, name: golden.headBlockFormat.name });
      expect(c.metas.offset).toBe(golden.metasOffset);
      expect(c.metas.length).toBe(golden.metasLen);
      expect(hex8(c.metas.checksum.stored)).toBe(golden.metasChecksum);
      expect(c.metas.checksum.ok).toBe(true);
      expect(
        c.blocks.map((b) => ({
          numEntries: b.entryCount,
          mint: b.mint.toString(),
          maxt: b.maxt.toString(),
          offset: b.offset,
          len: b.length,
          uncompressedSize: b.uncompressedSize,
          storedChecksum: hex8(b.checksum.stored),
        })),
      ).toEqual(golden.blocks);
      expect(c.blocks.every((b) => b.checksum.ok)).toBe(true);
      if (golden.structuredMetadataSection) {
        const sm = golden.structuredMetadataSection;
        expect(c.structuredMetadata).toMatchObject({ offset: sm.offset, length: sm.len, symbolCount: sm.numSymbols });
        expect(hex8(c.structuredMetadata!.checksum.stored)).toBe(sm.checksum);
        expect(c.structuredMetadata!.checksum.ok).toBe(true);
        expect(c.symbols).toEqual(golden.symbols);
      } else {
        expect(c.structuredMetadata).toBeNull();
        expect(c.symbols).toEqual([]);
      }
    });

    it('forward entries', () => {
      const forward = [...chunk().entries()];
      expect(forward.map(toGoldenEntry)).toEqual(golden.expected.forward.map(rawGoldenEntry));
    });

    it('backward entries', () => {
      const backward = [...chunk().entries({ direction: 'backward' })];
      expect(backward.map(toGoldenEntry)).toEqual(golden.expected.backward.map(rawGoldenEntry));
    });

    it('per-block entries in stored order', () => {
      const blockOrder = chunk().blocks.flatMap((block) => block.decode().map((e) => ({ ...toGoldenEntry(e), block: block.index })));
      expect(blockOrder).toEqual(expandedBlockOrder(golden).map((e) => ({ ...rawGoldenEntry(e), block: e.block })));
    });

    it('structured metadata normalised as Loki reads it, and as its query pipeline returns it', () => {
      const c = chunk();
      const normalized = [...c.entries({ normalizeNames: true })].map((e) => e.structuredMetadata);
      expect(normalized).toEqual(golden.expected.forward.map(normalizedMetadata));
      const query = [...c.entries()].map((e) => queryStructuredMetadata(e.structuredMetadata));
      expect(query).toEqual(golden.expected.forward.map(queryMetadata));
    });
  });
});

describe('golden WAL checkpoints: read as MemchunkFromCheckpoint does', () => {
  const checkpoints = cases.filter((golden) => golden.kind === 'checkpoint');

  it.each(checkpoints.map((golden) => [golden.case, golden] as const))('%s', (_name, golden) => {
    const { chunk, head } = readCheckpoint(goldenBytes(`${golden.case}.chunk`), goldenBytes(golden.checkpoint!.headFile));
    expect(head.format).toBe(golden.format === 4 ? 5 : golden.format === 3 ? 4 : 3);
    const forward = [...chunk.entries()].map(toGoldenEntry);
    expect(forward).toEqual(golden.checkpoint!.expectedForwardAfterMemchunkFromCheckpoint.map(rawGoldenEntry));
  });

  it.each(checkpoints.map((golden) => [golden.case, golden] as const))('%s read as a normal chunk', (_name, golden) => {
    const read = () => readChunk(goldenBytes(`${golden.case}.chunk`));
    if (golden.checkpoint!.newByteChunkResult === 'ok') expect(read).not.toThrow();
    else expect(read).toThrowError(expect.objectContaining({ name: 'LokiChunkError' }));
  });
});
