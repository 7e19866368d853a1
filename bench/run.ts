/**
 * `npm run bench -- [regex] [--json | --markdown] [--from report.json] [--list] [--profile] [--runs N] [--warmup-ms N] [--min-run-ms N] [--quick] [--processes N] [--in-process]`
 *
 * Runs the named cases whose name matches `regex` (all by default) and prints a table, or with `--json` the
 * results as JSON on stdout (progress goes to stderr), so runs can be compared between commits, or with
 * `--markdown` the tables of the README's performance section (`--from report.json` prints a saved `--json`
 * result again, as a table or Markdown, without running anything). `--profile`
 * writes a CPU profile of each case's timed runs to `.bench-work/profiles/`.
 *
 * Each group of cases (one codec's cases, the micro cases, ...) runs in a process of its own, so the JIT and
 * heap state one group leaves behind cannot move another's figures (it did by up to 30% in one process);
 * `--in-process` runs everything in this process instead. `--processes N` runs each group in N processes, in
 * rounds over the groups, and keeps each case's median process: how fast V8 compiles a hot loop (where its code
 * lands, when it is compiled) differs from one process to the next, which moved some whole-chunk figures by
 * 10-20% between processes while the runs within one agreed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { allCases } from './cases.js';
import { DEFAULT_TIMING, measure, type BenchCase, type CaseResult, type MeasureHooks, type TimingOptions } from './harness.js';
import { profilingHooks } from './profiler.js';
import { describeEnvironment, formatMarkdown, formatTable, referenceNote, type BenchReport, type CaseFailure } from './report.js';

const USAGE = `usage: npm run bench -- [regex] [--json | --markdown] [--from report.json] [--list] [--profile] [--runs N] [--warmup-ms N] [--min-run-ms N] [--quick] [--processes N] [--in-process]`;

/**
 * The process a case runs in: the `codec/<codec>/...` cases share one, the `chunk/.../<codec>` cases one (each set shares its
 * data and warms the same code), every other family (varint, crc32c, query, process) has one.
 */
