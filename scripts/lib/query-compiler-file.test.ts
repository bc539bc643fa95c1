import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryCompilerFromFile } from "./query-compiler-file";

const root = path.resolve(import.meta.dirname, "../..");
const BASE64_MODULE = "@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs";
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "query-compiler-file-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Bundles an entry as the server build does (packages external) and writes the WebAssembly files beside it. */
async function bundle(name: string, source: string): Promise<{ file: string; size: number }> {
  const queryCompiler = queryCompilerFromFile(root);
  await build({ stdin: { contents: source, resolveDir: root, loader: "ts" }, bundle: true, platform: "node", format: "esm", packages: "external", outfile: path.join(dir, `${name}.mjs`), plugins: [queryCompiler.plugin], logLevel: "silent" });
  for (const [file, bytes] of queryCompiler.files) fs.writeFileSync(path.join(dir, file), bytes);
  return { file: path.join(dir, `${name}.mjs`), size: fs.statSync(path.join(dir, `${name}.mjs`)).size };
}

describe("the query compiler read from a file", () => {
  it("decodes, as the generated client decodes it, to the generated module's WebAssembly, which compiles", async () => {
    const { file, size } = await bundle("decode", `import { wasm } from "${BASE64_MODULE}";\nexport const decode = () => Buffer.from(wasm as unknown as string, "base64");\n`);
    const generated = (await import(BASE64_MODULE)) as { wasm: string };
    const { decode } = (await import(pathToFileURL(file).href)) as { decode: () => Buffer };

    const bytes = decode();
    expect(bytes.equals(Buffer.from(generated.wasm, "base64"))).toBe(true);
    expect(fs.readdirSync(dir)).toContain("query_compiler_fast_bg.postgresql.wasm");
    // The bundle carries no copy of the base64 text (4.4 MB).
    expect(size).toBeLessThan(10_000);
    expect(WebAssembly.Module.exports(new WebAssembly.Module(new Uint8Array(bytes))).length).toBeGreaterThan(0);
  });

  it("reads the file each time it is decoded and keeps no copy of it", async () => {
    const { file } = await bundle("copies", `import { wasm } from "${BASE64_MODULE}";\nexport { wasm };\nexport const decode = () => Buffer.from(wasm as unknown as string, "base64");\n`);
    const { wasm, decode } = (await import(pathToFileURL(file).href)) as { wasm: object; decode: () => Buffer };

    const first = decode();
    first.fill(0);
    expect(decode().equals(first)).toBe(false);
    expect(Object.values(wasm).every((value) => typeof value === "function")).toBe(true);
  });

  it("leaves the query compiler's JavaScript an import of the package", async () => {
    const { file } = await bundle("glue", `export * as runtime from "@prisma/client/runtime/query_compiler_fast_bg.postgresql.mjs";\n`);

    expect(fs.readFileSync(file, "utf8")).toContain('from "@prisma/client/runtime/query_compiler_fast_bg.postgresql.mjs"');
  });
});
