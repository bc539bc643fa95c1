// The Prisma client's query compiler is WebAssembly that the generated client
// imports as a module holding it in base64 (4.4 MB) and decodes once with
// `Buffer.from(wasm, "base64")`. That string stays in the V8 heap twice for
// the process's lifetime (the module's source and its value): 8.7 MiB of the
// front process's 38 MiB heap in a heap snapshot. The compiled servers
// (scripts/build-server.ts) replace that module by one whose `wasm` reads the
// binary (3.3 MB) from a file written beside them at the moment the client
// decodes it, and holds nothing afterwards: `Buffer.from(object, encoding)`
// converts an object through its `valueOf()` and copies the Buffer that
// returns (the encoding applies to strings only). Tests and `next dev` keep
// the generated module.
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Plugin } from "esbuild";

const BASE64_MODULE = /^@prisma\/client\/runtime\/(query_compiler_\w+\.\w+)\.wasm-base64\.mjs$/;

export interface QueryCompilerFiles {
  plugin: Plugin;
  /** The WebAssembly files the bundles read, by file name; write them beside the bundles. */
  files: Map<string, Buffer>;
}

/** `root`: the directory whose node_modules holds @prisma/client. */
export function queryCompilerFromFile(root: string): QueryCompilerFiles {
  const files = new Map<string, Buffer>();
  const plugin: Plugin = {
    name: "prisma-query-compiler-from-file",
    setup(build) {
      build.onResolve({ filter: BASE64_MODULE }, (args) => ({ path: args.path, namespace: "query-compiler-file" }));
      build.onLoad({ filter: /.*/, namespace: "query-compiler-file" }, async (args) => {
        const file = `${BASE64_MODULE.exec(args.path)![1]}.wasm`;
        if (!files.has(file)) {
          const generated = (await import(pathToFileURL(path.join(root, "node_modules", args.path)).href)) as { wasm: string };
          files.set(file, Buffer.from(generated.wasm, "base64"));
        }
        const contents = `import fs from "node:fs";\nexport const wasm = { valueOf: () => fs.readFileSync(new URL(${JSON.stringify(`./${file}`)}, import.meta.url)) };\n`;
        return { contents, loader: "js" };
      });
    },
  };
  return { plugin, files };
}
