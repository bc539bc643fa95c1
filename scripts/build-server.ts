// The last step of `npm run build`, after `next build`: compiles the production
// server and the operator commands to plain JavaScript (esbuild; lib/ and the
// @/ imports are bundled in, packages stay imports), and completes Next's
// standalone output so that it runs by itself:
//   .next/standalone/scripts/portal.mjs         the production server: starts the two below
//   .next/standalone/scripts/portal-proxy.mjs   its front process (public port, /v2/, OIDC documents)
//   .next/standalone/scripts/portal-server.mjs  its Next.js process
//   .next/standalone/scripts/query_compiler_*.wasm  Prisma's query compiler, which they read
//   .next/standalone/node_modules               + every file the server imports
//   .next/standalone/.next/static               the browser assets
//   dist/*.mjs                                  npm start and stop (portal-ctl, start, portal-config), db:migrate, data-key:re-encrypt, oidc:rotate
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";
// Next's own copy of @vercel/nft, the tracer that builds the standalone output.
// @ts-expect-error: the compiled package ships without types
import nft from "next/dist/compiled/@vercel/nft/index.js";
import { STANDALONE_DIR } from "./lib/portal-server-command";
import { findProjectRoot } from "./lib/project-root";
import { queryCompilerFromFile } from "./lib/query-compiler-file";

const root = findProjectRoot(import.meta.dirname);
const COMMANDS = ["start", "portal-ctl", "portal-config", "db-migrate", "data-key-re-encrypt", "oidc-rotate"];
const SERVERS = ["portal", "portal-proxy", "portal-server"];

if (!fs.existsSync(path.join(STANDALONE_DIR, "package.json"))) {
  console.error('No standalone output: next.config.js must set output: "standalone".');
  process.exit(1);
}

const shared = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  packages: "external",
  tsconfig: path.join(root, "tsconfig.json"),
  logLevel: "warning",
  outExtension: { ".js": ".mjs" },
} as const;

const dist = path.join(root, "dist");
// The servers read Prisma's query compiler from a file beside them, not from the heap (scripts/lib/query-compiler-file.ts).
const queryCompiler = queryCompilerFromFile(root);
await build({ ...shared, entryPoints: COMMANDS.map((name) => path.join(root, "scripts", `${name}.ts`)), outdir: dist });
await build({ ...shared, entryPoints: SERVERS.map((name) => path.join(root, "scripts", `${name}.ts`)), outdir: dist, plugins: [queryCompiler.plugin] });

// Next traced what its own pages need; the server's own imports (pino, the
// Prisma adapter, …) are traced here, from the repository's node_modules, and
// copied in beside them.
const { fileList } = (await (nft as { nodeFileTrace: (files: string[], options: object) => Promise<unknown> }).nodeFileTrace(SERVERS.map((name) => path.join(dist, `${name}.mjs`)), {
  base: root,
  conditions: ["react-server", "node", "import"],
  // Next.js traced itself when it built the standalone output.
  ignore: (file: string) => file.startsWith("node_modules/next/"),
})) as { fileList: Set<string> };
let copied = 0;
for (const file of fileList) {
  if (!file.startsWith("node_modules/")) continue;
  const target = path.join(STANDALONE_DIR, file);
  if (fs.existsSync(target)) continue;
  const source = path.join(root, file);
  if (!fs.statSync(source).isFile()) continue;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(source, target);
  copied++;
}

fs.mkdirSync(path.join(STANDALONE_DIR, "scripts"), { recursive: true });
for (const [file, bytes] of queryCompiler.files) fs.writeFileSync(path.join(STANDALONE_DIR, "scripts", file), bytes);
for (const name of SERVERS) fs.renameSync(path.join(dist, `${name}.mjs`), path.join(STANDALONE_DIR, "scripts", `${name}.mjs`));
fs.cpSync(path.join(root, ".next", "static"), path.join(STANDALONE_DIR, ".next", "static"), { recursive: true });
if (fs.existsSync(path.join(root, "public"))) fs.cpSync(path.join(root, "public"), path.join(STANDALONE_DIR, "public"), { recursive: true });

console.log(`compiled the production server into ${path.relative(root, path.join(STANDALONE_DIR, "scripts"))}/{${SERVERS.join(",")}}.mjs (+${copied} traced files) and ${COMMANDS.length} commands into dist/`);

