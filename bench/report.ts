/**
 * Presenting results: a fixed-width table for people, JSON for comparing commits, and the environment
 * (machine, Node, commit, date) both carry.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { CaseResult, TimingOptions } from './harness.js';
import { loadGoReference, REPO_ROOT } from './data.js';

/** Where and when the figures were taken. */
export interface Environment {
  date: string;
  node: string;
  v8: string;
  platform: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  loadAverage: number;
  commit: string;
}

/** A case that could not be measured, and why. */
export interface CaseFailure {
  name: string;
  error: string;
}

/** Everything one run produced. */
export interface BenchReport {
  environment: Environment;
  timing: TimingOptions;
  /** How the Go figures were obtained (they are not measured in this run). */
  reference: { go: string; gomaxprocs: number; note: string };
  results: CaseResult[];
  failures: CaseFailure[];
}

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, encoding: 'utf8' });
    return dirty.trim() === '' ? commit : `${commit}+dirty`;
  } catch {
    return 'unknown';
  }
}

/** The current environment. */
export function describeEnvironment(): Environment {
  const processors = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${platform()} ${release()}`,
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: +(loadavg()[0] ?? 0).toFixed(2),
    commit: gitCommit(),
  };
}

/** Reference metadata for the report. */
export function referenceNote(): BenchReport['reference'] {
  const go = loadGoReference();
  return {
    go: go.go,
    gomaxprocs: go.gomaxprocs,
    note: "Go figures are from bench/data/reference-go.json, measured separately (Loki's pkg/chunkenc, median of 5), not in this run",
  };
}

function formatDuration(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(1)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(2)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k`;
  return perSecond.toFixed(0);
}

function formatFacts(facts: Record<string, number | string>): string {
  return Object.entries(facts)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}

/** Spread of the runs around the median, in percent (max - min over median), to show how noisy a figure is. */
function spreadPercent(result: CaseResult): number {
  const sorted = [...result.runsMs].sort((a, b) => a - b);
  const middle = sorted[sorted.length >> 1]!;
  return ((sorted[sorted.length - 1]! - sorted[0]!) / middle) * 100;
}

