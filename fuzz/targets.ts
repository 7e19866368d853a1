/**
 * Fuzz targets: how each entry point's inputs are generated (from the seeded RNG and the corpus) and checked
 * (with the oracle). An input is plain data, so it can be sent to a worker, minimised, saved and replayed.
 */
import { checkCheckpoint, checkChunk, checkChunkdump, checkOpenChunk, checkCodec, checkCodecRoundTrip, checkWriterRoundTrip, TIGHT_LIMITS, type WriterSpec } from './oracle.js';
import { mutateBytes, mutateChunk } from './mutators.js';
import { registeredCodecIds, type Corpus } from './corpus.js';
import type { Rng } from './rng.js';
import { MAX_INT64, MIN_INT64 } from '../src/binary/int64.js';

/** One fuzz input: what to run and on which bytes. */
export interface FuzzInput {
  /** Target name (see {@link TARGETS}). */
  target: string;
  /** The bytes under test. */
  data: Uint8Array;
  /** A second input where the target takes two (the head file of a checkpoint pair). */
  aux?: Uint8Array;
  /** Target options (JSON values only). */
  options: Record<string, string | number | boolean>;
  /** How the input was made (statistics only). */
  mutation?: string;
}

/** A fuzz target. */
export interface Target {
  name: string;
  /** Relative share of the iterations. */
  weight: number;
  generate(rng: Rng, corpus: Corpus): FuzzInput;
  /** Runs the input through the oracle; returns outcome codes, throws a Violation. */
  execute(input: FuzzInput): string[] | Promise<string[]>;
}

const RANGE_BOUNDS = ['-9223372036854775808', '-1', '0', '1', '1710057600000000000', '1710057600123456789', '1710057660000000000', '9223372036854775807'];

function readerOptions(rng: Rng): FuzzInput['options'] {
  const options: FuzzInput['options'] = {
    lenient: rng.chance(0.4),
    verifyChecksums: rng.chance(0.8),
    tightLimits: rng.chance(0.8),
    salvageScan: rng.chance(0.2),
  };
  if (rng.chance(0.3)) {
    options.from = rng.pick(RANGE_BOUNDS);
    options.through = rng.pick(RANGE_BOUNDS);
  }
  return options;
}

/** A golden chunk, small ones (16 KiB or less) three times out of four: they run many times faster. */
function pickChunk(rng: Rng, corpus: Corpus): Corpus['chunks'][number] {
  const small = corpus.chunks.filter((c) => c.bytes.length <= 16 * 1024);
  return rng.chance(0.75) && small.length > 0 ? rng.pick(small) : rng.pick(corpus.chunks);
}

const chunk: Target = {
  name: 'chunk',
  weight: 10,
  generate(rng, corpus) {
    const base = pickChunk(rng, corpus);
    const mutation = mutateChunk(rng, base, corpus);
    return {
      target: 'chunk',
      data: mutation.bytes,
      options: { ...readerOptions(rng), fromCheckpoint: base.fromCheckpoint },
      mutation: mutation.name,
    };
  },
  execute: (input) => checkChunk(input.data, input.options),
};

const wrapped: Target = {
  name: 'wrapped',
  weight: 1,
  generate(rng, corpus) {
    const base = rng.pick(corpus.wrapped).bytes;
    let data = mutateBytes(rng, base);
    if (rng.chance(0.3)) {
      // Lengths of the wrapper: metadata length and data length words.
      data = data.slice();
      const view = new DataView(data.buffer);
      const field = rng.chance(0.5) || data.length < 8 ? 0 : Math.min(data.length - 4, view.getUint32(0));
      if (field + 4 <= data.length) view.setUint32(field, rng.pick([0, 4, 8, data.length, data.length - field - 4, 0xffffffff, rng.u32()]));
    }
    return { target: 'wrapped', data, options: readerOptions(rng), mutation: 'wrapper' };
  },
  execute: (input) => checkChunk(input.data, input.options),
};

