/**
 * chunkdump on damaged input, run as a process: flipped bytes, truncations, a zero-byte file, a file that is not a
 * chunk, wrong block offsets (with and without --lenient). Every case exits 1 after printing what could be read,
 * with one line per problem naming the file and the byte offset, and never a stack trace. Also: usage and I/O
 * errors (exit 2) and a reader that closes the pipe early.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32c } from '../../src/checksum/crc32c.js';
import { expandedBlockOrder, goldenBytes, loadGoldenCases, rawGoldenEntry, type GoldenCase } from '../helpers/golden-cases.js';
import { ROOT, buildCli, run, type BuiltCli, type RunResult } from './setup-build.js';

const golden = (name: string): GoldenCase => loadGoldenCases().find((c) => c.case === name)!;
const NONE = golden('matrix-v4-none');
const GZIP = golden('matrix-v4-gzip');

let cli: BuiltCli;
let work: string;
beforeAll(async () => {
  cli = await buildCli('chunkdump');
  work = mkdtempSync(join(tmpdir(), 'chunkdump-damage-'));
});
afterAll(() => {
  cli?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

type Json = Record<string, any>;

/** Writes `bytes` as a file in the work folder and returns its path. */
function damaged(name: string, bytes: Uint8Array): string {
  const file = join(work, name);
  writeFileSync(file, bytes);
  return file;
}

function withByteFlipped(bytes: Uint8Array, offset: number): Uint8Array {
  const copy = bytes.slice();
  copy[offset]! ^= 0x5a;
  return copy;
}

function dumpJSON(args: string[]): { result: RunResult; objects: Json[] } {
  const result = run(cli, ['--json', ...args]);
  return { result, objects: result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Json) };
}

/** Every standard-error line names the file and an offset, has a code, and there is no stack trace. */
function expectProblemLines(stderr: string, file: string): string[] {
  const lines = stderr.split('\n').filter(Boolean);
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line.startsWith(`chunkdump: ${file}: `), line).toBe(true);
    expect(line, line).toMatch(/: (chunk )?offset \d+[:,( ]/);
    expect(line, line).toMatch(/: [A-Z_]+: /);
    expect(line).not.toMatch(/^\s+at /);
  }
  return lines;
}

/** The golden entries of every block but `skip`, in stored order (the matrix chunks are in time order). */
function entriesWithoutBlock(goldenCase: GoldenCase, skip: number) {
  return expandedBlockOrder(goldenCase)
    .filter((entry) => entry.block !== skip)
    .map(rawGoldenEntry);
}

/** Where block `index`'s offset varint is in the metas of a v3+/v4 chunk: [position, byte length]. */
function blockOffsetField(bytes: Uint8Array, goldenCase: GoldenCase, index: number): [number, number] {
  let at = goldenCase.metasOffset;
  const skipVarint = () => {
    const start = at;
    while (bytes[at]! & 0x80) at++;
    at++;
    return [start, at - start] as [number, number];
  };
  skipVarint(); // Block count.
  for (let block = 0; ; block++) {
    skipVarint(); // Entries.
    skipVarint(); // mint.
    skipVarint(); // maxt.
    const offset = skipVarint();
    if (block === index) return offset;
    skipVarint(); // Uncompressed size.
    skipVarint(); // Length.
  }
}

function writeUvarint(bytes: Uint8Array, [position, length]: [number, number], value: number): void {
  for (let i = 0; i < length; i++) {
    const last = i === length - 1;
    bytes[position + i] = (value & 0x7f) | (last ? 0 : 0x80);
    value = Math.floor(value / 128);
  }
  expect(value).toBe(0);
}

/** Re-seals the metas section with a correct CRC after editing it. */
function resealMetas(bytes: Uint8Array, goldenCase: GoldenCase): void {
  const end = goldenCase.metasOffset + goldenCase.metasLen;
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(end, crc32c(bytes.subarray(goldenCase.metasOffset, end)));
}

