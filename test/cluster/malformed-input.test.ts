// No input reaches a 500: generated malformed input (fast-check) against every
// route of the API, every page and every server action of the production
// build, over real HTTP. The routes are enumerated from the route files under
// app/ (every method each exports) and the REST API's OpenAPI document (its
// query parameters and body fields), the server actions from the build's
// server-reference manifest, so a route or action added later is covered
// without touching this file. Asserts no 5xx, no "internal" error inside a
// 200 (a server action's result), and no cut-off body. Needs `npm run build`.
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens/service";
import { createApplication } from "@/lib/applications/service";
import { signUp } from "@/lib/auth/service";
import { createCustomer } from "@/lib/customers/service";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { SERVER_ACTION_BODY_LIMIT_BYTES } from "@/lib/http/request-guard";
import { signInOverHttp } from "@/test/support/http-session";
import { startPortalCluster, type PortalCluster } from "@/test/support/portal-cluster";

const root = path.resolve(import.meta.dirname, "..", "..");
const PASSWORD = "a long enough passphrase";
const RUNS = Number(process.env.MALFORMED_INPUT_RUNS ?? 10);
const SEED = Number(process.env.MALFORMED_INPUT_SEED ?? Date.now() % 2 ** 31);
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
// Parameter names the pages and exports read, besides those the OpenAPI document lists.
const QUERY_NAMES = ["from", "to", "image", "customer", "status", "action", "actor", "target", "targetId", "page", "q", "sort", "dir", "provider", "role", "limit", "cursor", "callbackUrl", "error", "expired"];
// Fields the server actions' inputs have.
const FIELD_NAMES = ["name", "email", "password", "teamName", "applicationId", "customerId", "registryId", "tokenId", "inviteId", "membershipId", "teamId", "token", "role", "expiresOn", "expiresInDays", "hostname", "provider", "authType", "username", "secret", "roleArn", "accessKeyId", "secretAccessKey", "applications", "allApplications", "flavor", "image"];

let cluster: PortalCluster;
let baseUrl: string;
let cookie: string;
let bearer: string;
const fixture = { appSlug: "", applicationId: "", customerId: "" };

beforeAll(async () => {
  cluster = await startPortalCluster({ processes: 1, env: { API_RATE_LIMIT_PER_MINUTE: "1000000", AWS_ENDPOINT_URL_STS: "http://127.0.0.1:9", AWS_ENDPOINT_URL_ECR: "http://127.0.0.1:9" } });
  baseUrl = cluster.baseUrls[0]!;
  Object.assign(process.env, cluster.commandEnv, { DATABASE_URL: cluster.databaseUrl });
  resetEnvCache();
  const email = `fuzz-${Date.now()}@example.com`;
  const { userId, teamId } = await signUp({ name: "Fuzz", email, password: PASSWORD, teamName: "Fuzz team" });
  const actor = { userId, email };
  const application = await createApplication(teamId, actor, { name: "Fuzzed app" });
  const { customer } = await createCustomer(teamId, actor, { applicationId: application.id, name: "Acme", email: null, expiresOn: null });
  Object.assign(fixture, { appSlug: application.slug, applicationId: application.id, customerId: customer.id });
  bearer = (await createApiToken(teamId, { userId, role: "ADMIN" }, actor, { name: "fuzz", role: "ADMIN", expiresInDays: null })).token;
  cookie = await signInOverHttp(baseUrl, email, PASSWORD);
  console.log(`malformed-input: fast-check seed ${SEED} (MALFORMED_INPUT_SEED to replay), ${RUNS} runs per route`);
});

afterAll(async () => {
  await prisma.$disconnect().catch(() => {});
  await cluster?.stop();
});

// ---------- what is sent ----------

