import { defineConfig } from 'vitest/config';

// test/e2e: headless Chromium against the renderers and a real JupyterLab from .venv (one file at a time:
// each starts a browser, some a server).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
