/**
 * The seed corpus: Loki's golden chunks (raw, storage-wrapped and WAL checkpoint pairs), each taken apart once so
 * structure-aware mutators can edit its sections, and every compressed stream in them by codec.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCodecRegistry } from '../src/compression/defaults.js';
import { readChunk } from '../src/chunk/chunk.js';
import { disassemble, sectionsOf, type ChunkParts } from './chunk-model.js';

/** The repository root (this module and the bundled fuzzer both sit one folder below it). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Loki's golden chunks. */
export const GOLDEN_DIR = join(REPO_ROOT, 'fixtures', 'golden');

/** A golden chunk and what mutators need to know about it. */
export interface CorpusChunk {
  name: string;
  bytes: Uint8Array;
  /** The chunk half of a WAL checkpoint pair (v4 symbols uncompressed). */
  fromCheckpoint: boolean;
  /** Its parts, or `null` when this build cannot read it (codec not registered). */
  parts: ChunkParts | null;
  /** Its CRC-covered sections, when readable. */
  sections: Array<{ offset: number; length: number }>;
}

/** Everything the generators draw from. */
export interface Corpus {
  chunks: CorpusChunk[];
  /** Storage-wrapped objects. */
  wrapped: Array<{ name: string; bytes: Uint8Array }>;
  /** WAL checkpoint pairs. */
  checkpoints: Array<{ name: string; chunk: Uint8Array; head: Uint8Array }>;
  /** Compressed streams (blocks and symbol tables) by codec byte. */
  streams: Map<number, Uint8Array[]>;
}

function file(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(GOLDEN_DIR, name)));
}

/** Loads the golden corpus (`maxBytes` skips larger chunks, to keep inputs fast). */
export function loadCorpus(maxBytes = 256 * 1024): Corpus {
  const names = readdirSync(GOLDEN_DIR).sort();
  const chunks: CorpusChunk[] = [];
  const streams = new Map<number, Uint8Array[]>();
  const addStream = (codec: number, data: Uint8Array) => {
    const list = streams.get(codec) ?? [];
    list.push(data);
    streams.set(codec, list);
  };
  for (const name of names) {
    if (!name.endsWith('.chunk') || name.endsWith('.wrapped.chunk')) continue;
    const bytes = file(name);
    if (bytes.length > maxBytes) continue;
    const fromCheckpoint = name.startsWith('checkpoint-');
    let parts: ChunkParts | null = null;
    let sections: CorpusChunk['sections'] = [];
    try {
      parts = disassemble(bytes, fromCheckpoint);
      sections = sectionsOf(bytes, fromCheckpoint);
      const chunk = readChunk(bytes, { fromCheckpoint });
      for (const block of chunk.blocks) addStream(chunk.encoding.id, block.compressedBytes().slice());
      const sm = chunk.structuredMetadata;
      if (sm && !fromCheckpoint) {
        // The symbol stream follows the uvarint count (one byte in every golden chunk below 128 symbols).
        const countLength = sm.symbolCount < 128 ? 1 : 2;
        addStream(chunk.encoding.id, bytes.slice(sm.offset + countLength, sm.offset + sm.length));
      }
    } catch {
      // Codec not registered in this build: byte-level mutations still apply.
    }
    chunks.push({ name: name.slice(0, -'.chunk'.length), bytes, fromCheckpoint, parts, sections });
  }
  const wrapped = names.filter((n) => n.endsWith('.wrapped.chunk')).map((n) => ({ name: n, bytes: file(n) }));
  const checkpoints = names
    .filter((n) => n.endsWith('.head'))
    .map((n) => {
      const stem = n.slice(0, -'.head'.length);
      return { name: stem, chunk: file(`${stem}.chunk`), head: file(n) };
    });
  return { chunks, wrapped, checkpoints, streams };
}

/** Codec bytes registered in this build. */
export function registeredCodecIds(): number[] {
  return defaultCodecRegistry()
    .list()
    .map((codec) => codec.id);
}
