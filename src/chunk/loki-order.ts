/**
 * The order in which Loki's `MemChunk.Iterator` returns entries, reproduced exactly: block selection by
 * `[mint, maxt]`, the "ordered" test on block metas, concatenation or a loser-tree merge, the time-ranged
 * iterator (`from` inclusive, `through` exclusive, stopping at the first entry past `through`), and backward
 * iteration by reversing each block. The merge is a port of Loki's `util/loser` tree, ties included: Loki
 * breaks timestamp ties by the entry's label string, and the exhausted-sequence sentinel wins ties, which is
 * why a backward query never returns an entry at MinInt64.
 */
import { MAX_INT64, MIN_INT64 } from '../binary/int64.js';
import type { LogEntry } from './entry.js';
import { compareUtf8, queryStructuredMetadata } from './structured-metadata.js';

/** Iteration direction: oldest first (`forward`, the default) or newest first. */
export type Direction = 'forward' | 'backward';

/** A block (or head block) as the query planner sees it. */
export interface EntrySource {
  readonly mint: bigint;
  readonly maxt: bigint;
  /** Entries in stored order (decoding happens here, only for selected blocks). */
  decode(): readonly LogEntry[];
}

/** A WAL head block: already ordered the way Loki's head iterator returns it. */
export interface HeadSource {
  readonly mint: bigint;
  /** Loki skips an empty head (for unordered heads: one whose size counter is 0). */
  readonly isEmpty: boolean;
  /** Entries in `[from, through)` in Loki's head-iterator order for `direction`. */
  query(from: bigint, through: bigint, direction: Direction): readonly LogEntry[];
}

/** Entries of `blocks` (and `head`) in `[from, through)` in exactly the order Loki's iterator returns them. */
export function* lokiOrder(
  blocks: readonly EntrySource[],
  head: HeadSource | null,
  from: bigint,
  through: bigint,
  direction: Direction,
): Generator<LogEntry, void, undefined> {
  const selected: EntrySource[] = [];
  let lastMax = 0n; // Loki starts at 0, so a first block with a negative mint counts as unordered.
  let ordered = true;
  for (const block of blocks) {
    if (through < block.mint || block.maxt < from) continue;
    if (block.mint < lastMax) ordered = false;
    lastMax = block.maxt;
    selected.push(block);
  }
  const withHead = head !== null && !head.isEmpty;
  if (withHead && head.mint < lastMax) ordered = false;

  if (direction === 'forward') {
    const sequences: Array<() => readonly LogEntry[]> = selected.map((block) => () => block.decode());
    if (withHead) sequences.push(() => head.query(from, through, 'forward'));
    const merged = ordered ? concatenate(sequences) : loserTreeMerge(sequences.map((load) => load()), 'forward');
    yield* timeRanged(merged, from, through);
    return;
  }
  const sequences: Array<() => readonly LogEntry[]> = selected.map(
    (block) => () => [...timeRanged(block.decode(), from, through)].reverse(),
  );
  if (withHead) sequences.push(() => head.query(from, through, 'backward'));
  sequences.reverse();
  yield* ordered ? concatenate(sequences) : loserTreeMerge(sequences.map((load) => load()), 'backward');
}

function* concatenate(sequences: ReadonlyArray<() => readonly LogEntry[]>): Generator<LogEntry, void, undefined> {
  for (const load of sequences) yield* load();
}

/** Loki's `timeRangedIterator`: skips entries before `from`, ends at the first at or after `through`. */
function* timeRanged(entries: Iterable<LogEntry>, from: bigint, through: bigint): Generator<LogEntry, void, undefined> {
  for (const entry of entries) {
    const ts = entry.timestamp;
    if (ts < from) continue;
    if (ts !== from && ts >= through) return;
    yield entry;
  }
}

/** Sort key of Loki's merge (`sortFields`): every entry of a chunk shares one non-zero stream hash. */
class SortKey {
  private labelsCache: string | undefined;
  constructor(
    readonly ts: bigint,
    readonly streamHash: 0 | 1,
    private readonly entry: LogEntry | null,
  ) {}