/** Text that has broken things before: NUL, lone surrogates, impossible dates, huge and odd strings. */
const nastyText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("\u0000", "a\u0000b", "\ud800", "x\udfffy", "0000-01-01", "9999-12-31", "2026-02-31", "-1", "1e309", "NaN", "null", "[]", "{}", "../../etc/passwd", "%00", "%FF", "'; DROP TABLE x; --", "$1", "\u202e", "😀") },
  { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom("\u0000", "\ud800", "\udc00")).map(([text, bad]) => `${text}${bad}`) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 3000 }) },
  { weight: 1, arbitrary: fc.nat().map((n) => "x".repeat(n % 70_000)) },
);

/** One path segment or query component as it appears in a URL: broken percent-encoding, or text encoded properly. */
const urlComponent = fc.oneof(
  fc.constantFrom("%00", "%FF", "%E2%82", "%ED%A0%80", "%", "%zz", "a%00b", "%C0%AF", "%2e%2e", "%2F"),
  nastyText.map((text) => encodeURIComponent(text.toWellFormed())),
  nastyText.map((text) => encodeURIComponent(text.toWellFormed()).slice(0, 1 + (text.length % 9))),
);

/** A JSON value with nasty text in it: what a script or a tampered form could send. */
const nastyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, nastyText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie("value"), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.constantFrom(...FIELD_NAMES), nastyText), tie("value"), { maxKeys: 4 })),
})).value;

/** An object whose known fields hold nasty values, the others the fixture's real IDs (so the service code is reached). */
function nastyObject(fields: readonly string[]) {
  const real = fc.constantFrom(fixture.applicationId, fixture.customerId, "");
  return fc.record(Object.fromEntries(fields.map((field) => [field, fc.oneof({ weight: 3, arbitrary: nastyText }, { weight: 1, arbitrary: nastyValue }, { weight: 2, arbitrary: real })])), { requiredKeys: [] });
}

// ---------- what is checked ----------

interface Sent {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: BodyInit;
}

async function send({ method, url, headers = {}, body }: Sent): Promise<{ status: number; text: string; type: string }> {
  const response = await fetch(`${baseUrl}${url}`, {
    method,
    redirect: "manual",
    headers: { cookie, authorization: `Bearer ${bearer}`, origin: baseUrl, ...headers },
    ...(body === undefined ? {} : { body }),
    // A stream is sent chunked, without a Content-Length.
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
    signal: AbortSignal.timeout(60_000),
  });
  // A body cut off by a reset connection rejects here.
  const text = await response.text();
  return { status: response.status, text, type: response.headers.get("content-type") ?? "" };
}

async function expectHandled(request: Sent): Promise<void> {
  const { status, text, type } = await send(request);
  const where = `${request.method} ${request.url.slice(0, 300)} → ${status}: ${text.slice(0, 300)}`;
  expect(status, where).toBeLessThan(500);
  if (type.includes("application/json") && text) expect(() => JSON.parse(text) as unknown, `a complete JSON body: ${where}`).not.toThrow();
  if (type.includes("text/html") && status === 200) expect(text.trimEnd().endsWith("</html>"), `a complete page: ${where}`).toBe(true);
  // An API answer's own error code; a server action answers 200 with its result in the RSC payload.
  // (The OpenAPI document describes the "internal" code in its examples: only an answer's own error counts.)
  if (type.includes("application/json") && text) expect((JSON.parse(text) as { error?: { code?: unknown } }).error?.code, `no internal error: ${where}`).not.toBe("internal");
  else expect(text, `no internal error: ${where}`).not.toMatch(/"code":"internal"/);
  // A page that failed after its first byte still answers 200, with the error's digest (a number) in the payload.
  expect(text, `no server error inside a streamed page: ${where}`).not.toMatch(/digest\\?":\\?"\d+\\?"/);
}

// ---------- what there is ----------

function routeFiles(dir: string, kind: "route.ts" | "page.tsx"): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...routeFiles(full, kind));
    else if (entry.name === kind) found.push(full);
  }
  return found;
}

