/**
 * chunkpack: packs NDJSON log entries into Loki chunks, one chunk file or a directory of chunks cut as Loki's
 * ingester cuts them. Uses only the public API.
 */
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { version } from '../../package.json';
import {
  ChunkWriter,
  CodecId,
  createNodeCodecRegistry,
  DEFAULT_BLOCK_SIZE,
  DEFAULT_ENCODING,
  DEFAULT_TARGET_SIZE,
  encodeChunks,
  isLokiChunkError,
  type ChunkFormat,
  type ChunkWriterOptions,
  type EntryInput,
} from '../node.js';
import { parseEntryLine } from './ndjson.js';

const CODEC_NAMES = Object.keys(CodecId).filter((name) => name !== 'dumb');

const HELP = `Usage: chunkpack [options] (-o <file> | -d <dir>) [input.ndjson ...]

Packs log entries into Loki chunks, exactly as Loki's Go code writes them. Reads the NDJSON files given, or
standard input when there are none or a file is "-". One entry per line:
  {"ts":"1710057600123456789","line":"GET /health 200","structuredMetadata":[["trace_id","abc"]]}
  ts: int64 nanoseconds, as a decimal string. line: UTF-8 text, or lineBase64: the raw bytes in base64.
  structuredMetadata: optional [name, value] pairs (stored by format 4 only, as in Loki).

Output:
  -o, --output <file>       write every entry into one chunk ("-": standard output)
  -d, --out-dir <dir>       write chunks 000000.chunk, 000001.chunk, ... into <dir>, starting a new chunk
                            whenever the current one has no space (Loki's ingester rule)

Chunk options (defaults are Loki's):
  -f, --format <1-4>        chunk format (default 4)
  -c, --codec <name>        ${CODEC_NAMES.join(', ')}
                            (default ${DEFAULT_ENCODING}; format 1 is always gzip)
  -b, --block-size <size>   uncompressed block size in bytes, k/m suffixes for KiB/MiB (default 256k)
  -t, --target-size <size>  target compressed chunk size for --out-dir (default 1536k; 0: 10 blocks per chunk)
      --drop-out-of-order   skip entries a format 1-2 chunk refuses as out of order, as Loki's ingester
                            does, instead of failing

  -q, --quiet               print no summary on standard error
  -h, --help                show this help
  -V, --version             show the version

Exit status: 0 on success, 1 when reading or writing fails (the message names the input line), 2 for a
usage error.`;

/** A problem with how chunkpack was called (exit status 2). */
class UsageError extends Error {}

/** Where the entry being read came from, for error messages. */
interface Position {
  source: string;
  line: number;
}

interface Settings {
  output: string | undefined;
  outDir: string | undefined;
  inputs: string[];
  chunk: ChunkWriterOptions;
  dropOutOfOrder: boolean;
  quiet: boolean;
}

/** Totals for the summary line. */
interface Totals {
  chunks: number;
  entries: number;
  duplicates: number;
  rejected: number;
  bytes: number;
}

async function main(argv: string[]): Promise<number> {
  let settings: Settings | 'help' | 'version';
  try {
    settings = parseSettings(argv);
  } catch (error) {
    process.stderr.write(`chunkpack: ${messageOf(error)}\nTry 'chunkpack --help'.\n`);
    return 2;
  }
  if (settings === 'help') return write(process.stdout, `${HELP}\n`);
  if (settings === 'version') return write(process.stdout, `${version}\n`);

  const position: Position = { source: '', line: 0 };
  try {
    const entries = readEntries(settings.inputs, position);
    const totals = settings.outDir === undefined ? await packOne(entries, settings) : await packMany(entries, settings);
    if (!settings.quiet) process.stderr.write(`chunkpack: ${summary(totals, settings)}\n`);
    return 0;
  } catch (error) {
    const where = position.line > 0 && isEntryError(error) ? `${position.source}:${position.line}: ` : '';
    process.stderr.write(`chunkpack: ${where}${messageOf(error)}\n`);
    return 1;
  }
}

function parseSettings(argv: string[]): Settings | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        'out-dir': { type: 'string', short: 'd' },
        format: { type: 'string', short: 'f' },
        codec: { type: 'string', short: 'c' },
        'block-size': { type: 'string', short: 'b' },
        'target-size': { type: 'string', short: 't' },
        'drop-out-of-order': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (values.version) return 'version';
  if ((values.output === undefined) === (values['out-dir'] === undefined)) {
    throw new UsageError('give exactly one of --output <file> or --out-dir <dir>');
  }
  if (values.output === '-' && process.stdout.isTTY) {
    throw new UsageError('refusing to write a binary chunk to a terminal: redirect standard output or use --output <file>');
  }
  if (values.format !== undefined && !/^[1-4]$/.test(values.format)) {
    throw new UsageError(`--format must be 1, 2, 3 or 4, got ${JSON.stringify(values.format)}`);
  }
  const format = Number(values.format ?? 4);
  const chunk: ChunkWriterOptions = {
    format: format as ChunkFormat,
    encoding: values.codec ?? (format === 1 ? 'gzip' : DEFAULT_ENCODING),
    blockSize: parseSize(values['block-size'], '--block-size', DEFAULT_BLOCK_SIZE),
    targetSize: parseSize(values['target-size'], '--target-size', DEFAULT_TARGET_SIZE),
    // gzip and flate compressed by node:zlib: valid streams Loki reads, somewhat faster than pure TypeScript.
    codecs: createNodeCodecRegistry(),
  };
  try {
    new ChunkWriter(chunk); // Checks the codec name and the sizes before any input is read.
  } catch (error) {
    if (isLokiChunkError(error) && error.code === 'UNSUPPORTED_ENCODING') {
      throw new UsageError(`unknown codec ${JSON.stringify(values.codec)} (known: ${CODEC_NAMES.join(', ')})`);
    }
    throw new UsageError(messageOf(error));
  }
  return {
    output: values.output,
    outDir: values['out-dir'],
    inputs: positionals.length > 0 ? positionals : ['-'],
    chunk,
    dropOutOfOrder: values['drop-out-of-order'] ?? false,
    quiet: values.quiet ?? false,
  };
}

