/**
 * Loki's close-time rebuild (`MemChunk.reorder`): when a block starts before the previous one ends, Loki iterates
 * the chunk forward, merging the blocks with its query merge, and appends every entry into a fresh chunk. This
 * module gives the entries in exactly that merge order. Unlike Loki it keeps every entry: Loki iterates only
 * `[chunk from, chunk to + 1ms)`, which loses entries when `to + 1ms` overflows or when a block's mint is wrong,
 * and it renames structured-metadata names to Prometheus label names on the way.
 */
import type { Codec } from '../compression/codec.js';
import { MAX_INT64, MIN_INT64 } from '../binary/int64.js';
import { decodeBlockPayload } from './block-payload.js';
import { LogEntry, NO_STRUCTURED_METADATA } from './entry.js';
import { resolveLimits } from './limits.js';
import { lokiOrder, type EntrySource } from './loki-order.js';
import { LOKI_MAX_LINE_LENGTH } from './constants.js';
import type { CutBlock } from './serialize.js';

/** True when some block starts before the previous block ends: Loki rebuilds such a chunk when closing it. */
export function blocksOverlap(blocks: readonly CutBlock[]): boolean {
  for (let i = 1; i < blocks.length; i++) if (blocks[i]!.mint < blocks[i - 1]!.maxt) return true;
  return false;
}

const EMPTY_LINE = new Uint8Array(0);

/**
 * Every entry of `blocks` (compressed in `blockBytes`) in the order Loki's rebuild appends them: its loser-tree
 * merge by timestamp, where every entry carries the same labels (the rebuild bypasses the query pipeline), so ties
 * fall to the tree's structure.
 */
export function rebuildOrder(
  blocks: readonly CutBlock[],
  blockBytes: Uint8Array,
  codec: Codec,
  format: number,
  symbols: readonly string[],
): LogEntry[] {
  const limits = resolveLimits({ maxLineLength: LOKI_MAX_LINE_LENGTH, maxEntriesPerBlock: Number.MAX_SAFE_INTEGER });
  const decoded = blocks.map((block) =>
    decodeBlockPayload(
      codec.decompress(blockBytes.subarray(block.offset, block.offset + block.length), {
        maxOutputSize: block.payloadLength,
        sizeHint: block.payloadLength,
      }),
      {
        format,
        symbols,
        limits: { ...limits, maxDecompressedBlockSize: block.payloadLength },
        strictSymbols: true,
      },
    ),
  );

  // The merge compares timestamps only (all labels are equal), so it runs on the timestamps' ranks: same order,
  // and no entry sits at MaxInt64, which the query's exclusive upper bound would cut off.
  const distinct = [...new Set(decoded.flatMap((entries) => entries.map((entry) => entry.timestamp)))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const rank = new Map<bigint, bigint>(distinct.map((timestamp, i) => [timestamp, BigInt(i)]));
  const original = new Map<LogEntry, LogEntry>();
  const sources: EntrySource[] = decoded.map((entries, i) => {
    const proxies = entries.map((entry) => {
      const proxy = new LogEntry(rank.get(entry.timestamp)!, EMPTY_LINE, NO_STRUCTURED_METADATA);
      original.set(proxy, entry);
      return proxy;
    });
    return { mint: rank.get(blocks[i]!.mint) ?? 0n, maxt: rank.get(blocks[i]!.maxt) ?? 0n, decode: () => proxies };
  });
  return [...lokiOrder(sources, null, MIN_INT64, MAX_INT64, 'forward')].map((proxy) => original.get(proxy)!);
}
