/**
 * The fuzzer: `npm run fuzz -- --seconds N --seed S`.
 *
 * The main thread generates inputs (iteration i of seed S is always the same input) and hands each to a worker
 * thread that runs it through the oracle under a deadline, a heap ceiling and an allocation guard. A broken
 * guarantee is confirmed, minimised and saved under fixtures/fuzz/ with its seed; the exit code is then 1.
 *
 *   --seconds N      time budget (default 60)          --seed S          seed (default: random, printed)
 *   --iterations N   stop after N inputs               --iteration N     run only iteration N of the seed
 *   --target a,b     only these targets                --timeout-ms N    per-input deadline (default 5000)
 *   --memory-mb N    worker heap ceiling (default 768) --max-failures N  stop after N distinct failures (default 5)
 *   --out DIR        where to save failures (default fixtures/fuzz)
 *   --replay F.json  replay saved failures instead of fuzzing (several allowed; exit 1 if any still fails)
 */
// First: the guard must wrap the typed-array constructors before any library module captures them.
import { allocationGuard } from './alloc-guard.js';
import { randomBytes } from 'node:crypto';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { FUZZ_FIXTURES_DIR, loadFailure, saveFailure } from './artifacts.js';
import { loadCorpus } from './corpus.js';
import { readChunk } from '../src/chunk/chunk.js';
import { runGuarded, type RunResult } from './execute.js';

import { Rng } from './rng.js';
import { TARGETS, targetNamed, type FuzzInput, type Target } from './targets.js';

// ---------------------------------------------------------------- worker side

function workerMain(): void {
  const port = parentPort!;
  allocationGuard.trackLargest = true;
  const canaryBytes = loadCorpus().chunks.find((c) => c.parts && c.parts.blocks.length > 1)?.bytes;
  const canary = () => (canaryBytes ? [...readChunk(canaryBytes).entries()].map((e) => `${e.timestamp} ${e.line}`).join('\n') : '');
  const expectedCanary = canary();
  let count = 0;
  port.on('message', async (input: FuzzInput) => {
    const result = await runGuarded(input);
    if (++count % 200 === 0 && canary() !== expectedCanary) {
      Object.assign(result, { ok: false, kind: 'crash', message: 'after this input the reader no longer decodes a golden chunk correctly' });
    }
    port.postMessage(result);
  });
}

// ---------------------------------------------------------------- main side

/** One worker thread that runs inputs one at a time, replaced after a hang or a crash. */
class WorkerRunner {
  private worker: Worker | null = null;
  private settle: ((result: RunResult) => void) | null = null;

  constructor(
    private readonly timeoutMs: number,
    private readonly memoryMb: number,
  ) {}

  private start(): Worker {
    const worker: Worker = new Worker(new URL(import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb, maxYoungGenerationSizeMb: 64 },
    });
    // Events of a worker already replaced (after a hang) must not settle the next input.
    const current = () => this.worker === worker;
    worker.on('message', (result: RunResult) => {
      if (current()) this.finish(result);
    });
    worker.on('error', (error) => {
      if (!current()) return;
      this.worker = null;
      this.finish({ ok: false, kind: 'crash', message: `worker died: ${(error as { code?: string }).code ?? ''} ${error.message}`, ms: 0 });
    });
    worker.on('exit', () => {
      if (!current()) return;
      this.worker = null;
      this.finish({ ok: false, kind: 'crash', message: 'worker exited', ms: 0 });
    });
    return worker;
  }

  private finish(result: RunResult): void {
    const settle = this.settle;
    this.settle = null;
    settle?.(result);
  }

  run(input: FuzzInput): Promise<RunResult> {
    if (!this.worker) this.worker = this.start();
    const worker = this.worker;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.settle = null;
        this.worker = null;
        void worker.terminate();
        resolve({ ok: false, kind: 'hang', message: `no result within ${this.timeoutMs} ms`, ms: this.timeoutMs });
      }, this.timeoutMs);
      this.settle = (result) => {
        clearTimeout(timer);
        resolve(result);
      };
      worker.postMessage(input);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}

