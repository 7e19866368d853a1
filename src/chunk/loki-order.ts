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

/** A block's time bounds from its metas: all that block selection looks at. */
export interface TimeBounds {
  readonly mint: bigint;
  readonly maxt: bigint;
}

/** Which blocks Loki reads for a query, and whether it concatenates or merges them. */
export interface LokiOrderPlan<T extends TimeBounds> {
  /** Blocks whose `[mint, maxt]` meets `[from, through]`, in chunk order. */
  readonly selected: T[];
  /** `true`: Loki concatenates the blocks (then the head); `false`: it merges them all with its loser tree. */
  readonly ordered: boolean;
  /** The head block when it takes part (present and not empty), else `null`. */
  readonly head: HeadSource | null;
}

/**
 * Loki's block selection and its "ordered" test, from the metas alone (no block is decoded), so a range reader
 * can fetch exactly the blocks a query reads.
 */
export function planLokiOrder<T extends TimeBounds>(
  blocks: readonly T[],
  head: HeadSource | null,
  from: bigint,
  through: bigint,
): LokiOrderPlan<T> {
  const selected: T[] = [];
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
  return { selected, ordered, head: withHead ? head : null };
}

/**
 * One block of an ordered (concatenated) read, filtered as Loki's time-ranged iterator filters it. Forward, that
 * iterator spans the whole concatenation, so `stopped` (it met an entry at or past `through`) means no later
 * block is read. Backward, each block is filtered on its own, then reversed.
 */
export function orderedSequence(
  entries: readonly LogEntry[],
  from: bigint,
  through: bigint,
  direction: Direction,
): { entries: readonly LogEntry[]; stopped: boolean } {
  let kept: LogEntry[] | null = null; // Copied only once an entry is dropped: a full-range read shares the array.
  let stopped = false;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const verdict = rangeVerdict(entry.timestamp, from, through);
    if (verdict === KEEP) {
      kept?.push(entry);
      continue;
    }
    kept ??= entries.slice(0, i);
    if (verdict === STOP) {
      stopped = direction === 'forward';
      break;
    }
  }
  if (direction === 'forward') return { entries: kept ?? entries, stopped };
  return { entries: (kept ?? entries.slice()).reverse(), stopped };
}

/**
 * Entries of `blocks` (and `head`) in `[from, through)` in exactly the order Loki's iterator returns them. Blocks
 * are decoded one at a time as the iteration reaches them.
 */
export function lokiOrder(
  blocks: readonly EntrySource[],
  head: HeadSource | null,
  from: bigint,
  through: bigint,
  direction: Direction,
): IterableIterator<LogEntry> {
  return entriesOfPlan(planLokiOrder(blocks, head, from, through), from, through, direction);
}

/**
 * The entries a plan from {@link planLokiOrder} reads, in Loki's order: concatenated (only this path never reads
 * structured-metadata names) or merged.
 */
export function entriesOfPlan(
  plan: LokiOrderPlan<EntrySource>,
  from: bigint,
  through: bigint,
  direction: Direction,
): IterableIterator<LogEntry> {
  if (plan.ordered) return new ConcatenatedEntries(orderedParts(plan, from, through, direction));
  return mergedEntries(plan, from, through, direction);
}

/** The arrays an ordered (concatenated) read returns, one block at a time; ends early where Loki's iterator stops. */
function* orderedParts(
  plan: LokiOrderPlan<EntrySource>,
  from: bigint,
  through: bigint,
  direction: Direction,
): Generator<readonly LogEntry[], void, undefined> {
  const { selected, head } = plan;
  if (head && direction === 'backward') yield head.query(from, through, 'backward');
  const order = direction === 'forward' ? selected : selected.slice().reverse();
  for (const block of order) {
    const { entries, stopped } = orderedSequence(block.decode(), from, through, direction);
    yield entries;
    if (stopped) return;
  }
  if (head && direction === 'forward') yield orderedSequence(head.query(from, through, 'forward'), from, through, 'forward').entries;
}

/**
 * The entries of a sequence of arrays, flattened by a plain iterator rather than nested generators: on a full
 * read this is the per-entry step, and a generator frame per level cost ~60 ns an entry (a quarter of decoding
 * an uncompressed block).
 */
class ConcatenatedEntries implements IterableIterator<LogEntry> {
  private current: readonly LogEntry[] = [];
  private index = 0;

  constructor(private readonly parts: Iterator<readonly LogEntry[], void, undefined>) {}

  [Symbol.iterator](): IterableIterator<LogEntry> {
    return this;
  }

  next(): IteratorResult<LogEntry, undefined> {
    while (this.index >= this.current.length) {
      const part = this.parts.next();
      if (part.done) {
        this.current = [];
        this.index = 0;
        return { value: undefined, done: true };
      }
      this.current = part.value;
      this.index = 0;
    }
    return { value: this.current[this.index++]!, done: false };
  }

  /** Ends the iteration early (a `break` out of `for...of`): no further block is decoded. */
  return(): IteratorResult<LogEntry, undefined> {
    this.parts.return?.();
    this.current = [];
    return { value: undefined, done: true };
  }
}

/** Loki's merge of overlapping blocks (and the head) with its loser tree. */
function* mergedEntries(
  plan: LokiOrderPlan<EntrySource>,
  from: bigint,
  through: bigint,
  direction: Direction,
): Generator<LogEntry, void, undefined> {
  const { selected, head } = plan;
  if (direction === 'forward') {
    const sequences = selected.map((block) => block.decode());
    if (head) sequences.push(head.query(from, through, 'forward'));
    yield* timeRanged(loserTreeMerge(sequences, 'forward'), from, through);
    return;
  }
  const sequences = selected.map((block) => orderedSequence(block.decode(), from, through, 'backward').entries);
  if (head) sequences.push(head.query(from, through, 'backward'));
  sequences.reverse();
  yield* loserTreeMerge(sequences, 'backward');
}

const KEEP = 0;
const SKIP = 1;
const STOP = 2;

/** Loki's `timeRangedIterator` test for one entry: skip it before `from`, stop at the first at or after `through`. */
function rangeVerdict(ts: bigint, from: bigint, through: bigint): number {
  if (ts < from) return SKIP;
  if (ts !== from && ts >= through) return STOP;
  return KEEP;
}

/** Loki's `timeRangedIterator` over a merged stream. */
function* timeRanged(entries: Iterable<LogEntry>, from: bigint, through: bigint): Generator<LogEntry, void, undefined> {
  for (const entry of entries) {
    const verdict = rangeVerdict(entry.timestamp, from, through);
    if (verdict === SKIP) continue;
    if (verdict === STOP) return;
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
