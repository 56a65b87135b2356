// The suite's tsup config (packages/integration-tests/tsup.config.ts at 1fbc554) without its monorepo
// import: Logto's tsup.shared.config.ts defaults (ESM into lib/, no .d.ts, source maps, clean) with the
// suite's entry. The runner copies this file beside the suite's sources in the build folder.
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/**/*.ts'],
  outDir: 'lib',
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
});
