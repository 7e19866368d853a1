/**
 * Mutations: byte-level ones for any bytes, and structure-aware ones for chunks that edit a part (a metas field,
 * the block list, a block's compressed bytes, a decompressed payload, the symbol table, the header, the footer)
 * and reassemble with fresh CRC-32Cs, so the damage reaches the code behind the checksums.
 */
import { ByteReader } from '../src/binary/byte-reader.js';
import { ByteWriter } from '../src/binary/byte-writer.js';
import { defaultCodecRegistry } from '../src/compression/defaults.js';
import { assemble, fixChecksums, type BlockPart, type ChunkParts } from './chunk-model.js';
import type { Corpus, CorpusChunk } from './corpus.js';
import type { Rng } from './rng.js';

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0x81, 0xfe, 0xff];

/** Values that break length and count fields: boundaries of varint widths, of int32, of 2^53 and of 64 bits. */
function interestingUnsigned(rng: Rng, around: bigint, size: number): bigint {
  const choices = [
    0n, 1n, 2n, 127n, 128n, 255n, 16383n, 16384n,
    (1n << 31n) - 1n, 1n << 31n, (1n << 32n) - 1n, 1n << 32n,
    (1n << 53n) - 1n, 1n << 53n, 1n << 63n, (1n << 64n) - 1n,
    BigInt(size), BigInt(size) + 1n, BigInt(Math.max(0, size - 1)),
    (1n << 30n) + 1n, (64n << 20n) + 1n, (128n << 20n) + 1n, (16n << 20n) + 1n,
    around + 1n, around > 0n ? around - 1n : 0n, around * 2n, around + BigInt(rng.between(2, 64)),
  ];
  return BigInt.asUintN(64, rng.pick(choices));
}

