/**
 * The inspector's logic without a browser: timestamp and size formatting, time-range parsing, the entry
 * filter, and how a chunk becomes the page's model (sound, corrupt block, truncated, not a chunk).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readChunk, salvageChunk, LogEntry } from '../../src/index.js';
import { EntryColumns } from '../../web/src/entry-columns.js';
import { filterEntries, NO_FILTER } from '../../web/src/entry-filter.js';
import { formatBytes, formatCount, formatCrc, formatDuration, formatLabels, formatRatio, formatTimestamp } from '../../web/src/format.js';
import { inspectBytes } from '../../web/src/inspect-bytes.js';
import { parseTimeInput } from '../../web/src/time-input.js';
import { parseRange } from '../../web/serve.mjs';
import { GOLDEN_DIR } from '../helpers/golden-cases.js';

const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
const golden = (file: string) => new Uint8Array(readFileSync(join(GOLDEN_DIR, file)));

describe('formatting', () => {
  it('prints int64 ns timestamps as ISO with nine fraction digits, and raw beyond the Date range', () => {
    expect(formatTimestamp(1710057600019727888n)).toBe('2024-03-10T08:00:00.019727888Z');
    expect(formatTimestamp(0n)).toBe('1970-01-01T00:00:00.000000000Z');
    expect(formatTimestamp(-1n)).toBe('1969-12-31T23:59:59.999999999Z');
    expect(formatTimestamp(MAX_INT64)).toBe('2262-04-11T23:47:16.854775807Z');
    expect(formatTimestamp(MIN_INT64)).toBe('1677-09-21T00:12:43.145224192Z');
  });

  it('prints durations, counts, sizes, ratios, CRCs and labels', () => {
    expect(formatDuration(850n)).toBe('850 ns');
    expect(formatDuration(12_500_000n)).toBe('12.5 ms');
    expect(formatDuration(3_200_000_000n)).toBe('3.2 s');
    expect(formatDuration(250n * 1_000_000_000n)).toBe('4 min 10 s');
    expect(formatDuration(3_600n * 1_000_000_000n)).toBe('1 h');
    expect(formatDuration(90_000n * 1_000_000_000n)).toBe('1 d 1 h');
    expect(formatCount(1484717)).toBe('1,484,717');
    expect(formatBytes(1000)).toBe('1,000 B');
    expect(formatBytes(1484717)).toBe('1.42 MiB');
    expect(formatRatio(426414, 478319)).toBe('0.89×');
    expect(formatRatio(1, 0)).toBe('—');
    expect(formatCrc(0xd62efa2c)).toBe('d62efa2c');
    expect(formatCrc(0x1)).toBe('00000001');
    expect(formatLabels({ __name__: 'logs', env: 'test', app: 'x"y' })).toBe('{app="x\\"y", env="test"}');
  });
});

describe('time-range fields', () => {
  it('accepts nanoseconds, ISO instants with up to nine fraction digits, zones, and empty', () => {
    expect(parseTimeInput('')).toEqual({ ok: true, value: null });
    expect(parseTimeInput(' 1710057600019727888 ')).toEqual({ ok: true, value: 1710057600019727888n });
    expect(parseTimeInput('-5')).toEqual({ ok: true, value: -5n });
    expect(parseTimeInput('2024-03-10T08:00:00.019727888Z')).toEqual({ ok: true, value: 1710057600019727888n });
    expect(parseTimeInput('2024-03-10T08:00:00.5')).toEqual({ ok: true, value: 1710057600500000000n });
    expect(parseTimeInput('2024-03-10 08:00')).toEqual({ ok: true, value: 1710057600000000000n });
    expect(parseTimeInput('2024-03-10')).toEqual({ ok: true, value: 1710028800000000000n });
    expect(parseTimeInput('2024-03-10T09:00:00+01:00')).toEqual({ ok: true, value: 1710057600000000000n });
    expect(parseTimeInput('2024-03-10T09:00:00+0100')).toEqual({ ok: true, value: 1710057600000000000n });
  });

  it('round-trips what the page prints', () => {
    for (const value of [1710057600019727888n, 0n, -1n, MAX_INT64, MIN_INT64]) {
      expect(parseTimeInput(formatTimestamp(value))).toEqual({ ok: true, value });
    }
  });

  it('rejects what is not a time, with a message', () => {
    for (const text of ['yesterday', '2024-13-45T99:99Z', '9223372036854775808', '2024-03-10T08:00:00.1234567890Z']) {
      const parsed = parseTimeInput(text);
      expect(parsed.ok).toBe(false);
    }
  });
});

describe('entry filter', () => {
  const entry = (ts: bigint, line: string, metadata: Array<[string, string]> = []) => new LogEntry(ts, new TextEncoder().encode(line), metadata);
  const columns = new EntryColumns([
    entry(10n, 'GET /health 200'),
    entry(20n, 'POST /login 401', [['trace_id', 'ABC123']]),
    entry(30n, 'panic: nil map'),
    entry(30n, 'error: timeout', [['level', 'Error']]),
  ]);

  it('keeps every entry without a filter', () => {
    expect([...filterEntries(columns, NO_FILTER)]).toEqual([0, 1, 2, 3]);
  });

  it('bounds are inclusive at both ends', () => {
    expect([...filterEntries(columns, { from: 20n, to: 30n, text: '' })]).toEqual([1, 2, 3]);
    expect([...filterEntries(columns, { from: null, to: 20n, text: '' })]).toEqual([0, 1]);
    expect([...filterEntries(columns, { from: 31n, to: null, text: '' })]).toEqual([]);
  });

  it('matches text case-insensitively in lines and structured metadata names and values', () => {
    expect([...filterEntries(columns, { from: null, to: null, text: 'ERROR' })]).toEqual([3]);
    expect([...filterEntries(columns, { from: null, to: null, text: 'abc123' })]).toEqual([1]);
    expect([...filterEntries(columns, { from: null, to: null, text: 'trace_id=' })]).toEqual([1]);
    expect([...filterEntries(columns, { from: 25n, to: null, text: 'p' })]).toEqual([2]);
  });
});

describe('inspecting a chunk in memory', () => {
  it('a sound chunk: summary from the reader, every checksum OK, entries in Loki order', async () => {
    const bytes = golden('matrix-v4-none.chunk');
    const chunk = readChunk(bytes);
    const inspection = inspectBytes(bytes, 'matrix-v4-none.chunk');
    expect(inspection.summary).toMatchObject({
      format: 4,
      codec: { id: 0, name: 'none' },
      headBlockFormat: { id: 5 },
      blockCount: chunk.blocks.length,
      metasEntryCount: chunk.entryCount,
      symbolCount: chunk.symbols.length,
      chunkBytes: bytes.length,
      readMode: 'chunk',
      timeRange: { min: chunk.minTime, max: chunk.maxTime },
    });
    expect(inspection.summary.checksums.map((line) => [line.section, line.state])).toEqual([
      ['metas', 'ok'],
      ['structured metadata', 'ok'],
      ['blocks', 'ok'],
    ]);
    expect(inspection.summary.decompressedBytes).toBe(chunk.blocks.reduce((sum, block) => sum + block.decompress().length, 0));
    expect(inspection.problems).toEqual([]);
    expect(inspection.blocks.map((row) => row.status)).toEqual(chunk.blocks.map(() => 'ok'));
    const forward = await inspection.loadEntries({ direction: 'forward', from: null, to: null });
    expect([...forward.timestamps]).toEqual([...chunk.entries()].map((entry) => entry.timestamp));
    const backward = await inspection.loadEntries({ direction: 'backward', from: null, to: null });
    expect([...backward.timestamps]).toEqual([...chunk.entries({ direction: 'backward' })].map((entry) => entry.timestamp));
  });

  it('a corrupt block: CRC BAD, skipped as Loki skips it, the metas and the other blocks intact', async () => {
    const bytes = golden('matrix-v3-none.chunk');
    const block = readChunk(bytes).blocks[1]!;
    bytes[block.offset + 3] = bytes[block.offset + 3]! ^ 0x55;
    const inspection = inspectBytes(bytes, 'x');
    const row = inspection.blocks.find((candidate) => candidate.metaIndex === 1)!;
    expect(row.status).toBe('skipped');
    expect(row.checksum?.ok).toBe(false);
    expect(inspection.summary.checksums.find((line) => line.section === 'blocks')).toMatchObject({ state: 'bad' });
    expect(inspection.problems.some((problem) => problem.code === 'CHECKSUM_MISMATCH' && problem.severity === 'error')).toBe(true);
    const entries = await inspection.loadEntries({ direction: 'forward', from: null, to: null });
    expect(entries.count).toBe([...readChunk(bytes, { lenient: true }).entries()].length);
  });

  it('a damaged metas CRC is reported and the blocks still read', async () => {
    const bytes = golden('matrix-v2-none.chunk');
    const chunk = readChunk(bytes);
    const crcAt = chunk.metas.offset + chunk.metas.length; // the stored CRC itself
    bytes[crcAt] = bytes[crcAt]! ^ 0x01;
    const inspection = inspectBytes(bytes, 'x');
    expect(inspection.summary.checksums[0]).toMatchObject({ section: 'metas', state: 'bad' });
    expect(inspection.problems[0]).toMatchObject({ severity: 'error', code: 'CHECKSUM_MISMATCH' });
    expect((await inspection.loadEntries({ direction: 'forward', from: null, to: null })).count).toBe([...chunk.entries()].length);
  });

  it('a truncated chunk: why Loki cannot read it, then what salvage recovers', async () => {
    const bytes = golden('matrix-v4-none.chunk').subarray(0, -30);
    const inspection = inspectBytes(bytes, 'x');
    const salvaged = salvageChunk(bytes);
    expect(inspection.summary.readMode).toBe('salvage');
    expect(inspection.problems[0]?.message).toMatch(/^Loki cannot read this chunk/);
    expect(inspection.blocks.length).toBe(salvaged.blocks.length);
    expect(inspection.blocks.every((row) => row.checksum?.ok)).toBe(true);
    expect((await inspection.loadEntries({ direction: 'forward', from: null, to: null })).count).toBe(salvaged.entries.length);
    expect(inspection.directions).toEqual(['forward']);
  });

  it('bytes that are not a chunk: BAD_MAGIC, nothing recovered, nothing thrown', async () => {
    const inspection = inspectBytes(new TextEncoder().encode('just some text, certainly not a chunk'), 'x.txt');
    expect(inspection.problems[0]).toMatchObject({ code: 'BAD_MAGIC' });
    expect((await inspection.loadEntries({ direction: 'forward', from: null, to: null })).count).toBe(0);
  });
});

describe('the static server', () => {
  it('parses single byte ranges as object stores answer them', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=95-200', 100)).toEqual({ start: 95, end: 99 });
    expect(parseRange('bytes=-16', 100)).toEqual({ start: 84, end: 99 });
    expect(parseRange('bytes=-200', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-2', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,4-5', 100)).toBeNull();
  });
});