function parseSize(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const match = /^(\d+)(k|kib|m|mib)?$/i.exec(text.trim());
  if (!match) throw new UsageError(`${flag} must be a whole number of bytes, optionally with a k or m suffix, got ${JSON.stringify(text)}`);
  const unit = match[2] === undefined ? 1 : match[2].toLowerCase().startsWith('k') ? 1024 : 1024 * 1024;
  const value = Number(match[1]) * unit;
  if (!Number.isSafeInteger(value)) throw new UsageError(`${flag} ${text} is too large`);
  return value;
}

/** Every entry of the inputs, in order, keeping `position` on the line being read. */
async function* readEntries(inputs: string[], position: Position): AsyncGenerator<EntryInput, void, undefined> {
  for (const input of inputs) {
    const stdin = input === '-';
    const stream = stdin ? process.stdin : createReadStream(input);
    position.source = stdin ? '<stdin>' : input;
    position.line = 0;
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    try {
      for await (const text of lines) {
        position.line++;
        if (text.trim() === '') continue;
        yield parseEntryLine(text);
      }
    } catch (error) {
      throw readError(error, position.source);
    } finally {
      lines.close();
      if (!stdin) (stream as ReturnType<typeof createReadStream>).destroy();
    }
  }
}

/** Every entry in one chunk (`--output`). */
async function packOne(entries: AsyncIterable<EntryInput>, settings: Settings): Promise<Totals> {
  const writer = new ChunkWriter(settings.chunk);
  let duplicates = 0;
  let rejected = 0;
  for await (const entry of entries) {
    try {
      if (writer.append(entry).duplicate) duplicates++;
    } catch (error) {
      if (!(settings.dropOutOfOrder && isLokiChunkError(error) && error.code === 'OUT_OF_ORDER')) throw error;
      rejected++;
    }
  }
  const bytes = writer.finish();
  if (settings.output === '-') await writeAll(process.stdout, bytes);
  else await writeFile(settings.output!, bytes);
  return { chunks: 1, entries: writer.entryCount, duplicates, rejected, bytes: bytes.length };
}

/** Chunks cut as Loki's ingester cuts them (`--out-dir`). */
async function packMany(entries: AsyncIterable<EntryInput>, settings: Settings): Promise<Totals> {
  const dir = settings.outDir!;
  await mkdir(dir, { recursive: true });
  const totals: Totals = { chunks: 0, entries: 0, duplicates: 0, rejected: 0, bytes: 0 };
  const chunks = encodeChunks(entries, { ...settings.chunk, outOfOrder: settings.dropOutOfOrder ? 'drop' : 'error' });
  for await (const chunk of chunks) {
    await writeFile(join(dir, `${String(totals.chunks).padStart(6, '0')}.chunk`), chunk.bytes);
    totals.chunks++;
    totals.entries += chunk.entryCount;
    totals.duplicates += chunk.duplicates;
    totals.rejected += chunk.rejected;
    totals.bytes += chunk.bytes.length;
  }
  return totals;
}

function summary(totals: Totals, settings: Settings): string {
  const { format, encoding } = settings.chunk;
  const parts = [totals.entries === 1 ? '1 entry' : `${totals.entries} entries`];
  if (totals.duplicates > 0) parts.push(`${totals.duplicates} duplicates dropped`);
  if (totals.rejected > 0) parts.push(`${totals.rejected} out-of-order entries dropped`);
  parts.push(`${totals.bytes} bytes`);
  const target = settings.outDir ?? (settings.output === '-' ? 'standard output' : settings.output);
  const chunks = totals.chunks === 1 ? '1 chunk' : `${totals.chunks} chunks`;
  return `wrote ${chunks} (v${format}, ${String(encoding)}; ${parts.join(', ')}) to ${target}`;
}

/** Errors caused by one entry (the message then names its input line). */
function isEntryError(error: unknown): boolean {
  return isLokiChunkError(error) && ['INVALID_ARGUMENT', 'OUT_OF_ORDER', 'LIMIT_EXCEEDED'].includes(error.code);
}

function readError(error: unknown, source: string): unknown {
  if (isLokiChunkError(error)) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new Error(`${source}: no such file`);
  if (code === 'EISDIR') return new Error(`${source}: is a directory`);
  if (code === 'EACCES') return new Error(`${source}: permission denied`);
  return new Error(`${source}: ${messageOf(error)}`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Writes text and resolves with exit status 0. */
async function write(stream: NodeJS.WriteStream, text: string): Promise<number> {
  await writeAll(stream, text);
  return 0;
}

/** Writes `data`; a closed pipe is not an error (the 'error' handler below then ends the program quietly). */
function writeAll(stream: NodeJS.WriteStream, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) =>
    stream.write(data, (error) => (error && (error as NodeJS.ErrnoException).code !== 'EPIPE' ? reject(error) : resolve())),
  );
}

// A closed pipe (`chunkpack -o - ... | head -c 10`) ends the program quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`chunkpack: ${messageOf(error)}\n`);
    process.exitCode = 1;
  },
);