describe('damaged chunks: exit 1, every problem on one line, everything readable still shown', () => {
  it('a flipped byte inside a block: that block is BAD, the entries of all the others are listed', () => {
    const block = NONE.blocks[2]!;
    const file = damaged('flip-block.chunk', withByteFlipped(goldenBytes('matrix-v4-none.chunk'), block.offset + 40));
    const { result, objects } = dumpJSON(['--lines', file]);
    expect(result.status).toBe(1);
    const [object] = objects as [Json];
    expect(object.ok).toBe(false);
    expect(object.blocks).toHaveLength(NONE.blocks.length);
    expect(object.blocks[2].checksum).toMatchObject({ stored: block.storedChecksum, ok: false });
    expect(object.blocks[2].checksum.computed).not.toBe(block.storedChecksum);
    expect(object.errors[0]).toMatchObject({ code: 'CHECKSUM_MISMATCH', offset: block.offset, block: 2 });
    expect(object.entries).toEqual(entriesWithoutBlock(NONE, 2));
    const lines = expectProblemLines(result.stderr, file);
    expect(lines[0]).toContain(`offset ${block.offset}, block 2: CHECKSUM_MISMATCH:`);
    expect(lines).toHaveLength(object.errors.length);
  });

  it('a flipped byte inside a compressed block: checksum BAD and the block cannot be decoded, the others are listed', () => {
    const block = GZIP.blocks[1]!;
    const file = damaged('flip-gzip.chunk', withByteFlipped(goldenBytes('matrix-v4-gzip.chunk'), block.offset + 100));
    const { result, objects } = dumpJSON(['--lines', '--backward', file]);
    expect(result.status).toBe(1);
    const [object] = objects as [Json];
    expect(object.blocks[1].checksum.ok).toBe(false);
    expect(object.errors.map((error: Json) => error.block)).toEqual(object.errors.map(() => 1));
    expect(object.entries).toEqual(entriesWithoutBlock(GZIP, 1).reverse());
    expectProblemLines(result.stderr, file);
  });

  it('a bad metas checksum: reported, and the intact blocks still give every entry in Loki order', () => {
    const crcAt = NONE.metasOffset + NONE.metasLen;
    const file = damaged('flip-metas-crc.chunk', withByteFlipped(goldenBytes('matrix-v4-none.chunk'), crcAt));
    const { result, objects } = dumpJSON(['--lines', file]);
    expect(result.status).toBe(1);
    const [object] = objects as [Json];
    expect(object.metas.checksum).toMatchObject({ computed: NONE.metasChecksum, ok: false });
    expect(object.errors).toEqual([expect.objectContaining({ code: 'CHECKSUM_MISMATCH', offset: NONE.metasOffset })]);
    expect(object.entries).toEqual(NONE.expected.forward.map(rawGoldenEntry));
    expect(expectProblemLines(result.stderr, file)).toHaveLength(1);
  });

  it('a flipped byte in the symbol table: the structured-metadata checksum is BAD', () => {
    const section = NONE.structuredMetadataSection!;
    const bytes = goldenBytes('matrix-v4-none.chunk');
    // Flip a letter of the first symbol ("level"), so the table still parses.
    const at = bytes.indexOf('l'.charCodeAt(0), section.offset);
    const file = damaged('flip-symbols.chunk', withByteFlipped(bytes, at));
    const { result, objects } = dumpJSON(['--symbols', file]);
    expect(result.status).toBe(1);
    const [object] = objects as [Json];
    expect(object.structuredMetadata.checksum).toMatchObject({ stored: section.checksum, ok: false });
    expect(object.errors[0]).toMatchObject({ code: 'CHECKSUM_MISMATCH', offset: section.offset });
    expectProblemLines(result.stderr, file);
  });

  it('truncations, a zero-byte file and a file that is not a chunk: one error each, with code and offset', () => {
    const bytes = goldenBytes('matrix-v4-none.chunk');
    const lengths = [0, 3, 5, 20, bytes.length >> 1, bytes.length - 1, bytes.length - 17];
    const files = lengths.map((length) => damaged(`truncated-${length}.chunk`, bytes.subarray(0, length)));
    files.push(join(ROOT, 'package.json'));
    const { result, objects } = dumpJSON(files);
    expect(result.status).toBe(1);
    expect(objects.map((object) => object.file)).toEqual(files);
    for (const object of objects) {
      expect(object.ok, object.file).toBe(false);
      expect(object.errors, object.file).toHaveLength(1);
      expect(object.errors[0].offset, object.file).toEqual(expect.any(Number));
      expect(object.format, object.file).toBeNull();
      expect(object.blocks, object.file).toEqual([]);
    }
    expect(objects[0]!.errors[0].code).toBe('TRUNCATED');
    expect(objects.at(-1)!.errors[0]).toMatchObject({ code: 'BAD_MAGIC', offset: 0 });
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(files.length);
    files.forEach((file, index) => expect(lines[index]!.startsWith(`chunkdump: ${file}: offset `)).toBe(true));
  });

  it('a storage-wrapped object: chunk offsets come with the file offset; a broken wrapper header is BAD_WRAPPER', () => {
    const wrapped = golden('wrapped-v4-snappy');
    const bytes = goldenBytes(wrapped.wrapped!.file);
    const block = wrapped.blocks[0]!;
    const dataOffset = wrapped.wrapped!.dataOffset;
    const flipped = damaged('flip-wrapped.chunk', withByteFlipped(bytes, dataOffset + block.offset + 10));
    const header = damaged('bad-header.chunk', withByteFlipped(bytes, 30));
    const { result, objects } = dumpJSON([flipped, header]);
    expect(result.status).toBe(1);
    expect(objects[0]!.wrapper.userID).toBe('goldlab-tenant');
    expect(objects[0]!.blocks[0].checksum.ok).toBe(false);
    expect(objects[1]!.errors).toEqual([expect.objectContaining({ code: 'BAD_WRAPPER', offset: 4 })]);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines[0]).toBe(
      `chunkdump: ${flipped}: chunk offset ${block.offset} (file offset ${dataOffset + block.offset}), block 0: CHECKSUM_MISMATCH: ` +
        `block 0 at offset ${block.offset}: stored CRC-32C ${block.storedChecksum}, computed ${objects[0]!.blocks[0].checksum.computed}`,
    );
    expect(lines.at(-1)).toMatch(new RegExp(`^chunkdump: ${header}: offset 4: BAD_WRAPPER: `));
  });

  it('the human report of a damaged chunk says BAD with the computed checksum, and DAMAGED', () => {
    const block = NONE.blocks[0]!;
    const file = damaged('flip-human.chunk', withByteFlipped(goldenBytes('matrix-v4-none.chunk'), block.offset + 30));
    const result = run(cli, ['--blocks', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`block 0 +offset ${block.offset}: .*checksum ${block.storedChecksum} BAD \\(computed [0-9a-f]{8}\\)`));
    expect(result.stdout).toMatch(/status +DAMAGED: \d+ problems? \(listed on standard error\)/);
    expectProblemLines(result.stderr, file);
  });
});

