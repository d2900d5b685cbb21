import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: integration tests start servers, ffmpeg and Xvfb, so keep the pool small.
    maxWorkers: 2,
  },
});
