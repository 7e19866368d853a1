/**
 * chunkpack as a process: built from source with esbuild (as tsup builds it for the bin), run with node, checked
 * for its output files, exit status (0 ok, 1 input/output failure, 2 usage) and messages (no stack traces).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChunk } from '../../src/chunk/chunk.js';
import { loadGoldenCases, type GoldenCase } from '../helpers/golden-cases.js';

const ROOT = join(__dirname, '..', '..');
let work: string;
let cli: string;

const cases = loadGoldenCases();
const golden = (name: string): GoldenCase => cases.find((c) => c.case === name)!;
const ndjson = (input: GoldenCase['input']): string => input.map((entry) => JSON.stringify(entry)).join('\n') + '\n';
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function run(args: string[], stdin?: string | Buffer) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: work, input: stdin, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString() };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'chunkpack-'));
  cli = join(work, 'chunkpack.mjs');
  await build({
    entryPoints: [join(ROOT, 'src/cli/chunkpack.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node18',
    outfile: cli,
    logLevel: 'error',
  });
  writeFileSync(join(work, 'matrix.ndjson'), ndjson(golden('matrix-v4-none').input));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('chunkpack', () => {
  it('prints its help and version', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout.toString()).toMatch(/^Usage: chunkpack/);
    const version = run(['-V']);
    expect(version.status).toBe(0);
    expect(version.stdout.toString().trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it("writes Loki's exact chunk from a file and from standard input", () => {
    const expected = golden('matrix-v4-none').sha256;
    const fromFile = run(['-c', 'none', '-b', '16k', '-o', 'a.chunk', 'matrix.ndjson']);
    expect(fromFile.status).toBe(0);
    expect(fromFile.stderr).toMatch(/wrote 1 chunk \(v4, none; 1500 entries, 478319 bytes\) to a\.chunk/);
    expect(sha256(readFileSync(join(work, 'a.chunk')))).toBe(expected);

    const fromStdin = run(['--codec=none', '--block-size', '16384', '-q', '-o', '-'], readFileSync(join(work, 'matrix.ndjson')));
    expect(fromStdin.status).toBe(0);
    expect(fromStdin.stderr).toBe('');
    expect(sha256(fromStdin.stdout)).toBe(expected);
  });

  it('cuts a directory of chunks where Loki cut them', () => {
    const parts = cases.filter((c) => c.sequence?.group === 'targetsize0-v2-none').sort((a, b) => a.sequence!.part - b.sequence!.part);
    writeFileSync(join(work, 'seq.ndjson'), parts.map((part) => ndjson(part.input)).join(''));
    const result = run(['-f', '2', '-c', 'none', '-b', '1k', '-t', '0', '-d', 'out', 'seq.ndjson']);
    expect(result.status).toBe(0);
    const files = readdirSync(join(work, 'out')).sort();
    expect(files).toEqual(parts.map((_, i) => `${String(i).padStart(6, '0')}.chunk`));
    expect(files.map((file) => sha256(readFileSync(join(work, 'out', file))))).toEqual(parts.map((part) => part.sha256));
  });

  it('reads several inputs, "-" for standard input, and skips blank lines', () => {
    writeFileSync(join(work, 'one.ndjson'), '{"ts":"1","line":"a"}\n\n');
    const result = run(['-c', 'none', '-o', 'several.chunk', 'one.ndjson', '-'], '{"ts":"2","lineBase64":"/w=="}\r\n');
    expect(result.status).toBe(0);
    const entries = readChunk(new Uint8Array(readFileSync(join(work, 'several.chunk')))).blocks[0]!.decode();
    expect(entries.map((e) => [e.timestamp, [...e.lineBytes]])).toEqual([
      [1n, [0x61]],
      [2n, [0xff]],
    ]);
  });

  it('names the input line of a bad entry and exits 1, without a stack trace', () => {
    writeFileSync(join(work, 'bad.ndjson'), '{"ts":"1","line":"a"}\n\n{"ts":"x","line":"b"}\n');
    const bad = run(['-c', 'none', '-o', 'bad.chunk', 'bad.ndjson']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('chunkpack: bad.ndjson:3: "ts" must be a decimal integer string, got "x"\n');

    const notJson = run(['-c', 'none', '-o', 'bad.chunk'], '{"ts":"1","line":"a"}\nnot json\n');
    expect(notJson.status).toBe(1);
    expect(notJson.stderr).toMatch(/^chunkpack: <stdin>:2: not valid JSON/);

    const badName = run(['-c', 'none', '-o', 'bad.chunk'], '{"ts":"1","line":"a","structuredMetadata":[[".","v"]]}\n');
    expect(badName.status).toBe(1);
    expect(badName.stderr).toMatch(/^chunkpack: <stdin>:1: structured-metadata name "\."/);

    const missing = run(['-c', 'none', '-o', 'x.chunk', 'nowhere.ndjson']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('chunkpack: nowhere.ndjson: no such file\n');
    for (const { stderr } of [bad, notJson, badName, missing]) expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('fails on an out-of-order entry in format 2, or drops it with --drop-out-of-order', () => {
    const input = '{"ts":"5","line":"a"}\n{"ts":"1","line":"b"}\n{"ts":"6","line":"c"}\n';
    const strict = run(['-f', '2', '-c', 'none', '-o', 'ooo.chunk'], input);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/^chunkpack: <stdin>:2: entry out of order/);
    const lenient = run(['-f', '2', '-c', 'none', '--drop-out-of-order', '-d', 'ooo'], input);
    expect(lenient.status).toBe(0);
    expect(lenient.stderr).toMatch(/2 entries, 1 out-of-order entries dropped/);
  });

  it('exits 2 for usage errors', () => {
    const usage = [
      [[], /give exactly one of --output <file> or --out-dir <dir>/],
      [['-o', 'a', '-d', 'b'], /give exactly one/],
      [['-o', 'a', '--bogus'], /Unknown option '--bogus'/],
      [['-o', 'a', '-c', 'brotli'], /unknown codec "brotli" \(known: none, gzip, /],
      [['-o', 'a', '-f', '5'], /--format must be 1, 2, 3 or 4/],
      [['-o', 'a', '-b', '0'], /blockSize must be an integer >= 1/],
      [['-o', 'a', '-t', '1.5m'], /--target-size must be a whole number of bytes/],
      [['-o', 'a', '-f', '1', '-c', 'none'], /format 1 chunks are always gzip/],
    ] as const;
    for (const [args, message] of usage) {
      const result = run([...args]);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/Try 'chunkpack --help'/);
    }
  });

  it('stops quietly when the reader of its output goes away (EPIPE)', () => {
    const script = `"${process.execPath}" "${cli}" -c none -b 16k -o - matrix.ndjson | head -c 10 > /dev/null; echo "status=\${PIPESTATUS[0]}"`;
    const result = spawnSync('bash', ['-c', script], { cwd: work });
    expect(result.stdout.toString().trim()).toBe('status=0');
    expect(result.stderr.toString()).toBe('');
  });
});