const checkpoint: Target = {
  name: 'checkpoint',
  weight: 2,
  generate(rng, corpus) {
    const base = rng.pick(corpus.checkpoints);
    const mutateHead = rng.chance(0.7);
    return {
      target: 'checkpoint',
      data: mutateHead ? base.chunk : mutateBytes(rng, base.chunk),
      aux: mutateHead ? mutateBytes(rng, base.head) : base.head,
      options: readerOptions(rng),
      mutation: mutateHead ? 'head' : 'chunk',
    };
  },
  execute: (input) => checkCheckpoint(input.data, input.aux ?? new Uint8Array(0), input.options),
};

/** Plain data shaped like what codecs meet: log lines, runs, noise, sizes across frame and window boundaries. */
export function plainData(rng: Rng): Uint8Array {
  const size = rng.pick([0, 1, rng.below(64), rng.below(4096), rng.below(70_000), rng.between(64 * 1024, 300 * 1024)]);
  const out = new Uint8Array(size);
  const kind = rng.below(4);
  const line = new TextEncoder().encode(`ts=2024-03-10T08:00:${rng.below(60)}Z level=info msg="request ${rng.u32()}" path=/api/v1/push\n`);
  for (let i = 0; i < size; i++) {
    if (kind === 0) out[i] = rng.u32() & 0xff;
    else if (kind === 1) out[i] = line[i % line.length]!;
    else if (kind === 2) out[i] = i % 977 < 500 ? 0 : line[i % line.length]!;
    else out[i] = rng.chance(0.05) ? rng.u32() & 0xff : line[i % line.length]!;
  }
  return out;
}

const codec: Target = {
  name: 'codec',
  weight: 4,
  generate(rng, corpus): FuzzInput {
    const ids = registeredCodecIds().filter((id) => id !== 0);
    const id = ids.length > 0 ? rng.pick(ids) : 0;
    const roll = rng.below(10);
    if (roll < 2) {
      // Differential: compress then decompress gives the data back.
      return { target: 'codec', data: plainData(rng), options: { codec: id, roundTrip: true }, mutation: 'round-trip' };
    }
    const streams = corpus.streams.get(id) ?? [];
    const base = streams.length > 0 && roll < 8 ? rng.pick(streams) : rng.bytes(rng.below(512));
    const maxOutputSize = rng.pick([0, 1, 100, 64 * 1024, TIGHT_LIMITS.maxDecompressedBlockSize, 128 * 1024 * 1024]);
    return { target: 'codec', data: mutateBytes(rng, base), options: { codec: id, maxOutputSize }, mutation: 'stream' };
  },
  execute(input) {
    const id = Number(input.options.codec);
    if (input.options.roundTrip) return checkCodecRoundTrip(id, input.data);
    return checkCodec(id, input.data, Number(input.options.maxOutputSize));
  },
};

const NAMES = ['level', 'trace_id', 'http.method', 'a b', '0abc', 'région', 'k', 'x1', 'service_name'];
const VALUES = ['', 'info', 'debug', 'GET', 'x'.repeat(300), 'é😀', '0', 'a=b, c="d"'];
const EXTREME_TIMESTAMPS = ['-9223372036854775808', '-1', '0', '1', '9223372036854775806', '9223372036854775807'];

