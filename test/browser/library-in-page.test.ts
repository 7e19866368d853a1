/**
 * Issue #9: the library has no Node-only dependency. Chromium decodes every golden chunk (every format,
 * codec, storage wrapper and WAL checkpoint) with the page's bundled library, and what it reads matches what
 * Loki's own reader returned (the sidecars).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGoldenCases, rawGoldenEntry, type GoldenEntry } from '../helpers/golden-cases.js';
import { browserTestsEnabled, startInspector, type Inspector } from './harness.js';
import type { ListDigest, PageCase, PageResult, RangeReadResult } from './page/golden-check.js';

const cases = loadGoldenCases();

function digest(entries: GoldenEntry[]): ListDigest {
  const json = JSON.stringify(entries.map(rawGoldenEntry));
  return { count: entries.length, sha256: createHash('sha256').update(json).digest('hex') };
}

describe.runIf(browserTestsEnabled)('the bundled library in Chromium', () => {
  let inspector: Inspector;
  let results: Map<string, PageResult>;
  let rangeRead: RangeReadResult;

  beforeAll(async () => {
    inspector = await startInspector();
    const { page, errors } = await inspector.openPage();
    const pageCases: PageCase[] = cases.map((golden) => ({
      case: golden.case,
      kind: golden.kind,
      ...(golden.wrapped ? { wrappedFile: golden.wrapped.file } : {}),
      ...(golden.checkpoint ? { headFile: golden.checkpoint.headFile } : {}),
    }));
    // A string, not a function: the test file's own transforms must not reach the page.
    const list = (await page.evaluate(
      `import('./golden-check.js').then((module) => module.checkGoldenCases('/golden/', ${JSON.stringify(pageCases)}))`,
    )) as PageResult[];
    results = new Map(list.map((result) => [result.case, result]));
    rangeRead = (await page.evaluate(
      `import('./golden-check.js').then((module) => module.readByRanges('/golden/wrapped-v4-snappy.wrapped.chunk'))`,
    )) as RangeReadResult;
    expect(errors).toEqual([]);
    await page.close();
  });

  afterAll(async () => {
    await inspector?.close();
  });

  it('decodes all 109 golden chunks in the page', () => {
    expect(results.size).toBe(109);
    const failed = [...results.values()].filter((result) => result.error).map((result) => `${result.case}: ${result.error}`);
    expect(failed).toEqual([]);
  });

  it.each(cases.map((golden) => [golden.case, golden] as const))('%s matches the sidecar', (_name, golden) => {
    const result = results.get(golden.case)!;
    expect(result.error).toBeUndefined();
    expect(result.format).toBe(golden.format);
    expect(result.encoding).toEqual({ id: golden.encoding.byte, name: golden.encoding.name });
    expect(result.metasChecksum).toBe(golden.metasChecksum);
    expect(result.blocks).toEqual(
      golden.blocks.map((block) => ({
        offset: block.offset,
        length: block.len,
        entryCount: block.numEntries,
        mint: block.mint,
        maxt: block.maxt,
        stored: block.storedChecksum,
        ok: true,
      })),
    );
    expect(result.symbols).toBe(golden.symbols?.length ?? 0);
    expect(result.forward).toEqual(digest(golden.expected.forward));
    expect(result.backward).toEqual(digest(golden.expected.backward));
    if (golden.wrapped) {
      const wrapped = golden.wrapped;
      expect(result.wrappedForward).toEqual(digest(golden.expected.forward));
      expect(result.wrapper).toEqual({
        userID: wrapped.userID,
        fingerprintHex: wrapped.fingerprintHex,
        externalKey: wrapped.externalKey,
        labels: wrapped.metric,
        from: wrapped.fromMs,
        through: wrapped.throughMs,
      });
    }
    if (golden.checkpoint) {
      expect(result.checkpointForward).toEqual(digest(golden.checkpoint.expectedForwardAfterMemchunkFromCheckpoint));
    }
  });

  it("reads a storage-wrapped chunk by HTTP ranges with httpSource's default fetch (the browser's own)", () => {
    const golden = cases.find((entry) => entry.case === 'wrapped-v4-snappy')!;
    expect(rangeRead.error).toBeUndefined();
    expect(rangeRead.forward).toEqual(digest(golden.expected.forward));
    expect(rangeRead.size).toBe(golden.wrapped!.dataOffset + golden.wrapped!.dataLength);
    expect(rangeRead.requests).toBeGreaterThan(1); // the size probe, then ranges
    expect(rangeRead.bytesRead).toBeGreaterThan(0);
  });
});