/** "app/(portal)/apps/[appSlug]/page.tsx" → ["apps", "[appSlug]"]. */
function segmentsOf(file: string): string[] {
  return path
    .relative(path.join(root, "app"), path.dirname(file))
    .split(path.sep)
    .filter((segment) => segment && !/^\(.*\)$/.test(segment));
}

const isDynamic = (segment: string) => segment.startsWith("[");

interface OpenApiOperation {
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown>; $ref?: string } }> };
}

let openApi: { paths: Record<string, Record<string, OpenApiOperation>>; components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> } };

async function loadOpenApi() {
  openApi ??= (await (await fetch(`${baseUrl}/api/v1/openapi.json`)).json()) as typeof openApi;
  return openApi;
}

/** The OpenAPI operation of a route file's path and method, when it is one. */
function operationOf(segments: string[], method: string): OpenApiOperation | undefined {
  if (segments[0] !== "api" || segments[1] !== "v1") return undefined;
  const apiPath = "/" + segments.slice(2).map((segment) => segment.replace(/^\[(\w+)\]$/, "{$1}")).join("/");
  return openApi.paths[apiPath]?.[method.toLowerCase()];
}

function bodyFieldsOf(operation: OpenApiOperation | undefined): string[] {
  const schema = operation?.requestBody?.content?.["application/json"]?.schema;
  if (!schema) return [];
  const resolved = schema.$ref ? openApi.components?.schemas?.[schema.$ref.split("/").pop()!] : schema;
  return Object.keys(resolved?.properties ?? {});
}

function exportedMethods(file: string): string[] {
  const source = fs.readFileSync(file, "utf8");
  // apiRoute (lib/api/route.ts) exports every method at once: `export const { GET, POST, … } = apiRoute(…)`.
  const destructured = /export const \{([^}]*)\}\s*=/.exec(source)?.[1]?.split(",").map((name) => name.trim()) ?? [];
  return METHODS.filter((method) => destructured.includes(method) || new RegExp(`export (const|async function|function) ${method}\\b`).test(source));
}

/** A path for the route's segments: one dynamic segment malformed, the others the fixture's (so the route's own code runs). */
function pathArbitrary(segments: string[], method = "GET") {
  const real = (segment: string) => (segment === "[appSlug]" ? fixture.appSlug : segment === "[customerId]" || segment === "[applicationId]" ? (segment === "[customerId]" ? fixture.customerId : fixture.applicationId) : "x");
  const dynamic = segments.map((segment, index) => (isDynamic(segment) ? index : -1)).filter((index) => index >= 0);
  const which = dynamic.length > 0 ? fc.constantFrom(...dynamic) : fc.constant(-1);
  return fc.tuple(which, urlComponent, fc.boolean()).map(([malformed, component, keepReal]) =>
    "/" +
    segments
      .map((segment, index) => {
        if (!isDynamic(segment)) return segment;
        // A DELETE keeps no real ID: the fixture must survive for the routes after it.
        if (index === malformed && (!keepReal || method === "DELETE")) return segment.startsWith("[...") ? `${component}/x` : component;
        return segment.startsWith("[...") ? "session" : real(segment);
      })
      .join("/"),
  );
}

const queryArbitrary = (names: readonly string[]) =>
  fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names), urlComponent), urlComponent), { maxLength: 5 }).map((pairs) => (pairs.length ? "?" + pairs.map(([key, value]) => `${key}=${value}`).join("&") : ""));

const runOptions = () => ({ numRuns: RUNS, seed: SEED, endOnFailure: true });

// ---------- the properties ----------

