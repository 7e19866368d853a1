#!/usr/bin/env node
/**
 * Compares two `npm run bench -- --json` results, case by case:
 *
 *   node bench/compare.mjs before.json after.json
 *
 * Prints each common case's time per call before and after and the speed-up (`after` faster: > 1). Cases whose
 * runs spread more than the change are marked `~` (within noise): on a shared machine, compare several runs.
 */
import { readFileSync } from 'node:fs';

const [beforePath, afterPath] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  console.error('usage: node bench/compare.mjs before.json after.json');
  process.exit(2);
}
const load = (path) => JSON.parse(readFileSync(path, 'utf8'));
const before = load(beforePath);
const after = load(afterPath);
const previous = new Map(before.results.map((result) => [result.name, result]));

/** Half the relative spread of a result's runs: a change smaller than this is not distinguishable. */
const noise = (result) => {
  const runs = [...result.runsMs].sort((a, b) => a - b);
  return (runs[runs.length - 1] - runs[0]) / runs[runs.length >> 1] / 2;
};
const format = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : `${(ns / 1e3).toFixed(1)} µs`);

console.log(`before: ${before.environment.commit} ${before.environment.date} (load ${before.environment.loadAverage})`);
console.log(`after:  ${after.environment.commit} ${after.environment.date} (load ${after.environment.loadAverage})\n`);
const width = Math.max(4, ...after.results.map((result) => result.name.length));
console.log(`${'case'.padEnd(width)}  ${'before'.padStart(10)}  ${'after'.padStart(10)}  speed-up`);
for (const result of after.results) {
  const old = previous.get(result.name);
  if (!old) continue;
  const speedUp = old.nsPerCall / result.nsPerCall;
  const withinNoise = Math.abs(speedUp - 1) <= Math.max(noise(old), noise(result));
  console.log(
    `${result.name.padEnd(width)}  ${format(old.nsPerCall).padStart(10)}  ${format(result.nsPerCall).padStart(10)}  ${speedUp.toFixed(2)}x${withinNoise ? ' ~' : ''}`,
  );
}
