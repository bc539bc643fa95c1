import "server-only";
// GET /v2/<name>/tags/list (skopeo inspect lists tags): the registry's list
// under the proxied name, with pagination (n, last) passed on and the next
// page's Link rewritten to the proxy's path.
import type { ServerResponse } from "node:http";
import type { PullRecord } from "@/lib/proxy/access-log";
import type { AuthorizedRepository } from "@/lib/proxy/auth";
import { entitledTags } from "@/lib/proxy/entitlement-checks";
import { DISTRIBUTION_HEADERS, ProxyError } from "@/lib/proxy/errors";
import { callRegistry, upstreamFailure } from "@/lib/proxy/upstream";
import { readBody } from "@/lib/proxy/upstream-http";

export async function serveTags(target: AuthorizedRepository, query: URLSearchParams, response: ServerResponse, record: PullRecord): Promise<void> {
  const { tags, link } = await fetchTagPage(target, query, record);
  const body = Buffer.from(JSON.stringify({ name: target.name, tags }));
  record.bytes = body.length;
  response.writeHead(200, { ...DISTRIBUTION_HEADERS, "Content-Type": "application/json; charset=utf-8", "Content-Length": body.length, ...(link ? { Link: link } : {}) });
  response.end(body);
}

/** One page of the repository's tags as the license may see them, with the next page's Link under the proxied name. */
export async function fetchTagPage(target: AuthorizedRepository, query: URLSearchParams, record: Pick<PullRecord, "upstreamStatus">): Promise<{ tags: string[]; link: string | undefined }> {
  const passed = new URLSearchParams();
  const n = query.get("n");
  const last = query.get("last");
  if (n && /^\d{1,5}$/.test(n)) passed.set("n", n);
  if (last && /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(last)) passed.set("last", last);
  const suffix = passed.size > 0 ? `?${passed}` : "";
  const { response: upstream } = await callRegistry(target, `tags/list${suffix}`, "GET", { accept: "application/json" });
  record.upstreamStatus = upstream.statusCode ?? null;
  if (upstream.statusCode !== 200) throw await upstreamFailure(upstream, { code: "NAME_UNKNOWN", message: "The vendor's registry has no such repository. Check the image name." });
  let tags: string[];
  try {
    const body = JSON.parse((await readBody(upstream, 4 * 1024 * 1024)).toString("utf8")) as { tags?: unknown };
    tags = Array.isArray(body.tags) ? body.tags.filter((tag): tag is string => typeof tag === "string") : [];
  } catch {
    throw new ProxyError("UNKNOWN", "The vendor's registry sent a tag list the proxy could not read.", {}, 200);
  }
  const link = typeof upstream.headers.link === "string" ? nextPageLink(upstream.headers.link, target.name) : undefined;
  // A tag-restricted license sees only its tags (a page may then hold fewer than n).
  return { tags: entitledTags(target, tags), link };
}

function nextPageLink(link: string, name: string): string | undefined {
  const match = /<[^>]*\?([^>]*)>;\s*rel="?next"?/.exec(link);
  if (!match) return undefined;
  const query = new URLSearchParams(match[1]);
  const next = new URLSearchParams();
  for (const key of ["n", "last"]) if (query.get(key)) next.set(key, query.get(key)!);
  return `</v2/${name}/tags/list?${next}>; rel="next"`;
}
