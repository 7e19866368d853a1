/**
 * The published package itself: exports map, declared dependencies, and the built entry points loaded by
 * name (ESM and CJS) as a user would load them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, any>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('package.json', () => {
  it('is an ESM package with types-first exports, no side effects, Node >= 18', () => {
    expect(pkg.name).toBe('loki-chunk');
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.engines.node).toBe('>=18');
    for (const entry of ['.', './node']) {
      expect(Object.keys(pkg.exports[entry])[0]).toBe('types');
      expect(pkg.exports[entry]).toHaveProperty('import');
      expect(pkg.exports[entry]).toHaveProperty('require');
    }
  });

  it('declares exactly the runtime dependencies the library imports', () => {
    const imported = new Set<string>();
    for (const file of sourceFiles(join(root, 'src'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/from '([^.'][^']*)'/g)) {
        const name = match[1]!;
        if (name.startsWith('node:')) continue;
        imported.add(name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!);
      }
    }
    expect([...imported].sort()).toEqual(Object.keys(pkg.dependencies).sort());
  });

  it('keeps Node-only imports out of the platform-neutral library', () => {
    const nodeOnly = (file: string) =>
      file.endsWith(join('src', 'node.ts')) ||
      file.includes(join('src', 'cli')) ||
      file.includes(join('src', 'io', 'node')) ||
      file.includes(join('src', 'compression', 'node'));
    for (const file of sourceFiles(join(root, 'src')).filter((f) => !nodeOnly(f))) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/from 'node:|require\(|\bBuffer\b/);
    }
  });
});

describe('built entry points', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'index.js'))) execFileSync('npx', ['tsup'], { cwd: root, stdio: 'ignore' });
  });

  it('load by package name from ESM and CJS and read a golden chunk', async () => {
    const chunk = new Uint8Array(readFileSync(join(root, 'fixtures', 'golden', 'single-v4-snappy.chunk')));
    // A variable specifier: the built package is loaded at run time, not resolved by the type checker.
    const name = 'loki-chunk';
    const esm = (await import(name)) as typeof import('../../src/index.js');
    const cjs = createRequire(import.meta.url)(name) as typeof import('../../src/index.js');
    for (const api of [esm, cjs]) {
      const read = api.readChunk(chunk);
      expect(read.format).toBe(4);
      expect([...read.entries()]).toHaveLength(1);
    }
    const node = (await import(`${name}/node`)) as typeof import('../../src/node.js');
    expect(typeof node.readChunk).toBe('function');
  });
});