function interestingSigned(rng: Rng, around: bigint): bigint {
  const choices = [0n, -1n, 1n, -(1n << 63n), (1n << 63n) - 1n, (1n << 63n) - 2n, -(1n << 62n), around + 1n, around - 1n, -around];
  return BigInt.asIntN(64, rng.pick(choices));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Replaces the uvarint starting at a random position with an interesting value (its width may change). */
function editVarint(rng: Rng, data: Uint8Array): Uint8Array {
  if (data.length === 0) return data;
  const at = rng.below(data.length);
  let end = at;
  let old = 0n;
  try {
    const reader = new ByteReader(data, at);
    old = reader.uvarint64();
    end = reader.pos;
  } catch {
    end = Math.min(data.length, at + 1);
  }
  const writer = new ByteWriter(16);
  writer.uvarint64(interestingUnsigned(rng, old, data.length));
  return concat(data.subarray(0, at), writer.toBytes(), data.subarray(end));
}

/** One random byte-level edit. */
export function mutateOnce(rng: Rng, data: Uint8Array, donor?: Uint8Array): Uint8Array {
  const n = data.length;
  switch (rng.below(11)) {
    case 0: {
      if (n === 0) return rng.bytes(1);
      const out = data.slice();
      const bit = rng.below(n * 8);
      out[bit >> 3]! ^= 1 << (bit & 7);
      return out;
    }
    case 1: {
      if (n === 0) return data;
      const out = data.slice();
      out[rng.below(n)] = rng.chance(0.6) ? rng.pick(INTERESTING_BYTES) : rng.below(256);
      return out;
    }
    case 2: {
      const at = rng.below(n + 1);
      const length = rng.smallLength();
      const insert = rng.chance(0.5) || n === 0 ? rng.bytes(length) : data.slice(rng.below(n), rng.below(n) + length);
      return concat(data.subarray(0, at), insert, data.subarray(at));
    }
    case 3: {
      const at = rng.below(n);
      return concat(data.subarray(0, at), data.subarray(Math.min(n, at + rng.smallLength())));
    }
    case 4:
      return data.slice(0, rng.below(n + 1));
    case 5:
      return data.slice(rng.below(Math.min(n, 64) + 1));
    case 6:
      return concat(data, rng.chance(0.5) ? rng.bytes(rng.smallLength(256)) : new Uint8Array(rng.smallLength(256)));
    case 7: {
      // Copy a range over another one (duplicated structures).
      if (n < 2) return data;
      const out = data.slice();
      const length = Math.min(n, rng.smallLength(Math.max(1, n >> 2)));
      const from = rng.below(n - length + 1);
      out.set(data.subarray(from, from + length), rng.below(n - length + 1));
      return out;
    }
    case 8:
      return editVarint(rng, data);
    case 9: {
      if (!donor || donor.length === 0) return data;
      const from = rng.below(donor.length);
      return concat(data.subarray(0, rng.below(n + 1)), donor.subarray(from, from + rng.between(1, donor.length - from)));
    }
    default: {
      if (n === 0) return data;
      const out = data.slice();
      const at = rng.below(n);
      out.fill(rng.pick([0, 0xff, rng.below(256)]), at, at + rng.smallLength(32));
      return out;
    }
  }
}

/** One to four byte-level edits. */
export function mutateBytes(rng: Rng, data: Uint8Array, donor?: Uint8Array): Uint8Array {
  let out = data;
  const rounds = rng.chance(0.6) ? 1 : rng.between(2, 4);
  for (let i = 0; i < rounds; i++) out = mutateOnce(rng, out, donor);
  return out;
}

function cloneParts(parts: ChunkParts): ChunkParts {
  return { ...parts, blocks: parts.blocks.map((block) => ({ ...block })) };
}

function codecFor(id: number) {
  return defaultCodecRegistry().find(id);
}

/** A structure-aware chunk mutation: its name (for statistics) and the mutated bytes. */
export interface ChunkMutation {
  name: string;
  bytes: Uint8Array;
}

type PartsMutator = (rng: Rng, parts: ChunkParts, base: CorpusChunk) => ChunkParts | null;

const metasField: PartsMutator = (rng, parts, base) => {
  if (parts.blocks.length === 0) {
    parts.blockCount = interestingUnsigned(rng, 0n, base.bytes.length);
    return parts;
  }
  const block = rng.pick(parts.blocks);
  switch (rng.below(7)) {
    case 0: block.entryCount = interestingUnsigned(rng, block.entryCount, base.bytes.length); break;
    case 1: block.mint = interestingSigned(rng, block.mint); break;
    case 2: block.maxt = interestingSigned(rng, block.maxt); break;
    case 3: block.offset = interestingUnsigned(rng, 0n, base.bytes.length); break;
    case 4: block.uncompressedSize = interestingUnsigned(rng, block.uncompressedSize, base.bytes.length); break;
    case 5: block.length = interestingUnsigned(rng, BigInt(block.data.length), base.bytes.length); break;
    default: parts.blockCount = interestingUnsigned(rng, BigInt(parts.blocks.length), base.bytes.length);
  }
  return parts;
};

const blockList: PartsMutator = (rng, parts) => {
  const blocks = parts.blocks;
  if (blocks.length === 0) return null;
  const i = rng.below(blocks.length);
  const j = rng.below(blocks.length);
  switch (rng.below(5)) {
    case 0: [blocks[i], blocks[j]] = [blocks[j]!, blocks[i]!]; break;
    case 1: blocks.splice(i, 0, { ...blocks[j]! }); break;
    case 2: blocks.splice(i, 1); break;
    case 3: blocks.reverse(); break;
    default: {
      // Stale offsets: blocks moved, metas still say where they were (Loki's "wrongly written block offsets").
      const offsets = blocks.map((_, k) => BigInt(k * 7 + rng.below(64)));
      blocks.forEach((block, k) => (block.offset = offsets[k]));
    }
  }
  return parts;
};

const compressedBytes: PartsMutator = (rng, parts, base) => {
  if (parts.blocks.length === 0) return null;
  const block = rng.pick(parts.blocks);
  block.data = mutateBytes(rng, block.data, base.bytes);
  return parts;
};

const payload: PartsMutator = (rng, parts) => {
  const codec = codecFor(parts.encoding);
  if (!codec || parts.blocks.length === 0) return null;
  const block = rng.pick(parts.blocks) as BlockPart;
  const plain = codec.decompress(block.data, { maxOutputSize: 64 << 20 });
  block.data = codec.compress(mutateBytes(rng, plain));
  return parts;
};

const symbols: PartsMutator = (rng, parts) => {
  const codec = codecFor(parts.encoding);
  if (!parts.symbols || !codec) return null;
  if (rng.chance(0.3)) {
    parts.symbols = mutateBytes(rng, parts.symbols);
    return parts;
  }
  const reader = new ByteReader(parts.symbols);
  const count = reader.uvarint64();
  const plain = codec.decompress(parts.symbols.subarray(reader.pos), { maxOutputSize: 64 << 20 });
  const head = new ByteWriter(16);
  head.uvarint64(rng.chance(0.3) ? interestingUnsigned(rng, count, plain.length) : count);
  parts.symbols = concat(head.toBytes(), codec.compress(rng.chance(0.8) ? mutateBytes(rng, plain) : plain));
  return parts;
};

const header: PartsMutator = (rng, parts) => {
  const codecs = defaultCodecRegistry().list();
  if (rng.chance(0.6) && codecs.length > 1) parts.encoding = rng.pick(codecs).id;
  else parts.format = rng.pick([1, 2, 3, 4] as const);
  return parts;
};

const PARTS_MUTATORS: Array<[string, PartsMutator, number]> = [
  ['metas-field', metasField, 3],
  ['block-list', blockList, 2],
  ['compressed-fixcrc', compressedBytes, 3],
  ['payload-recompressed', payload, 4],
  ['symbols', symbols, 2],
  ['header', header, 1],
];

function weighted<T>(rng: Rng, items: ReadonlyArray<[string, T, number]>): [string, T, number] {
  const total = items.reduce((sum, item) => sum + item[2], 0);
  let roll = rng.below(total);
  for (const item of items) {
    roll -= item[2];
    if (roll < 0) return item;
  }
  return items[0]!;
}

/** A mutated golden chunk: byte-level (sometimes with CRCs fixed up), or structure-aware, or a footer edit. */
export function mutateChunk(rng: Rng, base: CorpusChunk, corpus: Corpus): ChunkMutation {
  const donor = rng.pick(corpus.chunks).bytes;
  const roll = rng.below(100);
  if (roll < 35 || !base.parts) return { name: 'bytes', bytes: mutateBytes(rng, base.bytes, donor) };
  if (roll < 45) {
    // Same-length damage inside a section, CRCs recomputed: only the structure can catch it.
    const out = base.bytes.slice();
    const section = rng.pick(base.sections);
    const edited = mutateOnce(rng, out.subarray(section.offset, section.offset + section.length));
    out.set(edited.subarray(0, section.length), section.offset);
    fixChecksums(out, base.sections);
    return { name: 'bytes-fixcrc', bytes: out };
  }
  if (roll < 52) {
    const out = rng.chance(0.5) ? base.bytes.slice() : assemble(base.parts);
    const footer = base.parts.format === 4 ? 32 : 8;
    const field = out.length - footer + 8 * rng.below(footer / 8);
    new DataView(out.buffer).setBigUint64(field, interestingUnsigned(rng, 0n, out.length));
    return { name: 'footer', bytes: out };
  }
  const [name, mutator] = weighted(rng, PARTS_MUTATORS);
  let parts: ChunkParts | null;
  try {
    parts = mutator(rng, cloneParts(base.parts), base);
  } catch {
    parts = null; // A payload the codec could not round-trip: fall back to bytes.
  }
  if (!parts) return { name: 'bytes', bytes: mutateBytes(rng, base.bytes, donor) };
  let bytes = assemble(parts);
  if (rng.chance(0.15)) bytes = mutateOnce(rng, bytes);
  return { name, bytes };
}
