/**
 * chunkdump: shows what is inside Loki chunks (raw or storage-wrapped), for people or, with `--json`, for scripts.
 * Every file is checked through (sections, block checksums, decompression, decoding); what can be read is printed
 * even when something cannot. Uses only the library's public API.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { version } from '../../package.json';
import { DEFAULT_LIMITS, createNodeCodecRegistry, type ChunkBlock } from '../node.js';
import { HELP, UsageError, parseSettings, type Settings } from './chunkdump-args.js';
import { humanLines, problemLine } from './chunkdump-human.js';
import { reportToJSONLine } from './chunkdump-json.js';
import { LineWriter, exitQuietlyOnClosedPipe } from './chunkdump-output.js';
import { inspectChunk, refusedReport, unreadableReport, type FileReport, type Problem } from './chunkdump-report.js';
import { COLOR_STYLE, PLAIN_STYLE, useColor } from './chunkdump-style.js';

/** Exit statuses. */
const VALID = 0;
const DAMAGED = 1;
const USAGE_OR_IO = 2;

async function main(argv: string[]): Promise<number> {
  let settings: ReturnType<typeof parseSettings>;
  try {
    settings = parseSettings(argv, process.stdin.isTTY === true);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`chunkdump: ${error.message}\nTry 'chunkdump --help'.\n`);
    return USAGE_OR_IO;
  }
  const out = new LineWriter(process.stdout);
  if (settings === 'help' || settings === 'version') {
    await out.line(settings === 'help' ? HELP : version);
    await out.flush();
    return VALID;
  }

  const style = useColor(process.stdout, process.env) ? COLOR_STYLE : PLAIN_STYLE;
  const store = settings.storeDir === undefined ? null : new BlockStore(settings.storeDir);
  let status = VALID;
  for (const [position, file] of settings.files.entries()) {
    const report = await inspectFile(file, settings, store);
    if (settings.json) {
      await out.line(reportToJSONLine(report, { symbols: settings.symbols, hashes: settings.blocks, skipped: settings.lenient }));
    } else {
      if (position > 0) await out.line('');
      const parts = { blocks: settings.blocks, symbols: settings.symbols, direction: settings.entries?.direction ?? 'forward' };
      for (const line of humanLines(report, parts, style)) await out.line(line);
    }
    // Standard output first, so each file's problems follow its report on a terminal.
    await out.flush();
    for (const problem of report.problems) process.stderr.write(`chunkdump: ${problemLine(report, problem)}\n`);
    if (report.ioError) status = USAGE_OR_IO;
    else if (report.problems.length > 0) status = Math.max(status, DAMAGED);
  }
  await out.flush();
  if (store?.failure) {
    process.stderr.write(`chunkdump: ${store.failure}\n`);
    status = USAGE_OR_IO;
  }
  return status;
}

/** gzip and flate over `node:zlib`: the same results and errors as the pure codecs, faster. */
const NODE_CODECS = createNodeCodecRegistry();

/** Reads and checks one file (`-`: standard input). */
async function inspectFile(file: string, settings: Settings, store: BlockStore | null): Promise<FileReport> {
  const input = await readInput(file);
  if ('problem' in input) {
    return input.refusedSize === undefined ? unreadableReport(file, input.problem) : refusedReport(file, input.refusedSize, input.problem);
  }
  return inspectChunk(file, input.bytes, {
    lenient: settings.lenient,
    checkpoint: settings.checkpoint,
    hashes: settings.blocks,
    entries: settings.entries,
    onBlockBytes: store ? (block, decompressed) => store.save(file, block, decompressed) : undefined,
    codecs: NODE_CODECS,
  });
}

type Input = { bytes: Uint8Array } | { problem: Problem; refusedSize?: number };

/** The bytes of a file or of standard input, refusing anything larger than the reader's chunk limit unread. */
async function readInput(file: string): Promise<Input> {
  const limit = DEFAULT_LIMITS.maxChunkSize;
  const tooLarge = (size: number): Input => ({
    problem: { code: 'LIMIT_EXCEEDED', message: `${size} bytes is larger than any chunk (limit ${limit} bytes)`, offset: 0 },
    refusedSize: size,
  });
  try {
    if (file === '-') {
      const bytes = await readStdin(limit + 1);
      return bytes.length > limit ? tooLarge(bytes.length) : { bytes };
    }
    const stat = statSync(file);
    if (stat.isDirectory()) return ioProblem('is a directory');
    if (stat.isFile() && stat.size > limit) return tooLarge(stat.size);
    const bytes = readFileSync(file);
    return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    return ioProblem(reason);
  }
}

function ioProblem(reason: string): Input {
  return { problem: { code: 'IO_ERROR', message: `cannot read: ${reason}` } };
}

/** Standard input, up to `max` bytes (a larger input is cut there: it is refused anyway). */
async function readStdin(max: number): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const part of process.stdin as AsyncIterable<Buffer>) {
    parts.push(part);
    length += part.length;
    if (length >= max) break;
  }
  const bytes = Buffer.concat(parts);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** `--store-blocks`: each block's bytes as `<dir>/<file>.block-<index>.compressed` and `.decompressed`. */
class BlockStore {
  /** The first write error; nothing more is written after it. */
  failure: string | undefined;
  private readonly stems = new Map<string, string>();

  constructor(private readonly dir: string) {}

  save(file: string, block: ChunkBlock, decompressed: Uint8Array | null): void {
    if (this.failure !== undefined) return;
    const index = String(block.index).padStart(4, '0');
    const prefix = join(this.dir, `${this.stemOf(file)}.block-${index}`);
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(`${prefix}.compressed`, block.compressedBytes());
      if (decompressed) writeFileSync(`${prefix}.decompressed`, decompressed);
    } catch (error) {
      this.failure = `--store-blocks: cannot write ${prefix}.*: ${(error as Error).message}`;
    }
  }

  /** The file's base name, made unique when two inputs share one (`a/x.chunk`, `b/x.chunk` -> `x.chunk`, `x.chunk-2`). */
  private stemOf(file: string): string {
    const known = this.stems.get(file);
    if (known !== undefined) return known;
    const base = file === '-' ? 'stdin' : basename(file);
    const taken = new Set(this.stems.values());
    let stem = base;
    for (let n = 2; taken.has(stem); n++) stem = `${base}-${n}`;
    this.stems.set(file, stem);
    return stem;
  }
}

exitQuietlyOnClosedPipe(process.stdout, 'standard output');

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    // A bug, not bad input: one line, no stack trace.
    process.stderr.write(`chunkdump: internal error (please report it): ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = USAGE_OR_IO;
  },
);
