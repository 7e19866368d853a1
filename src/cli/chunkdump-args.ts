/**
 * chunkdump's command line: options, their checks, and the help text. A problem here is a usage error (exit 2).
 */
import { parseArgs } from 'node:util';
import { isLokiChunkError } from '../index.js';
import type { EntryQuery } from './chunkdump-report.js';
import { parseTime } from './chunkdump-time.js';

/** The help text. */
export const HELP = `Usage: chunkdump [options] <file>...

Shows what is inside Grafana Loki chunks: raw chunks (MemChunk.Bytes) and storage-wrapped objects from a
bucket, detected automatically. "-", or no file when standard input is a pipe, reads standard input.
Every block is decompressed and decoded to check it.

  -b, --blocks              per block: offset, stored and original length, ratio, entries, mint, maxt,
                            checksum, SHA-256 of the compressed and decompressed bytes
  -l, --lines               every entry: RFC 3339 UTC time (nanoseconds), the line, its structured metadata
      --from <time>         entries at or after <time>: RFC 3339 (2024-03-10T08:00:00Z) or integer nanoseconds
      --through <time>      entries before <time> (exclusive)
      --backward            newest entries first
      --normalize           structured-metadata names as Loki's reader normalises them (http.method -> http_method)
      --limit <n>           at most <n> entries per file
  -s, --store-blocks <dir>  write each block's compressed and decompressed bytes into <dir>
                            (<file>.block-<index>.compressed and .decompressed)
      --symbols             the v4 symbol table
      --lenient             read as Loki does: retry blocks at their expected offset, skip blocks whose
                            checksum fails, and report each block skipped or recovered
      --checkpoint          the files are chunks from WAL checkpoints (v4 symbol table not compressed)
      --json                one JSON object per file, one per line (NDJSON; the format is in the README)
  -h, --help                show this help
  -V, --version             show the version

Times print in UTC. Colours only on a terminal, never with NO_COLOR set.
Exit status: 0 every file is a valid chunk, 1 a file is damaged or cannot be decoded (after printing all that
could be read), 2 a usage or I/O error.`;

/** A problem with how chunkdump was called (exit status 2). */
export class UsageError extends Error {}

/** What chunkdump was asked to do. */
export interface Settings {
  files: string[];
  blocks: boolean;
  symbols: boolean;
  lenient: boolean;
  checkpoint: boolean;
  json: boolean;
  storeDir: string | undefined;
  /** `null` without `--lines`. */
  entries: EntryQuery | null;
}

/**
 * Parses the arguments. `stdinIsTTY`: with no file, standard input is read only when it is not a terminal.
 * @throws {UsageError} for unknown options, bad values and options that need `--lines`.
 */
export function parseSettings(argv: string[], stdinIsTTY: boolean): Settings | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        blocks: { type: 'boolean', short: 'b' },
        lines: { type: 'boolean', short: 'l' },
        from: { type: 'string' },
        through: { type: 'string' },
        backward: { type: 'boolean' },
        normalize: { type: 'boolean' },
        limit: { type: 'string' },
        'store-blocks': { type: 'string', short: 's' },
        symbols: { type: 'boolean' },
        lenient: { type: 'boolean' },
        checkpoint: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (error) {
    // Node's messages may span lines; a usage error is one line.
    throw new UsageError((error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' '));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (values.version) return 'version';
  const lineOptions = (['from', 'through', 'backward', 'normalize', 'limit'] as const).filter((name) => values[name] !== undefined);
  if (!values.lines && lineOptions.length > 0) {
    throw new UsageError(`--${lineOptions[0]} only applies to the entries: add --lines`);
  }
  if (values['store-blocks'] === '') throw new UsageError('--store-blocks needs a directory');
  return {
    files: inputFiles(positionals, stdinIsTTY),
    blocks: values.blocks ?? false,
    symbols: values.symbols ?? false,
    lenient: values.lenient ?? false,
    checkpoint: values.checkpoint ?? false,
    json: values.json ?? false,
    storeDir: values['store-blocks'],
    entries: values.lines
      ? {
          from: optionalTime(values.from, '--from'),
          through: optionalTime(values.through, '--through'),
          direction: values.backward ? 'backward' : 'forward',
          normalize: values.normalize ?? false,
          limit: parseLimit(values.limit),
        }
      : null,
  };
}

function inputFiles(positionals: string[], stdinIsTTY: boolean): string[] {
  if (positionals.length === 0) {
    if (stdinIsTTY) throw new UsageError('no file given (use "-" to read a chunk from standard input)');
    return ['-'];
  }
  if (positionals.filter((file) => file === '-').length > 1) throw new UsageError('standard input ("-") can be read only once');
  return positionals;
}

function optionalTime(text: string | undefined, flag: string): bigint | undefined {
  if (text === undefined) return undefined;
  try {
    return parseTime(text.trim(), flag);
  } catch (error) {
    if (isLokiChunkError(error)) throw new UsageError(error.message);
    throw error;
  }
}

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--limit must be a whole number of entries, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}
