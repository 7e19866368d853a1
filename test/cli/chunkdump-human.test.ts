/**
 * chunkdump's human output and its options, run as a process: the summary, `--blocks`, `--lines` (with `--from`,
 * `--through`, `--backward`, `--limit`), `--symbols`, `--store-blocks`, the wrapper header, and colours only on a
 * terminal without NO_COLOR.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldenBytes, loadGoldenCases, rawGoldenEntry, type GoldenCase } from '../helpers/golden-cases.js';
import { ROOT, buildCli, run, type BuiltCli } from './setup-build.js';

const golden = (name: string): GoldenCase => loadGoldenCases().find((c) => c.case === name)!;
const NONE = golden('matrix-v4-none');
const WRAPPED = golden('wrapped-v4-snappy');
const NONE_FILE = 'fixtures/golden/matrix-v4-none.chunk';

let cli: BuiltCli;
let work: string;
beforeAll(async () => {
  cli = await buildCli('chunkdump');
  work = mkdtempSync(join(tmpdir(), 'chunkdump-human-'));
});
afterAll(() => {
  cli?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

type Json = Record<string, any>;
const json = (args: string[]): Json => JSON.parse(run(cli, ['--json', ...args]).stdout) as Json;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('human output', () => {
  it('the summary of a v4 chunk (a real session)', () => {
    const result = run(cli, [NONE_FILE]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        'fixtures/golden/matrix-v4-none.chunk: 478319 bytes',
        '  format      v4 (head block: unordered with structured metadata)',
        '  encoding    none (codec byte 0)',
        '  metas       offset 477556, 727 bytes, checksum d62efa2c OK',
        '  symbols     2028 (structured-metadata section at offset 6, 51028 bytes), checksum 134221e4 OK',
        '  blocks      26, 1500 entries',
        '  time        2024-03-10T08:00:00.019727888Z to 2024-03-10T08:02:36.670234410Z (2m36.650506522s)',
        '  size        426414 bytes original, 478319 bytes in file, ratio 0.89',
        '  status      OK',
        '',
      ].join('\n'),
    );
  });

  it('the storage wrapper header: tenant, fingerprint, labels, from, through with duration, ingestedAt, key', () => {
    const result = run(cli, [`fixtures/golden/${WRAPPED.wrapped!.file}`]);
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 10)).toEqual([
      `fixtures/golden/wrapped-v4-snappy.wrapped.chunk: ${WRAPPED.wrapped!.bytes} bytes`,
      '  wrapper     storage-wrapped: 246-byte header, chunk at file offset 250 (47665 bytes)',
      '  tenant      goldlab-tenant',
      '  fingerprint 6b9485230c9da921 (7751967244193474849)',
      '  labels      {__name__="logs", app="goldlab", case="wrapped-v4-snappy", env="test"}',
      '  from        2024-03-10T08:00:00.015Z',
      '  through     2024-03-10T08:00:35.103Z (35.088s after from)',
      '  ingestedAt  not set',
      '  key         goldlab-tenant/6b9485230c9da921/18e2760340f:18e2760bd1f:61c776b5',
      '  format      v4 (head block: unordered with structured metadata)',
    ]);
  });

  it('--blocks: offset, stored and original length, ratio, entries, mint, maxt, checksum, SHA-256 of both forms', () => {
    const result = run(cli, ['--blocks', NONE_FILE]);
    const lines = result.stdout.split('\n');
    const start = lines.findIndex((line) => line.startsWith('  block 0 '));
    const block = NONE.blocks[0]!;
    const bytes = goldenBytes('matrix-v4-none.chunk').subarray(block.offset, block.offset + block.len);
    expect(lines.slice(start, start + 4)).toEqual([
      `  block 0     offset ${block.offset}: ${block.len} -> ${block.len} bytes (1.00x), ${block.numEntries} entries, checksum ${block.storedChecksum} OK`,
      '              mint 2024-03-10T08:00:00.019727888Z  maxt 2024-03-10T08:00:04.911988807Z',
      `              sha256 compressed   ${sha256(bytes)}`,
      `              sha256 original     ${sha256(bytes)}`,
    ]);
    expect(lines.filter((line) => /^ {2}block \d+ /.test(line))).toHaveLength(NONE.blocks.length);
  });

  it('--lines: RFC 3339 UTC nanosecond time, the line with controls escaped, then the structured metadata', () => {
    const result = run(cli, ['--lines', 'fixtures/golden/invalid-utf8-v2-none.chunk', 'fixtures/golden/single-v4-snappy.chunk']);
    expect(result.status).toBe(0);
    const [first, second] = result.stdout.split('\n\n') as [string, string];
    expect(first).toContain('  entries     6 listed, forward, Loki\'s order\n');
    expect(first).toContain('\n2024-03-10T08:00:00.000005000Z  \\x00\\x01\\x02\\x00\n');
    expect(first).toContain('\n2024-03-10T08:00:00.000001000Z  \ufffd\ufffd\ufffd bad\n');
    const entry = golden('single-v4-snappy').expected.forward[0]!;
    const metadata = entry.structuredMetadata!.map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(', ');
    expect(second.trimEnd().split('\n').at(-1)).toBe(`2024-03-10T08:00:00.123456789Z  ${entry.line}  {${metadata}}`);
  });

  it('--symbols: the v4 symbol table by index', () => {
    const lines = run(cli, ['--symbols', NONE_FILE]).stdout.split('\n');
    const start = lines.indexOf('  symbol table (2028 symbols, index and text)');
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start + 1, start + 3)).toEqual([`       0  ${NONE.symbols![0]}`, `       1  ${NONE.symbols![1]}`]);
    expect(lines[start + 2028]).toBe(`    2027  ${NONE.symbols![2027]}`);
  });

  it('colours only on a terminal, and never with NO_COLOR', () => {
    const hasScript = spawnSync('script', ['--version']).status === 0;
    if (!hasScript) return;
    const onTTY = (env: string) =>
      spawnSync('script', ['-qec', `${env} "${process.execPath}" "${cli.path}" ${NONE_FILE}`, '/dev/null'], { cwd: ROOT, encoding: 'utf8' }).stdout;
    expect(onTTY('')).toContain('\x1b[32mOK\x1b[39m');
    expect(onTTY('NO_COLOR=1')).not.toContain('\x1b[');
    expect(run(cli, [NONE_FILE]).stdout).not.toContain('\x1b[');
  });
});

describe('--lines options', () => {
  const forward = NONE.expected.forward.map(rawGoldenEntry);
  const from = BigInt(forward[100]!.ts);
  const through = BigInt(forward[900]!.ts);
  const inRange = forward.filter((entry) => BigInt(entry.ts) >= from && BigInt(entry.ts) < through);

  it('--from (inclusive) and --through (exclusive) as integer nanoseconds', () => {
    expect(json(['-l', '--from', `${from}`, '--through', `${through}`, NONE_FILE]).entries).toEqual(inRange);
  });

  it('--from and --through as RFC 3339, with an offset', () => {
    const object = json(['-l', '--from', '2024-03-10T09:00:10+01:00', '--through', '2024-03-10T08:00:20.5Z', NONE_FILE]);
    const expected = forward.filter((entry) => BigInt(entry.ts) >= 1710057610000000000n && BigInt(entry.ts) < 1710057620500000000n);
    expect(expected.length).toBeGreaterThan(10);
    expect(object.entries).toEqual(expected);
  });

  it('--backward and --limit', () => {
    expect(json(['-l', '--limit', '7', NONE_FILE]).entries).toEqual(forward.slice(0, 7));
    const object = json(['-l', '--backward', '--limit', '7', '--through', `${through}`, NONE_FILE]);
    expect(object.entries).toEqual(forward.filter((entry) => BigInt(entry.ts) < through).reverse().slice(0, 7));
    expect(json(['-l', '--limit', '0', NONE_FILE]).entries).toEqual([]);
  });
});

describe('--store-blocks', () => {
  it("writes each block's compressed and decompressed bytes; equal names from different folders stay apart", () => {
    const dir = join(work, 'blocks');
    const result = run(cli, ['--json', '-b', '-s', dir, NONE_FILE, 'fixtures/golden/matrix-v4-snappy.chunk']);
    expect(result.status).toBe(0);
    const objects = result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Json);
    const names = readdirSync(dir);
    expect(names).toHaveLength((NONE.blocks.length + objects[1]!.blocks.length) * 2);
    for (const [object, stem] of [
      [objects[0]!, 'matrix-v4-none.chunk'],
      [objects[1]!, 'matrix-v4-snappy.chunk'],
    ] as const) {
      const chunk = readFileSync(join(ROOT, object.file as string));
      for (const block of object.blocks as Json[]) {
        const prefix = join(dir, `${stem}.block-${String(block.index).padStart(4, '0')}`);
        const compressed = readFileSync(`${prefix}.compressed`);
        expect(compressed.equals(chunk.subarray(block.offset, block.offset + block.length))).toBe(true);
        const decompressed = readFileSync(`${prefix}.decompressed`);
        expect(decompressed.length).toBe(block.decompressedSize);
        expect(sha256(decompressed)).toBe(block.sha256.decompressed);
      }
    }
    expect(existsSync(join(dir, 'matrix-v4-none.chunk-2.block-0000.compressed'))).toBe(false);
  });

  it('two inputs with the same base name get distinct file names', () => {
    const dir = join(work, 'same-name');
    const other = join(work, 'copy');
    mkdirSync(other);
    copyFileSync(join(ROOT, NONE_FILE), join(other, 'matrix-v4-none.chunk'));
    const result = run(cli, ['-s', dir, NONE_FILE, join(other, 'matrix-v4-none.chunk')]);
    expect(result.status).toBe(0);
    expect(existsSync(join(dir, 'matrix-v4-none.chunk.block-0000.compressed'))).toBe(true);
    expect(existsSync(join(dir, 'matrix-v4-none.chunk-2.block-0025.decompressed'))).toBe(true);
  });
});
