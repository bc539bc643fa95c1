// ESLint with Next.js's recommended rules (Core Web Vitals and TypeScript).
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    // `_name` marks a value deliberately left unused (e.g. a key dropped by destructuring).
    rules: { "@typescript-eslint/no-unused-vars": ["warn", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }] },
  },
  {
    // Playwright fixtures and the local AWS's test helpers are not React hooks.
    files: ["e2e/**", "tools/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    // The local AWS is test support: what ships never imports it.
    files: ["app/**", "components/**", "lib/**", "proxy.ts"],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ group: ["@/tools/*", "**/tools/*"], message: "tools/ is test support and never ships; application code must not import it." }] }] },
  },
  globalIgnores([".next/**", "dist/**", ".data/**", "lib/generated/**", "test-results/**", "playwright-report/**", "next-env.d.ts", "postcss.config.mjs"]),
]);