describe('--lenient: Loki recovery, reporting every skipped or recovered block', () => {
  it('skips a block whose checksum fails and lists the others in Loki order', () => {
    const block = NONE.blocks[3]!;
    const file = damaged('lenient-skip.chunk', withByteFlipped(goldenBytes('matrix-v4-none.chunk'), block.offset + 10));
    const { result, objects } = dumpJSON(['--lenient', '--lines', file]);
    expect(result.status).toBe(1);
    const [object] = objects as [Json];
    expect(object.blocks).toHaveLength(NONE.blocks.length - 1);
    expect(object.skippedBlocks).toEqual([
      expect.objectContaining({ metaIndex: 3, offset: block.offset, length: block.len, entries: block.numEntries }),
    ]);
    expect(object.skippedBlocks[0].error.code).toBe('CHECKSUM_MISMATCH');
    expect(object.entries).toEqual(entriesWithoutBlock(NONE, 3));
    expect(expectProblemLines(result.stderr, file)).toHaveLength(1);
  });

  it('recovers a block whose metas offset is wrong; without --lenient the block is reported BAD', () => {
    const bytes = goldenBytes('matrix-v4-none.chunk');
    const block = NONE.blocks[1]!;
    writeUvarint(bytes, blockOffsetField(bytes, NONE, 1), block.offset + 1);
    resealMetas(bytes, NONE);
    const file = damaged('wrong-offset.chunk', bytes);

    const lenient = dumpJSON(['--lenient', '--lines', file]);
    expect(lenient.result.status).toBe(1);
    const [recovered] = lenient.objects as [Json];
    expect(recovered.blocks[1]).toMatchObject({ offset: block.offset, storedOffset: block.offset + 1 });
    expect(recovered.blocks[1].checksum.ok).toBe(true);
    expect(recovered.skippedBlocks).toEqual([]);
    expect(recovered.errors).toEqual([expect.objectContaining({ code: 'MALFORMED', offset: block.offset, block: 1 })]);
    expect(recovered.entries).toEqual(NONE.expected.forward.map(rawGoldenEntry));

    const strict = dumpJSON(['--lines', file]);
    expect(strict.result.status).toBe(1);
    const [reported] = strict.objects as [Json];
    expect(reported.blocks[1]).toMatchObject({ offset: block.offset + 1 });
    expect(reported.blocks[1].checksum.ok).toBe(false);
    expect(reported.entries).toEqual(entriesWithoutBlock(NONE, 1));
    expectProblemLines(strict.result.stderr, file);
  });

  it('the human report names the skipped block', () => {
    const block = NONE.blocks[0]!;
    const file = damaged('lenient-human.chunk', withByteFlipped(goldenBytes('matrix-v4-none.chunk'), block.offset + 10));
    const result = run(cli, ['--lenient', '--blocks', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`skipped     metas entry 0 at offset ${block.offset}, ${block.len} bytes, ${block.numEntries} entries:`);
    expect(result.stdout).toMatch(new RegExp(`blocks +${NONE.blocks.length - 1}, 1 skipped, `));
  });
});

describe('usage and I/O errors: exit 2', () => {
  it.each([
    [['--bogus', 'x.chunk'], /Unknown option '--bogus'/],
    [['--from', '5', 'x.chunk'], /--from only applies to the entries: add --lines/],
    [['-l', '--from', 'yesterday', 'x.chunk'], /--from must be an RFC 3339 time/],
    [['-l', '--through', '2024-02-30T00:00:00Z', 'x.chunk'], /--through must be an RFC 3339 time/],
    [['-l', '--from', '99999999999999999999', 'x.chunk'], /outside the int64 nanosecond range/],
    [['-l', '--limit', '-3', 'x.chunk'], /Option '--limit' argument is ambiguous\. Did you forget/],
    [['-l', '--limit=-3', 'x.chunk'], /--limit must be a whole number of entries, got "-3"/],
    [['-l', '--limit', 'many', 'x.chunk'], /--limit must be a whole number of entries, got "many"/],
    [['-', '-'], /standard input \("-"\) can be read only once/],
    [['--store-blocks', '', 'x.chunk'], /--store-blocks needs a directory/],
  ])('%j', (args, message) => {
    const result = run(cli, args as string[]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(message as RegExp);
    expect(lines[0]!.startsWith('chunkdump: ')).toBe(true);
    expect(lines[1]).toBe("Try 'chunkdump --help'.");
  });

  it('no file while standard input is a terminal', () => {
    if (spawnSync('script', ['--version']).status !== 0) return;
    const result = spawnSync('script', ['-qec', `"${process.execPath}" "${cli.path}"`, '/dev/null'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('chunkdump: no file given (use "-" to read a chunk from standard input)');
  });

  it('a missing file and a directory are I/O errors; the other files are still dumped', () => {
    const good = 'fixtures/golden/single-v4-none-nosm.chunk';
    const { result, objects } = dumpJSON(['missing.chunk', good, 'fixtures']);
    expect(result.status).toBe(2);
    expect(objects.map((object) => [object.file, object.ok])).toEqual([
      ['missing.chunk', false],
      [good, true],
      ['fixtures', false],
    ]);
    expect(objects[0]!.bytes).toBeNull();
    expect(objects[0]!.errors).toEqual([{ code: 'IO_ERROR', message: 'cannot read: no such file' }]);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      'chunkdump: missing.chunk: IO_ERROR: cannot read: no such file',
      'chunkdump: fixtures: IO_ERROR: cannot read: is a directory',
    ]);
  });

  it('--help and --version', () => {
    const help = run(cli, ['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: chunkdump \[options\] <file>\.\.\./);
    const version = run(cli, ['-V']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
});

describe('output to a pipe closed early', () => {
  it('`chunkdump -l x | head -n 1` ends quietly with status 0', () => {
    const script = `node "${cli.path}" -l --symbols fixtures/golden/matrix-v4-none.chunk | head -n 1; echo "status=\${PIPESTATUS[0]}" >&2`;
    const result = spawnSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stdout).toBe('fixtures/golden/matrix-v4-none.chunk: 478319 bytes\n');
    expect(result.stderr).toBe('status=0\n');
  });
});
