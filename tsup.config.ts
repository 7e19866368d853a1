import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: platform-neutral entry plus the Node-only helpers.
    entry: { index: 'src/index.ts', node: 'src/node.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // No clean here: tsup builds both configs at once, so `npm run build` empties dist/ before it starts.
    clean: false,
    target: 'es2022',
    treeshake: true,
  },
  {
    // The CLIs (chunkpack, chunkdump): one ESM file each for Node, run through the package's bin.
    entry: { 'cli/chunkpack': 'src/cli/chunkpack.ts', 'cli/chunkdump': 'src/cli/chunkdump.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node18',
    banner: { js: '#!/usr/bin/env node' },
    // One self-contained file: no chunk shared with (or cleaned by) the library build.
    splitting: false,
    dts: false,
    sourcemap: false,
    clean: false,
  },
]);
