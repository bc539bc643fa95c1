// The REST API's route handlers (app/api/v1/**/route.ts) served over real
// HTTP on a loopback port for integration tests, routed by their file paths
// the way Next.js routes them (static segments before dynamic ones). The
// production server is exercised by the end-to-end tests; this serves the
// same handlers without a build.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;
interface Route {
  segments: string[];
  module: Record<string, Handler | unknown>;
}

const ROUTES_DIR = path.resolve(import.meta.dirname, "..", "..", "app", "api", "v1");

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

function match(route: Route, parts: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const segment = route.segments[i]!;
    const catchAll = /^\[\.\.\.(.+)\]$/.exec(segment);
    if (catchAll) {
      if (i >= parts.length) return null;
      params[catchAll[1]!] = parts.slice(i).join("/");
      return params;
    }
    const part = parts[i];
    if (part === undefined) return null;
    const dynamic = /^\[(.+)\]$/.exec(segment);
    if (dynamic) params[dynamic[1]!] = decodeURIComponent(part);
    else if (segment !== part) return null;
  }
  return route.segments.length === parts.length ? params : null;
}

/** Specific before general: static segments, then dynamic, then catch-all. */
function rank(route: Route): number[] {
  return route.segments.map((segment) => (segment.startsWith("[...") ? 2 : segment.startsWith("[") ? 1 : 0));
}

export interface ApiServer {
  /** http://127.0.0.1:<port>/api/v1 */
  baseUrl: string;
  close(): Promise<void>;
}

export async function startApiServer(): Promise<ApiServer> {
  const routes: Route[] = [];
  for (const file of routeFiles(ROUTES_DIR)) {
    routes.push({ segments: path.relative(ROUTES_DIR, path.dirname(file)).split(path.sep).filter(Boolean), module: (await import(file)) as Route["module"] });
  }
  routes.sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    for (let i = 0; i < Math.min(ra.length, rb.length); i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
    return rb.length - ra.length;
  });

  const server = http.createServer((incoming, outgoing) => {
    void (async () => {
      const url = new URL(incoming.url ?? "/", `http://${incoming.headers.host}`);
      const parts = url.pathname.replace(/^\/api\/v1\/?/, "").split("/").filter(Boolean);
      let found: { route: Route; params: Record<string, string> } | undefined;
      for (const route of routes) {
        const params = match(route, parts);
        if (params) {
          found = { route, params };
          break;
        }
      }
      const handler = found?.route.module[incoming.method ?? "GET"];
      if (!url.pathname.startsWith("/api/v1") || typeof handler !== "function") {
        outgoing.writeHead(found ? 405 : 404).end();
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers.set(name, value);
      const hasBody = incoming.method !== "GET" && incoming.method !== "HEAD";
      const request = new Request(url, {
        method: incoming.method ?? "GET",
        headers,
        ...(hasBody ? { body: Readable.toWeb(incoming) as ReadableStream, duplex: "half" } : {}),
      } as RequestInit);
      const response = await (handler as Handler)(request, { params: Promise.resolve(found!.params) });
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => {
      outgoing.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
