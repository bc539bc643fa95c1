// The OpenAPI document: valid by a standard validator, and in step with the
// route files: every route under app/api/v1 is documented with the handler of
// the endpoint it documents, and every documented operation has its route.
import fs from "node:fs";
import path from "node:path";
import { validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { API_ENDPOINTS } from "@/lib/api/endpoints";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { API_TYPES_FILE, generateApiTypes } from "@/test/support/api-types";

const ROUTES_DIR = path.resolve(import.meta.dirname, "..", "..", "app", "api", "v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
/** Routes that are not operations of the API: the document itself, and the JSON 404 for unknown paths. */
const NOT_OPERATIONS = new Set(["/openapi.json", "/{path}"]);

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

/** app/api/v1/registries/[registryId]/test/route.ts → /registries/{registryId}/test */
function apiPathOf(file: string): string {
  const relative = path.relative(ROUTES_DIR, path.dirname(file)).split(path.sep).filter(Boolean);
  return `/${relative.map((segment) => segment.replace(/^\[(?:\.\.\.)?(.+)\]$/, "{$1}")).join("/")}`;
}

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const document = buildOpenApiDocument();
    expect(document.openapi).toBe("3.1.0");
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.valid && result.warnings).toEqual([]);
  });

  it("documents every route under app/api/v1, with that endpoint's handler, and nothing that has no route", async () => {
    const document = buildOpenApiDocument();
    const documented = new Set(Object.entries(document.paths ?? {}).flatMap(([apiPath, item]) => Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${apiPath}`)));
    const routed = new Set<string>();
    for (const file of routeFiles(ROUTES_DIR)) {
      const apiPath = apiPathOf(file);
      const route = (await import(file)) as Record<string, unknown>;
      for (const method of METHODS) {
        if (typeof route[method] !== "function") continue;
        if (NOT_OPERATIONS.has(apiPath)) continue;
        const operation = `${method} ${apiPath}`;
        routed.add(operation);
        const endpoint = API_ENDPOINTS.find((candidate) => candidate.spec.method.toUpperCase() === method && candidate.spec.path === apiPath);
        expect(endpoint, `${operation} (${path.relative(ROUTES_DIR, file)}) has no endpoint in lib/api/endpoints`).toBeDefined();
        expect(route[method], `${operation} exports another endpoint's handler`).toBe(endpoint!.handler);
      }
    }
    expect([...routed].sort()).toEqual([...documented].sort());
    expect(routed.size).toBe(API_ENDPOINTS.length);
  });

  it("is the document the generated client's types were made from (npm run api:types)", async () => {
    const committed = fs.readFileSync(API_TYPES_FILE, "utf8");
    expect(committed).toBe(await generateApiTypes(buildOpenApiDocument()));
  });

  it("names each operation once and describes the error body on every operation", () => {
    const document = buildOpenApiDocument();
    const operations = Object.values(document.paths ?? {}).flatMap((item) => Object.values(item ?? {})) as { operationId: string; responses: Record<string, unknown> }[];
    expect(new Set(operations.map((operation) => operation.operationId)).size).toBe(operations.length);
    for (const operation of operations) {
      expect(operation.responses["401"], operation.operationId).toBeDefined();
      expect(operation.responses["429"], operation.operationId).toBeDefined();
    }
  });
});
