import { defineConfig } from 'vitest/config';

// The unit tests alone (no Azurite, no emulator): what mutation testing runs against each mutant.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
