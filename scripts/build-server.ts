// The last step of `npm run build`, after `next build`: compiles the production
// server and the operator commands to plain JavaScript (esbuild; lib/ and the
// @/ imports are bundled in, packages stay imports), and completes Next's
// standalone output so that it runs by itself:
//   .next/standalone/scripts/portal-server.mjs  the production server
//   .next/standalone/node_modules               + every file the server imports
//   .next/standalone/.next/static               the browser assets
//   dist/*.mjs                                  npm start, db:migrate, data-key:re-encrypt, oidc:rotate
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";
// Next's own copy of @vercel/nft, the tracer that builds the standalone output.
// @ts-expect-error: the compiled package ships without types
import nft from "next/dist/compiled/@vercel/nft/index.js";
import { COMPILED_SERVER, STANDALONE_DIR } from "./lib/portal-server-command";
import { findProjectRoot } from "./lib/project-root";

const root = findProjectRoot(import.meta.dirname);
const COMMANDS = ["start", "db-migrate", "data-key-re-encrypt", "oidc-rotate"];

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
await build({ ...shared, entryPoints: [...COMMANDS, "portal-server"].map((name) => path.join(root, "scripts", `${name}.ts`)), outdir: dist });

// Next traced what its own pages need; the server's own imports (pino, the
// Prisma adapter, …) are traced here, from the repository's node_modules, and
// copied in beside them.
const { fileList } = (await (nft as { nodeFileTrace: (files: string[], options: object) => Promise<unknown> }).nodeFileTrace([path.join(dist, "portal-server.mjs")], {
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

fs.mkdirSync(path.dirname(COMPILED_SERVER), { recursive: true });
fs.renameSync(path.join(dist, "portal-server.mjs"), COMPILED_SERVER);
fs.cpSync(path.join(root, ".next", "static"), path.join(STANDALONE_DIR, ".next", "static"), { recursive: true });
if (fs.existsSync(path.join(root, "public"))) fs.cpSync(path.join(root, "public"), path.join(STANDALONE_DIR, "public"), { recursive: true });

console.log(`compiled the production server into ${path.relative(root, COMPILED_SERVER)} (+${copied} traced files) and ${COMMANDS.length} commands into dist/`);