/** A random writer input: format, codec, block size and entries with timestamps, lines and metadata that stress it. */
function writerSpec(rng: Rng): WriterSpec {
  const codecs = registeredCodecIds();
  const format = rng.pick(codecs.includes(1) ? ([1, 2, 3, 4, 4] as const) : ([2, 3, 4, 4] as const));
  const encoding = format === 1 ? 1 : rng.pick(codecs);
  const count = rng.pick([0, 1, rng.below(20), rng.below(300)]);
  const entries: WriterSpec['entries'] = [];
  let ts = BigInt(rng.u32()) * 1000n;
  for (let i = 0; i < count; i++) {
    const roll = rng.below(10);
    if (roll < 5) ts += BigInt(rng.below(1000));
    else if (roll < 7) ts -= BigInt(rng.below(1000));
    else if (roll < 8) ts = BigInt(rng.pick(EXTREME_TIMESTAMPS));
    ts = ts < MIN_INT64 ? MIN_INT64 : ts > MAX_INT64 ? MAX_INT64 : ts;
    const lineKind = rng.below(10);
    const line =
      lineKind < 1 ? '' : lineKind < 6 ? `line ${i} ${'abc '.repeat(rng.below(30))}` : lineKind < 8 ? `ünïcødé ${'😀'.repeat(rng.below(5))} ${i}` : lineKind < 9 ? 'L'.repeat(rng.below(70_000)) : null;
    const pairs: Array<[string, string]> = [];
    for (let p = rng.below(4); p > 0; p--) pairs.push([rng.pick(NAMES), rng.pick(VALUES)]);
    entries.push({
      ts: ts.toString(),
      ...(line === null ? { lineBase64: Buffer.from(rng.bytes(rng.below(200))).toString('base64') } : { line }),
      ...(pairs.length > 0 ? { structuredMetadata: pairs } : {}),
    });
    if (rng.chance(0.05) && entries.length > 0) entries.push({ ...rng.pick(entries) });
  }
  return { format, encoding, blockSize: rng.pick([16, 200, 1024, 4096, 256 * 1024]), entries };
}

const writer: Target = {
  name: 'writer',
  weight: 2,
  generate(rng): FuzzInput {
    return { target: 'writer', data: new TextEncoder().encode(JSON.stringify(writerSpec(rng))), options: {}, mutation: 'entries' };
  },
  execute(input) {
    let spec: WriterSpec;
    try {
      spec = JSON.parse(new TextDecoder().decode(input.data)) as WriterSpec;
    } catch {
      return ['not-a-spec']; // A minimisation step broke the JSON: not the failure being minimised.
    }
    return checkWriterRoundTrip(spec);
  },
};

const chunkdump: Target = {
  name: 'chunkdump',
  weight: 2,
  generate(rng, corpus): FuzzInput {
    const fromWrapped = rng.chance(0.2);
    const base = fromWrapped ? null : pickChunk(rng, corpus);
    const data = base ? mutateChunk(rng, base, corpus).bytes : mutateBytes(rng, rng.pick(corpus.wrapped).bytes);
    const options: FuzzInput['options'] = { lenient: rng.chance(0.4), checkpoint: base?.fromCheckpoint ?? false, backward: rng.chance(0.5), normalize: rng.chance(0.3) };
    if (rng.chance(0.3)) {
      options.from = rng.pick(RANGE_BOUNDS);
      options.through = rng.pick(RANGE_BOUNDS);
    }
    return { target: 'chunkdump', data, options, mutation: fromWrapped ? 'wrapper' : 'chunk' };
  },
  execute: (input) => checkChunkdump(input.data, input.options),
};

const LIES = ['short', 'long', 'throw', 'not-bytes', 'reject-string'] as const;

const openChunkTarget: Target = {
  name: 'openChunk',
  weight: 4,
  generate(rng, corpus): FuzzInput {
    const fromWrapped = rng.chance(0.15);
    const base = fromWrapped ? null : pickChunk(rng, corpus);
    const data = base ? mutateChunk(rng, base, corpus).bytes : mutateBytes(rng, rng.pick(corpus.wrapped).bytes);
    const options: FuzzInput['options'] = { ...readerOptions(rng), fromCheckpoint: base?.fromCheckpoint ?? false, noCoalesce: rng.chance(0.3) };
    if (rng.chance(0.15)) {
      options.lie = rng.pick(LIES);
      options.lieAt = rng.below(4);
    }
    return { target: 'openChunk', data, options, mutation: fromWrapped ? 'wrapper' : options.lie ? `lie-${String(options.lie)}` : 'chunk' };
  },
  execute: (input) => checkOpenChunk(input.data, input.options as Parameters<typeof checkOpenChunk>[1]),
};

/** Every target, by name. */
export const TARGETS: Target[] = [chunk, wrapped, checkpoint, codec, writer, chunkdump, openChunkTarget];

/** The target called `name`. */
export function targetNamed(name: string): Target {
  const target = TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`unknown fuzz target ${name} (known: ${TARGETS.map((t) => t.name).join(', ')})`);
  return target;
}