interface Args {
  seconds: number;
  seed: string;
  iterations: number;
  iteration: number | null;
  targets: Target[];
  timeoutMs: number;
  memoryMb: number;
  maxFailures: number;
  out: string;
  replay: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    seconds: 60,
    seed: randomBytes(6).toString('hex'),
    iterations: Number.POSITIVE_INFINITY,
    iteration: null,
    targets: TARGETS,
    timeoutMs: 5000,
    memoryMb: 768,
    maxFailures: 5,
    out: FUZZ_FIXTURES_DIR,
    replay: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const number = () => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < 0) throw new Error(`${flag} needs a non-negative number`);
      return v;
    };
    switch (flag) {
      case '--seconds': args.seconds = number(); break;
      case '--seed': args.seed = value(); break;
      case '--iterations': args.iterations = number(); break;
      case '--iteration': args.iteration = number(); break;
      case '--target': args.targets = value().split(',').map(targetNamed); break;
      case '--timeout-ms': args.timeoutMs = number(); break;
      case '--memory-mb': args.memoryMb = number(); break;
      case '--max-failures': args.maxFailures = number(); break;
      case '--out': args.out = value(); break;
      case '--replay': args.replay.push(value()); break;
      default: throw new Error(`unknown option ${flag}`);
    }
  }
  return args;
}

function pickTarget(rng: Rng, targets: Target[]): Target {
  const total = targets.reduce((sum, t) => sum + t.weight, 0);
  let roll = rng.below(total);
  for (const target of targets) {
    roll -= target.weight;
    if (roll < 0) return target;
  }
  return targets[0]!;
}

/** The input of iteration `i` of `seed` (the same on every run). */
function generate(seed: string, iteration: number, targets: Target[], corpus: ReturnType<typeof loadCorpus>): FuzzInput {
  const rng = Rng.forIteration(seed, iteration);
  const target = pickTarget(rng, targets);
  return target.generate(rng, corpus);
}

/** What identifies "the same failure" while minimising: the kind and the message without its numbers. */
function signature(result: RunResult): string {
  if (result.ok) return 'ok';
  const [first, ...frames] = result.message.split('\n');
  // The innermost stack frame tells apart failures with the same message (an allocation in two codecs).
  const where = frames.find((line) => line.trim().startsWith('at '))?.trim().split(' ')[1] ?? '';
  return `${result.kind}:${first!.replace(/\d+/g, '#').slice(0, 160)}${where ? ` @${where}` : ''}`;
}

/** Delta debugging: removes ever smaller ranges of bytes while the same failure persists. */
async function minimise(runner: WorkerRunner, input: FuzzInput, wanted: string, timeoutMs: number): Promise<FuzzInput> {
  let best = input;
  const deadline = Date.now() + 60_000;
  let budget = wanted.startsWith('hang') ? Math.max(4, Math.floor(60_000 / timeoutMs)) : 1500;
  const stillFails = async (candidate: FuzzInput) => {
    budget--;
    return signature(await runner.run(candidate)) === wanted;
  };
  for (const field of ['data', 'aux'] as const) {
    const initial = best[field];
    if (!initial) continue;
    let bytes: Uint8Array = initial;
    for (let size = bytes.length >> 1; size >= 1 && budget > 0 && Date.now() < deadline; size >>= 1) {
      for (let start = 0; start < bytes.length && budget > 0 && Date.now() < deadline; ) {
        const candidateBytes: Uint8Array = new Uint8Array(bytes.length - Math.min(size, bytes.length - start));
        candidateBytes.set(bytes.subarray(0, start));
        candidateBytes.set(bytes.subarray(start + size), start);
        const candidate = { ...best, [field]: candidateBytes };
        if (await stillFails(candidate)) {
          best = candidate;
          bytes = candidateBytes;
        } else {
          start += size;
        }
      }
    }
  }
  return best;
}

function formatCounts(counts: Map<string, number>, top = 8): string {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, n]) => `${key}=${n}`)
    .join(' ');
}

async function replay(args: Args): Promise<number> {
  const runner = new WorkerRunner(args.timeoutMs, args.memoryMb);
  let failed = 0;
  for (const path of args.replay) {
    const { name, input } = loadFailure(path);
    const result = await runner.run(input);
    if (result.ok) console.log(`pass ${name}: ${result.outcomes.join(',')}`);
    else {
      failed++;
      console.log(`FAIL ${name}: ${result.kind}: ${result.message}`);
    }
  }
  await runner.close();
  return failed > 0 ? 1 : 0;
}

