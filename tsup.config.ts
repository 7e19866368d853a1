import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: platform-neutral entry plus the Node-only helpers.
    entry: { index: 'src/index.ts', node: 'src/node.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    treeshake: true,
  },
]);
