/**
 * Salvage. Lenient `readChunk` (Loki's recovery) returns the entries of every intact block of a chunk whose
 * blocks are damaged and reports the damaged ones; `salvageChunk` does the same when the footer, the metas, the
 * symbol table, the header or the storage wrapper are destroyed, by finding blocks by their CRC-32C.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readChunk } from '../../src/chunk/chunk.js';
import { headerLength } from '../../src/chunk/constants.js';
import type { LogEntry } from '../../src/chunk/entry.js';
import { salvageChunk, type SalvageResult } from '../../src/chunk/salvage.js';
import { findCrcFrames } from '../../src/chunk/salvage-scan.js';
import { crc32c } from '../../src/checksum/crc32c.js';
import { assemble, disassemble } from '../../fuzz/chunk-model.js';

const GOLDEN = join(__dirname, '..', '..', 'fixtures', 'golden');
const file = (name: string) => new Uint8Array(readFileSync(join(GOLDEN, name)));

const chunkFiles = readdirSync(GOLDEN)
  .filter((name) => name.endsWith('.chunk') && !name.endsWith('.wrapped.chunk'))
  .sort();

const key = (entry: LogEntry) => `${entry.timestamp} ${Buffer.from(entry.lineBytes).toString('base64')} ${JSON.stringify(entry.structuredMetadata)}`;
const keys = (entries: readonly LogEntry[]) => entries.map(key);

/** Every golden chunk with at least two blocks and at most 300 KB, with its blocks' entries. */
const multiBlock = chunkFiles
  .map((name) => ({ name, bytes: file(name), fromCheckpoint: name.startsWith('checkpoint-') }))
  .filter(({ bytes }) => bytes.length <= 300_000)
  .map((golden) => ({ ...golden, chunk: readChunk(golden.bytes, { fromCheckpoint: golden.fromCheckpoint }) }))
  .filter(({ chunk }) => chunk.blocks.length >= 2);

function blockEntries(bytes: Uint8Array, fromCheckpoint: boolean): LogEntry[][] {
  return readChunk(bytes, { fromCheckpoint }).blocks.map((block) => block.decode());
}

const damageKinds = (result: SalvageResult) => result.damage.map((damage) => damage.kind);

describe('the CRC frame scan', () => {
  it('finds exactly the frames a quadratic search finds', () => {
    const bytes = new Uint8Array(700);
    let state = 7;
    for (let i = 0; i < bytes.length; i++) bytes[i] = (state = (state * 1103515245 + 12345) >>> 0) >>> 24;
    for (const [start, length] of [[3, 40], [47, 1], [52, 300], [400, 250]] as const) {
      new DataView(bytes.buffer).setUint32(start + length, crc32c(bytes.subarray(start, start + length)));
    }
    const brute: string[] = [];
    for (let start = 0; start < bytes.length; start++) {
      for (let end = start + 1; end + 4 <= bytes.length; end++) {
        if (crc32c(bytes.subarray(start, end)) === new DataView(bytes.buffer).getUint32(end)) brute.push(`${start}-${end}`);
      }
    }
    expect(brute).toEqual(expect.arrayContaining(['3-43', '47-48', '52-352', '400-650']));
    expect(findCrcFrames(bytes, 0, bytes.length).map((f) => `${f.start}-${f.end}`).sort()).toEqual(brute.sort());
  });
});

describe('salvage of sound chunks returns every entry and reports nothing', () => {
  it.each(chunkFiles)('%s', (name) => {
    const bytes = file(name);
    const fromCheckpoint = name.startsWith('checkpoint-');
    const expected = blockEntries(bytes, fromCheckpoint).flat();
    const result = salvageChunk(bytes, { fromCheckpoint });
    expect(result.damage).toEqual([]);
    expect(result.metasIntact).toBe(true);
    expect(keys(result.entries)).toEqual(keys(expected));
    expect(result.blocks.every((block) => block.foundBy === 'metas')).toBe(true);
    // Scanning finds the same blocks.
    const scanned = salvageChunk(bytes, { fromCheckpoint, alwaysScan: true });
    expect(keys(scanned.entries)).toEqual(keys(expected));
    expect(scanned.damage).toEqual([]);
  });
});

