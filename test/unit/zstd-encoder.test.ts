import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decompress as fzstdDecompress } from 'fzstd';
import { compressZstd, type ZstdLevel } from '../../src/compression/zstd/encode/encoder.js';
import { decompressZstd } from '../../src/compression/zstd/decode/decoder.js';
import { readFrameHeader } from '../../src/compression/zstd/frame.js';
import { sameBytes } from './zstd-golden-streams.js';
import { ZSTD_FIXTURE_DIR } from './zstd-fixtures.js';

const LIMIT = { maxOutputSize: 1 << 30 };
const LEVELS: ZstdLevel[] = ['default', 'strong'];
const logs = new Uint8Array(readFileSync(join(ZSTD_FIXTURE_DIR, 'logs.txt')));

/** Deterministic pseudo-random bytes. */
function randomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/** Log-like lines: repeated field names, increasing timestamps, random identifiers. */
function logLines(length: number, seed: number): Uint8Array {
  const noise = randomBytes(length, seed);
  const text: string[] = [];
  let size = 0;
  for (let i = 0; size < length; i++) {
    const id = Array.from(noise.subarray((i * 8) % (length - 8), ((i * 8) % (length - 8)) + 8), (b) => b.toString(16)).join('');
    const line = `ts=2024-11-05T00:${String(i % 60).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}.${i} level=${
      ['info', 'warn', 'debug'][noise[i % length]! % 3]
    } msg="request ${i % 17 === 0 ? 'failed' : 'served'}" request_id=${id} duration=${noise[(i * 3) % length]}ms\n`;
    text.push(line);
    size += line.length;
  }
  return new TextEncoder().encode(text.join('')).subarray(0, length);
}

function roundTrip(input: Uint8Array, level: ZstdLevel = 'default'): Uint8Array {
  const frame = compressZstd(input, level);
  const back = decompressZstd(frame, LIMIT);
  expect(sameBytes(back, input)).toBe(true);
  expect(sameBytes(fzstdDecompress(frame), input)).toBe(true);
  return frame;
}

describe('zstd encoder', () => {
  it('round-trips arbitrary inputs through our decoder and fzstd', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.constantFrom(...LEVELS), (input, level) => {
        roundTrip(input, level);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips inputs built from repeated fragments (many matches and repeat offsets)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 400 }),
        (fragments, picks) => {
          const parts = picks.map((pick) => fragments[pick % fragments.length]!);
          const input = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
          let at = 0;
          for (const part of parts) {
            input.set(part, at);
            at += part.length;
          }
          roundTrip(input);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('round-trips empty, tiny, incompressible, repetitive and multi-MiB inputs', () => {
    expect(roundTrip(new Uint8Array(0)).length).toBe(13);
    roundTrip(Uint8Array.of(7));
    roundTrip(new TextEncoder().encode('hello hello hello hello'));
    const random = randomBytes(300_000, 1);
    // Incompressible data is stored raw: at most a few bytes larger.
    expect(roundTrip(random).length).toBeLessThan(random.length + 32);
    const zeros = new Uint8Array(1_000_000);
    expect(roundTrip(zeros).length).toBeLessThan(64);
    const periodic = new Uint8Array(500_000).map((_, i) => (i % 3) + 65);
    expect(roundTrip(periodic).length).toBeLessThan(200);
    for (const level of LEVELS) {
      const big = logLines(3 << 20, 42);
      const frame = roundTrip(big, level);
      expect(frame.length).toBeLessThan(big.length / 3);
    }
    const realLogs = roundTrip(logs);
    expect(realLogs.length).toBeLessThan(logs.length / 3.5);
  });

  it('writes one frame with content size and checksum, single-segment up to 8 MiB', () => {
    for (const size of [0, 1, 255, 256, 65791, 65792, 200_000]) {
      const header = readFrameHeader(compressZstd(logLines(Math.max(size, 16), 3).subarray(0, size)), 0);
      expect(header.contentSize).toBe(size);
      expect(header.hasChecksum).toBe(true);
      expect(header.windowSize).toBe(size);
    }
  });

  it('writes a windowed frame for inputs over 8 MiB', () => {
    const input = logLines(9 << 20, 5);
    const frame = roundTrip(input);
    const header = readFrameHeader(frame, 0);
    expect(header.contentSize).toBe(input.length);
    expect(header.windowSize).toBe(8 << 20);
  });

  it('round-trips inputs with hostile structure: long runs, alternating offsets, block-edge matches', () => {
    const parts: number[] = [];
    for (let i = 0; i < 140_000; i++) parts.push(i % 1000 < 500 ? 97 : (i * 31) & 255);
    roundTrip(Uint8Array.from(parts));
    // The same 1000 bytes twice, the second copy straddling the first block boundary.
    const edge = new Uint8Array(128 * 1024 + 1000);
    edge.set(randomBytes(1000, 9), 128 * 1024 - 1500);
    edge.set(randomBytes(1000, 9), 128 * 1024 - 10);
    roundTrip(edge);
  });

  let zstdAvailable = false;
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    zstdAvailable = true;
  } catch {
    zstdAvailable = false;
  }

  it.skipIf(!zstdAvailable)('writes frames the reference zstd tool decodes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zstd-encoder-'));
    try {
      const inputs = [new Uint8Array(0), Uint8Array.of(1, 2, 3), logs, randomBytes(50_000, 7), logLines(600_000, 11)];
      inputs.forEach((input, index) => {
        for (const level of LEVELS) {
          const file = join(dir, `${index}-${level}.zst`);
          writeFileSync(file, compressZstd(input, level));
          const back = execFileSync('zstd', ['-d', '-c', '--check', file], { maxBuffer: 1 << 26 });
          expect(sameBytes(new Uint8Array(back), input)).toBe(true);
        }
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