function isolationGroup(caseName: string): string {
  const [family = caseName, middle, last] = caseName.split('/');
  if (family === 'codec') return `codec/${middle}`;
  if (family === 'chunk') return `chunk/${last}`;
  return family;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Runs `names` in a child process of this script and returns its report. */
function runIsolated(names: string[], timing: TimingOptions, profile: boolean): BenchReport {
  const filter = `^(${names.map(escapeRegExp).join('|')})$`;
  const args = [...process.execArgv, process.argv[1]!, filter, '--json', '--in-process'];
  args.push('--runs', String(timing.runs), '--warmup-ms', String(timing.warmupMs), '--min-run-ms', String(timing.minRunMs));
  if (profile) args.push('--profile');
  const child = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const json = child.stdout.slice(child.stdout.indexOf('{'));
  if (json === '') throw new Error(`the benchmark process for ${names[0]} ... printed no report (exit ${child.status})`);
  return JSON.parse(json) as BenchReport;
}

/**
 * Each case's result from the process with its median time per call (for an even count, the slower of the two
 * middle ones), noting every process's MB/s in its facts.
 */
function medianProcess(reports: BenchReport[]): CaseResult[] {
  if (reports.length === 1) return reports[0]!.results;
  const byName = new Map<string, CaseResult[]>();
  for (const report of reports) {
    for (const result of report.results) byName.set(result.name, [...(byName.get(result.name) ?? []), result]);
  }
  return [...byName.values()].map((results) => {
    const sorted = [...results].sort((a, b) => a.nsPerCall - b.nsPerCall);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    if (median.mbps === undefined) return median;
    const speeds = results.map((result) => result.mbps?.toFixed(0) ?? '?').join('/');
    return { ...median, facts: { ...median.facts, processMBps: speeds } };
  });
}

function positiveInteger(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a positive integer, got ${text}`);
  return value;
}

/** Measures `cases` one after another in this process, appending to `results` and `failures`. */
function measureAll(cases: BenchCase[], timing: TimingOptions, profile: boolean, results: CaseResult[], failures: CaseFailure[]): void {
  const profiling = profile ? profilingHooks() : null;
  const hooks: MeasureHooks = profiling?.hooks ?? {};
  for (const benchCase of cases) {
    process.stderr.write(`${benchCase.name} ... `);
    try {
      const result = measure(benchCase, timing, hooks);
      results.push(result);
      const speed = result.mbps === undefined ? `${(result.nsPerCall / 1e6).toFixed(2)} ms` : `${result.mbps.toFixed(1)} MB/s`;
      process.stderr.write(`${speed}\n`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ name: benchCase.name, error: message });
      process.stderr.write(`FAILED: ${message}\n`);
    }
  }
  if (profiling) process.stderr.write(`profiles: ${profiling.written.join(', ')}\n`);
}

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      from: { type: 'string' },
      list: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      runs: { type: 'string' },
      'warmup-ms': { type: 'string' },
      'min-run-ms': { type: 'string' },
      'in-process': { type: 'boolean', default: false },
      processes: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const base = values.quick ? { runs: 3, warmupMs: 50, minRunMs: 20 } : DEFAULT_TIMING;
  const timing: TimingOptions = {
    runs: positiveInteger(values.runs, base.runs, '--runs'),
    warmupMs: positiveInteger(values['warmup-ms'], base.warmupMs, '--warmup-ms'),
    minRunMs: positiveInteger(values['min-run-ms'], base.minRunMs, '--min-run-ms'),
  };
  if (values.from !== undefined) {
    const saved = JSON.parse(readFileSync(values.from, 'utf8')) as BenchReport;
    console.log(values.markdown ? formatMarkdown(saved) : formatTable(saved));
    return 0;
  }
  const filter = new RegExp(positionals.join('|') || '.');
  const cases = allCases().filter((benchCase) => filter.test(benchCase.name));
  if (values.list) {
    for (const benchCase of cases) console.log(benchCase.name);
    return 0;
  }
  if (cases.length === 0) {
    console.error(`no case matches ${filter}`);
    return 2;
  }

  const environment = describeEnvironment();
  const results: CaseResult[] = [];
  const failures: CaseFailure[] = [];
  const started = process.hrtime.bigint();
  const groups = new Map<string, string[]>();
  for (const benchCase of cases) {
    const group = values['in-process'] ? '' : isolationGroup(benchCase.name);
    groups.set(group, [...(groups.get(group) ?? []), benchCase.name]);
  }
  const processes = values['in-process'] ? 1 : positiveInteger(values.processes, 1, '--processes');
  if (groups.size > 1 || processes > 1) {
    // Rounds over the groups, so a slow spell of the machine does not land on every process of one group.
    const reports = new Map<string[], BenchReport[]>([...groups.values()].map((names) => [names, []]));
    for (let round = 0; round < processes; round++) {
      for (const [names, done] of reports) {
        try {
          done.push(runIsolated(names, timing, values.profile));
        } catch (error) {
          failures.push({ name: names.join(', '), error: error instanceof Error ? error.message : String(error) });
        }
      }
    }
    for (const done of reports.values()) {
      if (done.length === 0) continue;
      results.push(...medianProcess(done));
      // A case that failed in one process failed: report each failure once.
      const seen = new Set(failures.map((failure) => failure.name));
      for (const failure of done.flatMap((report) => report.failures)) {
        if (!seen.has(failure.name)) failures.push(failure);
        seen.add(failure.name);
      }
    }
  } else {
    measureAll(cases, timing, values.profile, results, failures);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stderr.write(`${results.length} cases in ${seconds.toFixed(1)} s\n\n`);

  const report: BenchReport = { environment, timing, reference: referenceNote(), results, failures };
  if (values.json) console.log(JSON.stringify(report, null, 1));
  else if (values.markdown) console.log(formatMarkdown(report));
  else console.log(formatTable(report));
  return failures.length === 0 ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exitCode = 2;
}