async function fuzz(args: Args): Promise<number> {
  const corpus = loadCorpus();
  const runner = new WorkerRunner(args.timeoutMs, args.memoryMb);
  const startedAt = Date.now();
  const deadline = startedAt + args.seconds * 1000;
  console.log(
    `fuzz: seed=${args.seed} seconds=${args.seconds} targets=${args.targets.map((t) => t.name).join(',')} ` +
      `corpus=${corpus.chunks.length} chunks, codecs with streams: ${[...corpus.streams.keys()].join(',')}`,
  );
  console.log(`fuzz: replay one input with: npm run fuzz -- --seed ${args.seed} --iteration <n>`);
  const perTarget = new Map<string, number>();
  const outcomes = new Map<string, number>();
  const mutations = new Map<string, number>();
  const failures = new Map<string, string>();
  let executed = 0;
  let generatorErrors = 0;
  let slowest = { ms: 0, iteration: -1 };
  let lastReport = Date.now();
  const first = args.iteration ?? 0;
  const last = args.iteration ?? Number.POSITIVE_INFINITY;
  for (let iteration = first; iteration <= last && executed < args.iterations && Date.now() < deadline; iteration++) {
    let input: FuzzInput;
    try {
      input = generate(args.seed, iteration, args.targets, corpus);
    } catch (error) {
      generatorErrors++;
      if (generatorErrors <= 3) console.error(`fuzz: generating iteration ${iteration} failed (a fuzzer bug): ${(error as Error).stack ?? String(error)}`);
      continue;
    }
    const result = await runner.run(input);
    executed++;
    perTarget.set(input.target, (perTarget.get(input.target) ?? 0) + 1);
    if (input.mutation) mutations.set(input.mutation, (mutations.get(input.mutation) ?? 0) + 1);
    if (result.ms > slowest.ms) slowest = { ms: result.ms, iteration };
    if (result.ok) {
      for (const outcome of new Set(result.outcomes)) outcomes.set(`${input.target}:${outcome}`, (outcomes.get(`${input.target}:${outcome}`) ?? 0) + 1);
    } else {
      // Confirm (a hang on a loaded machine may be a fluke), then minimise and save.
      const again = await runner.run(input);
      if (again.ok) {
        console.log(`fuzz: iteration ${iteration}: ${result.kind} did not reproduce, ignored (${result.message.split('\n')[0]})`);
        continue;
      }
      const wanted = signature(again);
      if (failures.has(wanted)) continue;
      console.log(`fuzz: iteration ${iteration} (${input.target}/${input.mutation ?? ''}): ${again.kind}: ${again.message}`);
      const small = await minimise(runner, input, wanted, args.timeoutMs);
      const stem = saveFailure(small, { seed: args.seed, iteration, violation: { kind: again.kind, message: again.message }, originalSize: input.data.length }, args.out);
      failures.set(wanted, stem);
      console.log(`fuzz: saved ${stem} (${input.data.length} -> ${small.data.length} bytes) in ${args.out}`);
      if (failures.size >= args.maxFailures) break;
    }
    if (Date.now() - lastReport > 15_000) {
      lastReport = Date.now();
      const rate = executed / ((Date.now() - startedAt) / 1000);
      console.log(`fuzz: ${executed} inputs (${rate.toFixed(0)}/s), ${failures.size} failures; ${formatCounts(perTarget)}`);
    }
  }
  await runner.close();
  const seconds = (Date.now() - startedAt) / 1000;
  console.log(`fuzz: done: seed=${args.seed} ${executed} inputs in ${seconds.toFixed(0)} s (${(executed / seconds).toFixed(0)}/s), ${failures.size} failures`);
  console.log(`fuzz: targets: ${formatCounts(perTarget)}`);
  console.log(`fuzz: mutations: ${formatCounts(mutations, 20)}`);
  console.log(`fuzz: outcomes: ${formatCounts(outcomes, 40)}`);
  if (generatorErrors > 0) console.log(`fuzz: ${generatorErrors} iterations could not be generated (fuzzer bugs, see above)`);
  console.log(`fuzz: slowest input: iteration ${slowest.iteration}, ${slowest.ms.toFixed(0)} ms`);
  for (const [wanted, stem] of failures) console.log(`fuzz: FAILURE ${stem}: ${wanted}`);
  return failures.size > 0 ? 1 : 0;
}

if (isMainThread) {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`fuzz: ${(error as Error).message}`);
    process.exit(2);
  }
  const code = await (args.replay.length > 0 ? replay(args) : fuzz(args));
  process.exit(code);
} else {
  workerMain();
}