describe("no input reaches a 500", () => {
  it("the API refuses oversized and undecodable bodies with 413 and 400", async () => {
    const big = JSON.stringify({ name: "x".repeat(3 * 1024 * 1024) });
    expect((await send({ method: "POST", url: "/api/v1/applications", headers: { "content-type": "application/json" }, body: big })).status).toBe(413);
    expect((await send({ method: "POST", url: "/api/v1/applications", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "a\u0000b" }) })).status).toBe(400);
    expect((await send({ method: "POST", url: "/api/v1/applications", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "a\ud800b" }) })).status).toBe(400);
    expect((await send({ method: "GET", url: "/api/v1/applications/%00" })).status).toBe(400);
    expect((await send({ method: "GET", url: `/api/v1/applications/${encodeURIComponent("\ud800".toWellFormed())}` })).status).toBe(404);
    expect((await send({ method: "GET", url: "/api/v1/registries/%FF" })).status).toBe(400);
  });

  it("every page, with malformed path segments and query parameters", async () => {
    const pages = routeFiles(path.join(root, "app"), "page.tsx");
    expect(pages.length).toBeGreaterThan(10);
    for (const file of pages) {
      const segments = segmentsOf(file);
      await fc.assert(
        fc.asyncProperty(pathArbitrary(segments), queryArbitrary(QUERY_NAMES), async (url, query) => {
          await expectHandled({ method: "GET", url: url + query, headers: { accept: "text/html" } });
        }),
        runOptions(),
      );
    }
    expect((await send({ method: "GET", url: "/team/audit?from=0000-01-01", headers: { accept: "text/html" } })).status).toBe(200);
    // A bad filter is dropped: the page shows the list without it.
    expect((await send({ method: "GET", url: `/apps/${fixture.appSlug}/pull-activity?image=%00`, headers: { accept: "text/html" } })).status).toBe(200);
    expect((await send({ method: "GET", url: `/apps/${fixture.appSlug}/customers?q=%FF%00`, headers: { accept: "text/html" } })).status).toBe(200);
    expect((await send({ method: "GET", url: "/apps/%FF", headers: { accept: "text/html" } })).status).toBe(400);
  });

  it("the exports validate their filters before the first byte", async () => {
    const audit = await send({ method: "GET", url: "/api/team/audit/export?from=0000-01-01" });
    expect(audit.status).toBe(400);
    expect(JSON.parse(audit.text)).toMatchObject({ error: { code: "invalid_input", fieldErrors: { from: expect.stringMatching(/date/) } } });
    const pulls = await send({ method: "GET", url: `/api/apps/${fixture.appSlug}/pull-activity/export?image=a${encodeURIComponent("\ud800".toWellFormed())}&from=2026-02-31` });
    expect(pulls.status).toBe(400);
    expect(JSON.parse(pulls.text)).toMatchObject({ error: { code: "invalid_input", fieldErrors: { from: expect.any(String) } } });
    const good = await send({ method: "GET", url: `/api/apps/${fixture.appSlug}/pull-activity/export?from=2026-01-01` });
    expect(good.status).toBe(200);
    expect(good.text.split("\r\n")[0]).toMatch(/^time,customer,/);
  });

  it("every API route, with malformed path parameters, query strings and bodies", async () => {
    await loadOpenApi();
    const routes = routeFiles(path.join(root, "app", "api"), "route.ts");
    expect(routes.length).toBeGreaterThan(15);
    let operations = 0;
    for (const file of routes) {
      const segments = segmentsOf(file);
      for (const method of exportedMethods(file)) {
        const operation = operationOf(segments, method);
        if (operation) operations++;
        const queryNames = [...QUERY_NAMES, ...(operation?.parameters ?? []).filter((parameter) => parameter.in === "query").map((parameter) => parameter.name)];
        const fields = [...new Set([...bodyFieldsOf(operation), ...FIELD_NAMES])];
        const body = method === "GET" ? fc.constant(undefined) : fc.oneof(nastyObject(fields).map((value) => JSON.stringify(value)), nastyValue.map((value) => JSON.stringify(value)), nastyText);
        const contentType = fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded");
        await fc.assert(
          fc.asyncProperty(pathArbitrary(segments, method), queryArbitrary(queryNames), body, contentType, async (url, query, payload, type) => {
            await expectHandled({ method, url: url + query, headers: { "content-type": type }, ...(payload === undefined ? {} : { body: payload }) });
          }),
          runOptions(),
        );
      }
    }
    // Every operation of the document has its route file.
    const documented = Object.values(openApi.paths).reduce((count, methods) => count + Object.keys(methods).length, 0);
    expect(operations).toBe(documented);
  });

  it("every server action, with malformed arguments", async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, ".next", "server", "server-reference-manifest.json"), "utf8")) as { node: Record<string, { workers: Record<string, unknown>; exportedName?: string }> };
    const actions = Object.entries(manifest.node);
    expect(actions.length).toBeGreaterThan(10);
    for (const [actionId, { workers }] of actions) {
      // The page that carries it, with the fixture's values in its dynamic segments.
      const page = Object.keys(workers)[0]!.replace(/^app/, "").replace(/\/page$/, "");
      const url = "/" + segmentsOf(path.join(root, "app", page, "page.tsx")).map((segment) => (segment === "[appSlug]" ? fixture.appSlug : segment === "[customerId]" ? fixture.customerId : isDynamic(segment) ? "x" : segment)).join("/");
      const args = fc.oneof({ weight: 4, arbitrary: nastyObject(FIELD_NAMES).map((input) => [input]) }, { weight: 1, arbitrary: fc.array(nastyValue, { maxLength: 3 }) });
      await fc.assert(
        fc.asyncProperty(args, async (values) => {
          await expectHandled({ method: "POST", url, headers: { "next-action": actionId, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" }, body: JSON.stringify(encodeReplyValue(values)) });
        }),
        runOptions(),
      );
    }
  });

  it("a server action refuses a NUL or a lone surrogate in a name as invalid input, naming the field", async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, ".next", "server", "server-reference-manifest.json"), "utf8")) as { node: Record<string, { exportedName?: string }> };
    const [actionId] = Object.entries(manifest.node).find(([, action]) => action.exportedName === "createApplicationAction")!;
    for (const name of ["a\u0000b", "a\ud800b"]) {
      const { status, text } = await send({ method: "POST", url: "/apps", headers: { "next-action": actionId, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" }, body: JSON.stringify([{ name }]) });
      expect(status).toBe(200);
      expect(text).toMatch(/"code":"invalid_input"/);
      expect(text).toMatch(/"name":"name (must not contain a NUL|must be valid Unicode)/);
    }
  });

  it("a server action from a foreign Origin is a 403, one over the size limit a 413, one of unknown size a 400", async () => {
    const [actionId] = Object.keys((JSON.parse(fs.readFileSync(path.join(root, ".next", "server", "server-reference-manifest.json"), "utf8")) as { node: Record<string, unknown> }).node);
    const action = { "next-action": actionId!, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" };
    const foreign = await send({ method: "POST", url: "/apps", headers: { ...action, origin: "https://evil.example" }, body: "[]" });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.text)).toMatchObject({ error: { code: "forbidden" } });
    const big = await send({ method: "POST", url: "/apps", headers: action, body: new Uint8Array(3 * 1024 * 1024) });
    expect(big.status).toBe(413);
    const chunked = await send({ method: "POST", url: "/apps", headers: action, body: new Blob(["[]"]).stream() });
    expect(chunked.status).toBe(400);
    expect(SERVER_ACTION_BODY_LIMIT_BYTES).toBe(1024 * 1024);
  });
});

/** React's reply encoding of plain JSON values: a string starting with "$" is escaped as "$$". */
function encodeReplyValue(value: unknown): unknown {
  if (typeof value === "string") return value.startsWith("$") ? `$${value}` : value;
  if (Array.isArray(value)) return value.map(encodeReplyValue);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, encodeReplyValue(item)]));
  return value;
}
