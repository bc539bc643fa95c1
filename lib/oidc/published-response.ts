import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { getIssuer } from "@/lib/oidc/issuer";
import { getKeySnapshot, maxAgeSeconds, type KeySnapshot, type PublishedDocument } from "@/lib/oidc/key-cache";

type Pick = (snapshot: KeySnapshot) => PublishedDocument;

/**
 * The discovery document or JWKS as AWS fetches it: public caching no longer
 * than the next key change (never no-cache/no-store: AWS has reported parallel
 * STS failures against issuers that sent them), an ETag, and 304 on a match.
 */
async function publishedDocument(pick: Pick, ifNoneMatch: string | null): Promise<{ status: 200 | 304; headers: Record<string, string>; body: string | null }> {
  const snapshot = await getKeySnapshot();
  const published = pick(snapshot);
  const headers: Record<string, string> = {
    "Cache-Control": `public, max-age=${maxAgeSeconds(snapshot)}`,
    ETag: published.etag,
    "Access-Control-Allow-Origin": "*",
    "X-Content-Type-Options": "nosniff",
  };
  if (matchesEtag(ifNoneMatch, published.etag)) return { status: 304, headers, body: null };
  return { status: 200, headers: { ...headers, "Content-Type": "application/json" }, body: published.body };
}

/** For the route handlers (app/oidc/…), which serve the documents under `next dev`. */
export async function publishedDocumentResponse(request: Request, pick: Pick): Promise<Response> {
  const answer = await publishedDocument(pick, request.headers.get("if-none-match"));
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/**
 * The production server's fast path: answers GET and HEAD of
 * <issuer>/.well-known/openid-configuration and <issuer>/jwks straight from
 * memory, before Next.js routing. Returns false for every other request.
 */
export function serveIssuerDocument(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  const path = (request.url ?? "").split("?", 1)[0];
  const issuer = getIssuer();
  const pick: Pick | null =
    path === `${issuer.pathname}/.well-known/openid-configuration` ? (snapshot) => snapshot.discovery : path === `${issuer.pathname}/jwks` ? (snapshot) => snapshot.jwks : null;
  if (!pick) return false;
  publishedDocument(pick, request.headers["if-none-match"] ?? null).then(
    (answer) => {
      response.writeHead(answer.status, answer.headers);
      response.end(request.method === "HEAD" ? undefined : (answer.body ?? undefined));
    },
    () => {
      response.writeHead(503, { "Content-Type": "application/json", "Retry-After": "5" });
      response.end(JSON.stringify({ error: "the issuer's keys are unavailable; try again shortly" }));
    },
  );
  return true;
}

function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === etag);
}
