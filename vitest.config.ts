import path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname), "server-only": path.resolve(import.meta.dirname, "test/server-only-stub.ts") } },
  test: {
    include: ["lib/**/*.test.ts", "tools/**/*.test.ts", "test/**/*.test.ts", "scripts/**/*.test.ts"],
    // Several production-server processes, after a build: vitest.cluster.config.ts.
    exclude: [...configDefaults.exclude, "test/cluster/**"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