  /** The entry's label string after Loki's no-op pipeline, e.g. `{level="info"}` (only needed on ties). */
  get labels(): string {
    if (this.labelsCache === undefined) this.labelsCache = this.entry ? pipelineLabels(this.entry) : '';
    return this.labelsCache;
  }
}

function less(a: SortKey, b: SortKey, ascending: boolean): boolean {
  if (a.ts === b.ts) {
    if (a.streamHash === 0 || a.streamHash === b.streamHash) return compareUtf8(a.labels, b.labels) < 0;
    return a.streamHash < b.streamHash;
  }
  return ascending ? a.ts < b.ts : a.ts > b.ts;
}

/** Prometheus `labels.String()` of the structured metadata Loki's pipeline attaches to the entry. */
export function pipelineLabels(entry: LogEntry): string {
  const pairs = queryStructuredMetadata(entry.structuredMetadata);
  return `{${pairs.map(([name, value]) => `${name}=${goQuote(value)}`).join(', ')}}`;
}

/** Go's `strconv.Quote` for the characters label values realistically hold. */
function goQuote(value: string): string {
  return JSON.stringify(value).replace(/\\u00([0-7][0-9a-f])/g, '\\x$1').replace(/\u007f/g, '\\x7f');
}

/** A port of Loki's `util/loser` tree over already-decoded sequences. */
function* loserTreeMerge(sequences: ReadonlyArray<readonly LogEntry[]>, direction: Direction): Generator<LogEntry> {
  const count = sequences.length;
  if (count === 0) return;
  if (count === 1) {
    yield* sequences[0]!;
    return;
  }
  const ascending = direction === 'forward';
  const sentinel = new SortKey(ascending ? MAX_INT64 : MIN_INT64, 0, null);
  // Node i: `index` is the loser (winner for node 0) or, for leaves, -1 once exhausted; `value` its key.
  const index = new Int32Array(count * 2);
  const value = new Array<SortKey>(count * 2).fill(sentinel);
  const position = new Int32Array(count).fill(-1);

  const moveNext = (leaf: number): boolean => {
    const sequence = leaf - count;
    const entries = sequences[sequence]!;
    const next = ++position[sequence]!;
    if (next < entries.length) {
      const entry = entries[next]!;
      value[leaf] = new SortKey(entry.timestamp, 1, entry);
      return true;
    }
    value[leaf] = sentinel;
    index[leaf] = -1;
    return false;
  };
  const replayGames = (start: number): void => {
    let pos = start;
    for (let node = pos >> 1; node !== 0; node >>= 1) {
      if (less(value[node]!, value[pos]!, ascending)) {
        const loser = pos;
        pos = index[node]!;
        index[node] = loser;
        value[node] = value[loser]!;
      }
    }
    index[0] = pos;
    value[0] = value[pos]!;
  };
  const sequenceEnded = (pos: number): void => {
    let node = pos >> 1;
    while (node !== 0 && index[index[node]!] === -1) node >>= 1;
    if (node === 0) {
      index[0] = pos;
      value[0] = sentinel;
      return;
    }
    const winner = index[node]!;
    index[node] = pos;
    value[node] = value[pos]!;
    replayGames(winner);
  };

  for (let leaf = count; leaf < count * 2; leaf++) moveNext(leaf);
  // Initialise: play every game bottom-up.
  const winners = new Int32Array(count * 2);
  for (let leaf = count; leaf < count * 2; leaf++) winners[leaf] = leaf;
  for (let node = count * 2 - 2; node > 0; node -= 2) {
    const a = winners[node]!;
    const b = winners[node + 1]!;
    const [loser, winner] = less(value[a]!, value[b]!, ascending) ? [b, a] : [a, b];
    const parent = node >> 1;
    index[parent] = loser;
    value[parent] = value[loser]!;
    winners[parent] = winner;
  }
  index[0] = winners[1]!;
  value[0] = value[winners[1]!]!;

  while (index[index[0]!] !== -1) {
    const leaf = index[0]!;
    yield sequences[leaf - count]![position[leaf - count]!]!;
    if (moveNext(leaf)) replayGames(leaf);
    else sequenceEnded(leaf);
  }
}
