// The OpenAPI document: valid by a standard validator, and in step with the
// route files: every route under app/api/v1 is documented with the handler of
// the endpoint it documents, and every documented operation has its route.
import fs from "node:fs";
import path from "node:path";
import { validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { API_ENDPOINTS } from "@/lib/api/endpoints";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { isMethodNotAllowedHandler } from "@/lib/api/route";
import { resetEnvCache } from "@/lib/env";
import { API_TYPES_FILE, generateApiTypes } from "@/test/support/api-types";
import { lintOpenApiDocument } from "@/test/support/openapi-lint";

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
        expect(typeof route[method], `${method} ${apiPath} answers (405 at least): export the route's handlers with apiRoute (lib/api/route.ts)`).toBe("function");
        if (isMethodNotAllowedHandler(route[method]) || NOT_OPERATIONS.has(apiPath)) continue;
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

  it("has no warning in Redocly's recommended ruleset, served at a production address", async () => {
    const appUrl = process.env.APP_URL;
    process.env.APP_URL = "https://portal.vendor.test";
    resetEnvCache();
    try {
      const document = buildOpenApiDocument();
      expect(document.info.license).toBeDefined();
      expect(document.servers).toEqual([{ url: "https://portal.vendor.test/api/v1" }]);
      expect(await lintOpenApiDocument(document)).toEqual([]);
    } finally {
      process.env.APP_URL = appUrl;
      resetEnvCache();
    }
  }, 60_000);

  it("shows an example of every request and response body, and each is valid by its schema", () => {
    const document = buildOpenApiDocument();
    type MediaTypes = Record<string, { example?: unknown }>;
    const operations = Object.values(document.paths ?? {}).flatMap((item) => Object.values(item ?? {})) as { operationId: string; requestBody?: { content: MediaTypes }; responses: Record<string, { content?: MediaTypes }> }[];
    for (const operation of operations) {
      const bodies = [operation.requestBody?.content, ...Object.values(operation.responses).map((response) => response.content)].filter(Boolean) as MediaTypes[];
      for (const content of bodies) for (const [mediaType, media] of Object.entries(content)) expect(media.example, `${operation.operationId} ${mediaType}`).toBeDefined();
    }
    // The same examples, checked with the zod schemas they were generated from (Redocly checks them against the JSON schemas above).
    for (const { spec } of API_ENDPOINTS) {
      const item = document.paths![spec.path]![spec.method]! as unknown as { requestBody?: { content: MediaTypes }; responses: Record<string, { content?: MediaTypes }> };
      if (spec.body) {
        const example = Object.values(item.requestBody!.content)[0]!.example;
        expect(spec.body.safeParse(example).error, `${spec.operationId} request example`).toBeUndefined();
      }
      if (spec.response) {
        const example = item.responses[String(spec.successStatus ?? 200)]!.content!["application/json"]!.example;
        expect(spec.response.safeParse(example).error, `${spec.operationId} response example`).toBeUndefined();
      }
    }
  });

  it("documents Idempotency-Key on every POST and DELETE, and If-Match on the writes of a single object", () => {
    const document = buildOpenApiDocument();
    for (const { spec } of API_ENDPOINTS) {
      const operation = document.paths![spec.path]![spec.method]! as unknown as { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> };
      const headers = (operation.parameters ?? []).filter((parameter) => parameter.in === "header").map((parameter) => parameter.name);
      expect(headers.includes("Idempotency-Key"), spec.operationId).toBe(spec.method === "post" || spec.method === "delete");
      if (spec.resource && ["put", "patch", "delete"].includes(spec.method)) {
        expect(headers, spec.operationId).toContain("If-Match");
        expect(operation.responses["412"], spec.operationId).toBeDefined();
      }
      if (spec.resource && spec.method === "get") expect(operation.responses["304"], spec.operationId).toBeDefined();
    }
  });
});
