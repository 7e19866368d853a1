#!/usr/bin/env node
/**
 * Summarises a V8 `.cpuprofile` (from `npm run bench -- --cpu-prof <regex>`, written to `.bench-work/profiles/`):
 * self time per function and per source module, largest first.
 *
 *   node bench/profile-summary.mjs [profile.cpuprofile] [--top N]
 *
 * Without a path, the newest profile in `.bench-work/profiles/` is used. Bundled functions are mapped back to
 * their `src/` module through the bundle's source map when it is there.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const top = Number(values.top);

function newestProfile() {
  const dir = join(root, '.bench-work', 'profiles');
  const files = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')) : [];
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}: run npm run bench -- --cpu-prof <regex> first`);
  return join(dir, files.sort((a, b) => statSync(join(dir, b)).mtimeMs - statSync(join(dir, a)).mtimeMs)[0]);
}

/** Decodes a source map's `mappings` into, per generated line, the sorted [column, sourceIndex] pairs. */
function loadSourceMap(bundlePath) {
  const mapPath = `${bundlePath}.map`;
  if (!existsSync(mapPath)) return null;
  const map = JSON.parse(readFileSync(mapPath, 'utf8'));
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lines = [];
  let source = 0;
  for (const line of map.mappings.split(';')) {
    const segments = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (segment === '') continue;
      const fields = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = alphabet.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0];
      if (fields.length > 1) source += fields[1];
      segments.push([column, source]);
    }
    lines.push(segments);
  }
  return { sources: map.sources, lines };
}

/** The original module of a bundled position, e.g. `src/chunk/block-payload.ts`. */
function originalModule(sourceMap, lineNumber, columnNumber) {
  const segments = sourceMap?.lines[lineNumber];
  if (!segments || segments.length === 0) return null;
  let found = segments[0];
  for (const segment of segments) {
    if (segment[0] > columnNumber) break;
    found = segment;
  }
  return sourceMap.sources[found[1]].replace(/^(\.\.\/)+/, '');
}

const path = positionals[0] ?? newestProfile();
const profile = JSON.parse(readFileSync(path, 'utf8'));
const maps = new Map();
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
// Samples taken while the in-process profiler starts or stops (bench/profiler.ts hooks) are not the case's work.
const parents = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
const hookNames = new Set(['beforeRuns', 'afterRuns']);
const inHook = new Map();
const underHook = (id) => {
  if (inHook.has(id)) return inHook.get(id);
  const node = nodes.get(id);
  const parent = parents.get(id);
  const answer = hookNames.has(node.callFrame.functionName) || (parent !== undefined && underHook(parent));
  inHook.set(id, answer);
  return answer;
};
const byFunction = new Map();
const byModule = new Map();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const frame = nodes.get(profile.samples[i]).callFrame;
  const delta = profile.timeDeltas[i] ?? 0;
  if (underHook(profile.samples[i])) continue;
  total += delta;
  let module = frame.url.replace(/^file:\/\//, '');
  if (module.endsWith('.mjs') && module.includes('.bench-work')) {
    if (!maps.has(module)) maps.set(module, loadSourceMap(module));
    module = originalModule(maps.get(module), frame.lineNumber, frame.columnNumber) ?? module;
  }
  module = module.replace(`${root}/`, '') || '(native)';
  const name = `${frame.functionName || '(anonymous)'}  ${module}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + delta);
  byModule.set(module, (byModule.get(module) ?? 0) + delta);
}

const print = (title, table) => {
  console.log(`\n${title}`);
  for (const [key, micros] of [...table.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((micros / total) * 100).toFixed(1).padStart(6)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${key}`);
  }
};
console.log(`${path}: ${(total / 1e6).toFixed(2)} s sampled`);
print('self time by function', byFunction);
print('self time by module', byModule);