describe.each(multiBlock.map((golden) => [golden.name, golden] as const))('%s', (_name, { bytes, chunk, fromCheckpoint }) => {
  const perBlock = blockEntries(bytes, fromCheckpoint);
  const all = keys(perBlock.flat());
  const damagedIndex = chunk.blocks.length > 2 ? 1 : 0;
  const damagedBlock = chunk.blocks[damagedIndex]!;
  const withoutDamaged = keys(perBlock.filter((_, i) => i !== damagedIndex).flat());
  const withDamagedBlock = () => {
    const out = bytes.slice();
    out[damagedBlock.offset + (damagedBlock.length >> 1)]! ^= 0x20;
    return out;
  };
  const destroyMetas = (out: Uint8Array) => out.fill(0xee, chunk.metas.offset);

  it('strict reading reports the damaged block with its index and offset', () => {
    expect(() => readChunk(withDamagedBlock(), { fromCheckpoint })).toThrow(
      expect.objectContaining({ code: 'CHECKSUM_MISMATCH', block: damagedIndex, offset: damagedBlock.offset }),
    );
  });

  it('lenient readChunk returns the entries of every intact block and reports the damaged one', () => {
    const lenient = readChunk(withDamagedBlock(), { fromCheckpoint, lenient: true });
    expect(lenient.skippedBlocks.map((skipped) => skipped.meta.metaIndex)).toEqual([damagedIndex]);
    expect(lenient.skippedBlocks[0]!.error).toMatchObject({ code: 'CHECKSUM_MISMATCH', block: damagedIndex });
    expect(keys(lenient.blocks.flatMap((block) => block.decode()))).toEqual(withoutDamaged);
    // Loki's iteration (time range, MaxInt64 excluded) returns some of these, and nothing from the damaged block.
    const intact = new Set(withoutDamaged);
    for (const entry of keys([...lenient.entries()])) expect(intact.has(entry)).toBe(true);
  });

  it('salvage with a damaged block: the other blocks, the damaged one reported', () => {
    const result = salvageChunk(withDamagedBlock(), { fromCheckpoint });
    expect(keys(result.entries)).toEqual(withoutDamaged);
    expect(result.damage).toEqual([
      expect.objectContaining({ kind: 'block', metaIndex: damagedIndex, offset: damagedBlock.offset, error: expect.objectContaining({ code: 'CHECKSUM_MISMATCH' }) }),
    ]);
  });

  it('salvage with the metas and footer destroyed: every block, found by its CRC', () => {
    const result = salvageChunk(destroyMetas(bytes.slice()), { fromCheckpoint });
    expect(result.metasIntact).toBe(false);
    expect(keys(result.entries)).toEqual(all);
    expect(result.blocks.every((block) => block.foundBy === 'scan')).toBe(true);
    expect(damageKinds(result)).toContain('footer');
  });

  it('salvage of a chunk cut in the middle of its metas', () => {
    const result = salvageChunk(bytes.subarray(0, chunk.metas.offset + 2), { fromCheckpoint });
    expect(keys(result.entries)).toEqual(all);
  });

  it('salvage with a damaged block and destroyed metas: the other blocks, the gap reported', () => {
    const result = salvageChunk(destroyMetas(withDamagedBlock()), { fromCheckpoint });
    expect(keys(result.entries)).toEqual(withoutDamaged);
    const unknown = result.damage.filter((damage) => damage.kind === 'unknown');
    expect(unknown[0]).toMatchObject({ offset: damagedBlock.offset, length: damagedBlock.length + 4 });
  });

  it('salvage with the header destroyed (format and codec from the options)', () => {
    const out = bytes.slice();
    out.fill(0, 0, headerLength(chunk.format));
    const result = salvageChunk(out, { fromCheckpoint, format: chunk.format, encoding: chunk.encoding.id });
    expect(keys(result.entries)).toEqual(all);
    expect(damageKinds(result)[0]).toBe('header');
  });

  it('salvage with a wrongly written block offset: found where Loki expects it', () => {
    const parts = disassemble(bytes, fromCheckpoint);
    parts.blocks[damagedIndex]!.offset = 3n;
    const moved = assemble(parts);
    const result = salvageChunk(moved, { fromCheckpoint });
    expect(keys(result.entries)).toEqual(all);
    expect(result.damage).toEqual([]);
    expect(keys(readChunk(moved, { fromCheckpoint, lenient: true }).blocks.flatMap((block) => block.decode()))).toEqual(all);
  });
});

describe('salvage of v4 chunks whose symbol table or footer is damaged', () => {
  const candidates = multiBlock.filter(({ chunk }) => chunk.format === 4 && chunk.symbols.length > 0);

  it.each(candidates.map((golden) => [golden.name, golden] as const))('%s: footer zeroed, symbols found by scanning', (_name, { bytes, fromCheckpoint }) => {
    const out = bytes.slice();
    out.fill(0, out.length - 32);
    const result = salvageChunk(out, { fromCheckpoint });
    expect(keys(result.entries)).toEqual(keys(blockEntries(bytes, fromCheckpoint).flat()));
  });

  it.each(candidates.map((golden) => [golden.name, golden] as const))('%s: symbols damaged, entries kept, symbols reported', (_name, { bytes, chunk, fromCheckpoint }) => {
    const out = bytes.slice();
    out[chunk.structuredMetadata!.offset + 1]! ^= 0x01;
    const result = salvageChunk(out, { fromCheckpoint });
    expect(damageKinds(result)).toContain('symbols');
    expect(result.entries.length).toBe(blockEntries(bytes, fromCheckpoint).flat().length);
  });
});

describe('salvage of a storage-wrapped chunk', () => {
  it.each(readdirSync(GOLDEN).filter((name) => name.endsWith('.wrapped.chunk')))('%s with a broken wrapper header', (name) => {
    const wrapped = file(name);
    const inner = file(name.replace('.wrapped.chunk', '.chunk'));
    const expected = keys(blockEntries(inner, false).flat());
    expect(keys(salvageChunk(wrapped).entries)).toEqual(expected);
    const broken = wrapped.slice();
    broken[20]! ^= 0xff;
    new DataView(broken.buffer).setUint32(0, 7);
    const result = salvageChunk(broken);
    expect(damageKinds(result)[0]).toBe('wrapper');
    expect(keys(result.entries)).toEqual(expected);
  });
});