/** The results as a fixed-width table. */
export function formatTable(report: BenchReport): string {
  const header = ['case', 'time/call', '±%', 'MB/s', 'MB/s cpu', 'entries/s', 'ns/entry', 'Go MB/s', 'vs Go', 'notes'];
  const rows = report.results.map((result) => [
    result.name,
    formatDuration(result.nsPerCall),
    spreadPercent(result).toFixed(0),
    result.mbps === undefined ? '' : result.mbps.toFixed(1),
    result.mbpsCpu === undefined || result.name.startsWith('process/') ? '' : result.mbpsCpu.toFixed(1),
    result.itemsPerSec === undefined ? '' : formatRate(result.itemsPerSec),
    result.nsPerItem === undefined ? '' : result.nsPerItem.toFixed(1),
    result.reference ? result.reference.mbps.toFixed(1) : '',
    result.reference?.ratio === undefined ? '' : `${result.reference.ratio.toFixed(2)}x`,
    [result.reference ? `Go: ${result.reference.label}` : '', formatFacts(result.facts)].filter(Boolean).join('; '),
  ]);
  const numeric = new Set([1, 2, 3, 4, 5, 6, 7, 8]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  const env = report.environment;
  const out = [
    `loki-chunk benchmarks: ${env.date}, Node ${env.node}, ${env.cpu} x${env.cores}, ${env.platform}, commit ${env.commit}, load ${env.loadAverage}`,
    `median of ${report.timing.runs} runs after ${report.timing.warmupMs} ms warm-up; MB = 2^20 line bytes; ±% = (slowest - fastest) / median;`,
    'MB/s cpu = by this process\'s CPU time (steadier than elapsed time when other work shares the cores)',
    '',
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
  ];
  for (const failure of report.failures) out.push(`${failure.name}: FAILED: ${failure.error}`);
  out.push('', `vs Go = our MB/s / Go's. ${report.reference.note} (${report.reference.go}, GOMAXPROCS=${report.reference.gomaxprocs}).`);
  return out.join('\n');
}

/** Results by case name. */
function byName(report: BenchReport): Map<string, CaseResult> {
  return new Map(report.results.map((result) => [result.name, result]));
}

const fixed = (value: number | undefined, digits = 1): string => (value === undefined ? '–' : value.toFixed(digits));

/** `elapsed / cpu` MB/s, e.g. `301.2 / 322.0`. */
function speeds(result: CaseResult | undefined): string {
  return result ? `${fixed(result.mbps)} / ${fixed(result.mbpsCpu)}` : '–';
}

/**
 * Our speed over Go's, by elapsed and by CPU time, e.g. `1.02x / 1.05x ✅`: ✅ when both reach Go, ❌ when
 * neither does, ≈ when only one does (a busy machine slows elapsed time; on a quiet one, GC threads on the
 * second core add CPU time).
 */
function verdict(result: CaseResult | undefined): string {
  const go = result?.reference?.mbps;
  if (result?.mbps === undefined || result.mbpsCpu === undefined || go === undefined) return '–';
  const byElapsed = result.mbps / go;
  const byCpu = result.mbpsCpu / go;
  const mark = byElapsed >= 1 && byCpu >= 1 ? '✅' : byElapsed < 1 && byCpu < 1 ? '❌' : '≈';
  return `${byElapsed.toFixed(2)}x / ${byCpu.toFixed(2)}x ${mark}`;
}

/**
 * The per-codec targets of issue #7 as a Markdown table: whole-chunk encode, Go's block-decode scope (chunks
 * already read; decompress and parse every block), the whole read from bytes against the same Go figure, and
 * decoding with line strings against Go's full query iterator.
 */
function targetsTable(report: BenchReport): string[] {
  const results = byName(report);
  const codecs = [...new Set(report.results.filter((r) => r.name.startsWith('chunk/encode/')).map((r) => r.name.split('/')[2]!))];
  const rows = [
    '| codec | encode MB/s | Go | vs Go | size vs Go | block decode MB/s | Go (block) | vs Go | whole read MB/s | vs Go (block) | read + line strings MB/s | Go (full iterator) | vs Go |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const codec of codecs) {
    const encode = results.get(`chunk/encode/${codec}`);
    const blocks = results.get(`chunk/block-decode/${codec}`);
    const whole = results.get(`chunk/decode/${codec}`);
    const lines = results.get(`chunk/decode-lines/${codec}`);
    rows.push(
      `| ${codec} | ${speeds(encode)} | ${fixed(encode?.reference?.mbps)} | ${verdict(encode)} | ${encode?.facts.sizeVsGo ?? '–'} ` +
        `| ${speeds(blocks)} | ${fixed(blocks?.reference?.mbps)} | ${verdict(blocks)} | ${speeds(whole)} | ${verdict(whole)} ` +
        `| ${speeds(lines)} | ${fixed(lines?.reference?.mbps)} | ${verdict(lines)} |`,
    );
  }
  return rows;
}

/** Every case as a Markdown table. */
function casesTable(report: BenchReport): string[] {
  const rows = ['| case | time/call | MB/s | MB/s cpu | entries/s | ns/entry | notes |', '|---|--:|--:|--:|--:|--:|---|'];
  for (const result of report.results) {
    const cpu = result.name.startsWith('process/') ? '–' : fixed(result.mbpsCpu);
    rows.push(
      `| ${result.name} | ${formatDuration(result.nsPerCall)} | ${fixed(result.mbps)} | ${cpu} | ${result.itemsPerSec === undefined ? '–' : formatRate(result.itemsPerSec)} ` +
        `| ${fixed(result.nsPerItem)} | ${formatFacts(result.facts).replace(/\|/g, '\\|')} |`,
    );
  }
  return rows;
}

/** The report as Markdown, for the README's performance section. */
export function formatMarkdown(report: BenchReport): string {
  const env = report.environment;
  return [
    `Measured ${env.date.slice(0, 16).replace('T', ' ')} UTC on ${env.cpu} (${env.cores} cores, ${env.memoryGiB} GiB), ${env.platform}, ` +
      `Node ${env.node}, commit ${env.commit}; median of ${report.timing.runs} runs (5 for whole-chunk and whole-process cases). ` +
      `Go: ${report.reference.go}, GOMAXPROCS=${report.reference.gomaxprocs}, measured separately on a machine of the same kind. ` +
      `MB/s cells: by elapsed time / by CPU time; vs Go likewise (✅ both at or above Go, ≈ one of the two, ❌ neither). ` +
      `Load average when the run started: ${env.loadAverage}.`,
    '',
    ...targetsTable(report),
    '',
    '<details><summary>Every case</summary>',
    '',
    ...casesTable(report),
    '',
    '</details>',
  ].join('\n');
}
