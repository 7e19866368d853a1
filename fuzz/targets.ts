/**
 * Fuzz targets: how each entry point's inputs are generated (from the seeded RNG and the corpus) and checked
 * (with the oracle). An input is plain data, so it can be sent to a worker, minimised, saved and replayed.
 */
import { checkCheckpoint, checkChunk, checkCodec, checkCodecRoundTrip, TIGHT_LIMITS } from './oracle.js';
import { mutateBytes, mutateChunk } from './mutators.js';
import { registeredCodecIds, type Corpus } from './corpus.js';
import type { Rng } from './rng.js';

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

function readerOptions(rng: Rng): FuzzInput['options'] {
  return {
    lenient: rng.chance(0.4),
    verifyChecksums: rng.chance(0.8),
    tightLimits: rng.chance(0.8),
  };
}

const chunk: Target = {
  name: 'chunk',
  weight: 10,
  generate(rng, corpus) {
    const base = rng.pick(corpus.chunks);
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

/** Every target, by name. */
export const TARGETS: Target[] = [chunk, wrapped, checkpoint, codec];

/** The target called `name`. */
export function targetNamed(name: string): Target {
  const target = TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`unknown fuzz target ${name} (known: ${TARGETS.map((t) => t.name).join(', ')})`);
  return target;
}
