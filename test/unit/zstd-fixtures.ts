/** The zstd frames under fixtures/zstd (written by the reference `zstd` tool) and what each decodes to. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const ZSTD_FIXTURE_DIR = join(__dirname, '..', '..', 'fixtures', 'zstd');

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(ZSTD_FIXTURE_DIR, name)));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}

/** The original of each fixture frame, per fixtures/zstd/README.md. */
function originalOf(name: string): Uint8Array {
  const logs = fixture('logs.txt');
  const random = fixture('random.bin');
  const prefix = (length: number) => logs.subarray(0, length);
  if (name.startsWith('logs32k.')) return prefix(32768);
  if (name.startsWith('logs4k.') || name === 'skippable.zst') return prefix(4096);
  if (name.startsWith('logs.')) return logs;
  if (name.startsWith('random.')) return random;
  if (name.startsWith('repeat.')) return new Uint8Array(300000).fill(0x61);
  if (name.startsWith('empty')) return new Uint8Array(0);
  if (name === 'multi.zst') return concat(prefix(4096), random, prefix(4096));
  throw new Error(`no original known for ${name}`);
}

/** One fixture frame and its original. */
export interface ZstdFixture {
  name: string;
  compressed: Uint8Array;
  original: Uint8Array;
}

export function zstdFixtures(): ZstdFixture[] {
  return readdirSync(ZSTD_FIXTURE_DIR)
    .filter((name) => name.endsWith('.zst'))
    .sort()
    .map((name) => ({ name, compressed: fixture(name), original: originalOf(name) }));
}
