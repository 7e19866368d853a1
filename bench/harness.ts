/**
 * The timing core of the benchmarks: a case is one named operation with a known amount of work per call; it
 * is warmed up, then timed over several runs, and reported by its median run.
 */

/** What one call of a case processes, so times become throughput. */
export interface Work {
  /** Bytes one call processes (line bytes for chunk cases), for MB/s (2^20 bytes per MB, as the reference). */
  bytes?: number;
  /** Entries (or values) one call processes, for entries/s. */
  items?: number;
}

/** A Go figure to print beside ours (measured separately, on a machine of the same kind). */
export interface Reference {
  /** Go's throughput in MB/s of the same kind of bytes. */
  mbps: number;
  /** Which Go figure it is, e.g. `block decode`. */
  label: string;
}

/** One named benchmark case. */
export interface BenchCase {
  /** Unique name, `group/what/variant`; the command-line filter is matched against it. */
  name: string;
  /** Work done by one call of {@link run}; a function when it is only known once {@link setup} has run. */
  work: Work | (() => Work);
  /** Go's figure for the same work, when the reference has one. */
  reference?: Reference;
  /**
   * Prepares inputs outside the timed region and checks the result once (a benchmark that computes the wrong
   * thing is worse than none). May return facts to report beside the timing (sizes, ratios).
   */
  setup?: () => Record<string, number | string> | void;
  /** One call of the operation. Its result is kept so the engine cannot drop the work. */
  run: () => unknown;
  /** Calls per timed run (default: chosen so a run lasts at least {@link TimingOptions.minRunMs}). */
  callsPerRun?: number;
  /** Timed runs for this case (default {@link TimingOptions.runs}); slow whole-process cases use fewer. */
  runs?: number;
  /**
   * Fewest warm-up calls (default 1). Cases of 100+ ms per call need several: their first calls run while the
   * optimising compiler and the heap's growth are still settling, which a time-only warm-up ends too early.
   */
  warmupCalls?: number;
}

/** How cases are timed. */
export interface TimingOptions {
  /** Timed runs per case; the median is reported. */
  runs: number;
  /** Warm-up time per case, in ms (at least one call), so the optimising compiler has settled. */
  warmupMs: number;
  /** Shortest timed run, in ms: cheap operations are repeated within a run until it lasts this long. */
  minRunMs: number;
}

/** Default timing: 7 runs of at least 40 ms after 300 ms of warm-up. */
export const DEFAULT_TIMING: TimingOptions = { runs: 7, warmupMs: 300, minRunMs: 40 };

/** The measured result of one case. */
export interface CaseResult {
  name: string;
  /** Calls per timed run. */
  callsPerRun: number;
  /** Duration of each timed run, in ms. */
  runsMs: number[];
  /** Median time per call, in ns. */
  nsPerCall: number;
  /** Median time per entry (value), in ns, when the case declares items. */
  nsPerItem?: number;
  /** Median throughput in MB/s (2^20 bytes), when the case declares bytes. */
  mbps?: number;
  /** Throughput of the fastest run: the least disturbed by other work on the machine, for A/B comparisons. */
  mbpsBest?: number;
  /** CPU time this process used in each timed run, in ms (not counting child processes). */
  runsCpuMs: number[];
  /**
   * Throughput by the median CPU time instead of elapsed time: barely affected when other processes share the
   * cores (elapsed time is), so the figure to compare on a busy machine. Includes GC helper threads.
   */
  mbpsCpu?: number;
  /** Median entries (values) per second, when the case declares items. */
  itemsPerSec?: number;
  /** Go's figure and our speed as a multiple of it (`ratio > 1`: faster than Go). */
  reference?: Reference & { ratio?: number };
  /** Facts reported by the case's setup (sizes, ratios). */
  facts: Record<string, number | string>;
}

/** A `process.hrtime.bigint()` stopwatch in ms. */
function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Keeps results reachable so the engine cannot eliminate the benchmarked calls as dead code. */
let sink: unknown;

/** Calls `run` `calls` times; returns the elapsed ms and the CPU ms this process used meanwhile. */
function timeCalls(run: () => unknown, calls: number): { wallMs: number; cpuMs: number } {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sink = run();
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1e3 };
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs the garbage collector when node was started with `--expose-gc`, so one case's garbage is not billed to the next. */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

/** Called around the timed runs of a case only (not setup, warm-up or forced collections), e.g. to profile them. */
export interface MeasureHooks {
  beforeRuns?: (benchCase: BenchCase) => void;
  afterRuns?: (benchCase: BenchCase) => void;
}

/** Warms up, times and summarises one case. */
export function measure(benchCase: BenchCase, timing: TimingOptions, hooks: MeasureHooks = {}): CaseResult {
  // The previous case's garbage is collected before this one's setup, not after it: a forced collection just
  // before timing resets the heap growth and bills the first runs a full mark-compact each.
  collectGarbage();
  const facts = benchCase.setup?.() ?? {};
  // Warm-up, which also estimates the cost of one call.
  let warmCalls = 0;
  const warmStart = nowMs();
  do {
    sink = benchCase.run();
    warmCalls++;
  } while (nowMs() - warmStart < timing.warmupMs || warmCalls < (benchCase.warmupCalls ?? 1));
  const perCallMs = (nowMs() - warmStart) / warmCalls;
  const callsPerRun = benchCase.callsPerRun ?? Math.max(1, Math.ceil(timing.minRunMs / Math.max(perCallMs, 1e-6)));

  const runsMs: number[] = [];
  const runs = benchCase.runs ?? timing.runs;
  // No forced collection here: it would reset the heap's growth that the warm-up let settle, and bill every
  // timed run of an allocating case a full mark-compact (measured: encode/none ran at 2x its CPU time).
  hooks.beforeRuns?.(benchCase);
  const runsCpuMs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const { wallMs, cpuMs } = timeCalls(benchCase.run, callsPerRun);
    runsMs.push(wallMs);
    runsCpuMs.push(cpuMs);
  }
  hooks.afterRuns?.(benchCase);
  const msPerCall = median(runsMs) / callsPerRun;
  const seconds = msPerCall / 1e3;
  const { bytes, items } = typeof benchCase.work === 'function' ? benchCase.work() : benchCase.work;
  const result: CaseResult = { name: benchCase.name, callsPerRun, runsMs, runsCpuMs, nsPerCall: msPerCall * 1e6, facts };
  if (bytes !== undefined) {
    const megabytes = bytes / (1 << 20);
    result.mbps = megabytes / seconds;
    result.mbpsBest = (megabytes / (Math.min(...runsMs) / callsPerRun)) * 1e3;
    result.mbpsCpu = (megabytes / (median(runsCpuMs) / callsPerRun)) * 1e3;
  }
  if (items !== undefined) {
    result.itemsPerSec = items / seconds;
    result.nsPerItem = (msPerCall * 1e6) / items;
  }
  if (benchCase.reference) {
    result.reference = { ...benchCase.reference };
    if (result.mbps !== undefined) result.reference.ratio = result.mbps / benchCase.reference.mbps;
  }
  if (sink === Symbol.for('never')) console.log('unreachable'); // Reads the sink once more.
  return result;
}
