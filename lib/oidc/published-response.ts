import "server-only";
import { getKeySnapshot, maxAgeSeconds, type KeySnapshot, type PublishedDocument } from "@/lib/oidc/key-cache";

/**
 * The discovery document or JWKS as AWS fetches it: public caching no longer
 * than the next key change (never no-cache/no-store: AWS has reported parallel
 * STS failures against issuers that sent them), an ETag, and 304 on a match.
 */
export async function publishedDocumentResponse(request: Request, pick: (snapshot: KeySnapshot) => PublishedDocument): Promise<Response> {
  const snapshot = await getKeySnapshot();
  const published = pick(snapshot);
  const headers = new Headers({
    "Cache-Control": `public, max-age=${maxAgeSeconds(snapshot)}`,
    ETag: published.etag,
    "Access-Control-Allow-Origin": "*",
    "X-Content-Type-Options": "nosniff",
  });
  if (matchesEtag(request.headers.get("if-none-match"), published.etag)) return new Response(null, { status: 304, headers });
  headers.set("Content-Type", "application/json");
  return new Response(published.body, { status: 200, headers });
}

function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === etag);
}
