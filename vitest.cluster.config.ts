// `npm run test:cluster`: tests that start several production-server
// processes (test/support/portal-cluster.ts) and so need `npm run build` first;
// `npm test` runs them after the build. One file at a time: each starts its
// own database and processes on a two-core machine.
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname), "server-only": path.resolve(import.meta.dirname, "test/server-only-stub.ts") } },
  test: {
    include: ["test/cluster/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: "forks",
    fileParallelism: false,
  },
});
