import "server-only";
// What the customer's page shows and does: sign-in with the license ID
// (throttled per client address like the proxy's token endpoint, shared by
// every portal process), the images the license may pull, read through the
// proxy's own path (its license and entitlement checks, the vendor's
// registry login, the entitled tag lists), and the license's own pulls.
import { findCustomerByLicense } from "@/lib/customers/license";
import { prisma } from "@/lib/db";
import { ruleProxyName } from "@/lib/entitlements/match";
import { UserFacingError } from "@/lib/http/result";
import { ThrottledError } from "@/lib/auth/throttles";
import { authorizeRepository, FAILED_LOGINS_PER_MINUTE, pullCustomer, type PullCustomer } from "@/lib/proxy/auth";
import { ProxyError } from "@/lib/proxy/errors";
import { entitledTags } from "@/lib/proxy/entitlement-checks";
import { fetchTagPage } from "@/lib/proxy/tags";
import { callRegistry } from "@/lib/proxy/upstream";
import { discard } from "@/lib/proxy/upstream-http";
import { recentRepositories } from "@/lib/pull-activity/service";
import { consumeRateLimits, refundRateLimitHit, type RateLimit } from "@/lib/rate-limit/rate-limit";
import { MANIFEST_MEDIA_TYPES } from "@/lib/registry-test/registry-http";

/** Sign-in attempts per client address per minute, as the token endpoint allows failed logins. */
export const CUSTOMER_SIGN_IN_LIMIT: RateLimit = { name: "customer-sign-in-address", limit: FAILED_LOGINS_PER_MINUTE, windowSeconds: 60 };

const REFUSED = "That license ID was not accepted. Paste the license ID your vendor gave you (it starts with lic_).";

/** The customer holding the license, for a new session; a right license gives its hit back. */
export async function signInCustomer(licenseId: string, clientAddress: string): Promise<{ id: string; teamId: string; licenseHash: string }> {
  const attempt = await consumeRateLimits([{ limit: CUSTOMER_SIGN_IN_LIMIT, subject: clientAddress }]);
  if (!attempt.allowed) throw new ThrottledError("Too many sign-in attempts from your network.", attempt.retryAfterSeconds);
  const found = await findCustomerByLicense(licenseId);
  if (!found) throw new UserFacingError("unauthorized", REFUSED, { licenseId: REFUSED });
  const row = await prisma.customer.findFirst({ where: { id: found.id, teamId: found.teamId }, select: { id: true, teamId: true, licenseHash: true, revokedAt: true, application: { select: { customerPageEnabled: true } } } });
  if (!row) throw new UserFacingError("unauthorized", REFUSED, { licenseId: REFUSED });
  await Promise.all(attempt.hits.map(refundRateLimitHit));
  if (row.revokedAt) throw new UserFacingError("forbidden", "This license has been revoked. Ask your vendor for a new license.");
  if (!row.application.customerPageEnabled) throw new UserFacingError("forbidden", "Your vendor has not opened this page for this application. Ask your vendor for the login command and image names.");
  return { id: row.id, teamId: row.teamId, licenseHash: row.licenseHash };
}

export interface EntitledImage {
  /** proxy/<app>/<host>/<repository> */
  name: string;
  tags: { tag: string; digest: string | null }[];
  /** More tags than shown. */
  moreTags: number;
  /** Why the tags could not be read (the vendor's registry is down, …), in the proxy's words. */
  problem: string | null;
}

const MAX_IMAGES = 20;
const MAX_TAGS = 10;

/** Names the license may pull: its exact rules, then the application's recently pulled names; each checked by the proxy's own license and entitlement check. */
async function candidateNames(customer: PullCustomer): Promise<string[]> {
  const exact = customer.entitlements.rules.filter((rule) => !rule.repository.includes("*")).map((rule) => ruleProxyName(rule, customer.applicationSlug));
  const recent = await recentRepositories(customer.teamId, customer.applicationId, 50);
  return [...new Set([...exact, ...recent])];
}

/** The images the license may pull with their tags and digests, read through the proxy's own path. */
export async function listEntitledImages(teamId: string, customerId: string): Promise<EntitledImage[]> {
  const customer = await pullCustomer(teamId, customerId);
  if (!customer) return [];
  const images: EntitledImage[] = [];
  for (const name of await candidateNames(customer)) {
    if (images.length >= MAX_IMAGES) break;
    let target;
    try {
      target = await authorizeRepository({ customer, grantedNames: null }, name);
    } catch (error) {
      if (error instanceof ProxyError) continue;
      throw error;
    }
    try {
      const { tags } = await fetchTagPage(target, new URLSearchParams({ n: "1000" }), { upstreamStatus: null });
      const shown = tags.slice(-MAX_TAGS).reverse();
      const withDigests = await Promise.all(shown.map(async (tag) => ({ tag, digest: await tagDigest(target, tag) })));
      images.push({ name, tags: withDigests, moreTags: tags.length - shown.length, problem: null });
    } catch (error) {
      if (!(error instanceof ProxyError)) throw error;
      // A registry credential that may pull but not list tags (ECR without ecr:ListImages): the tags the
      // license names exactly and the tags pulled recently, each resolved as a pull would.
      const known = error.code === "DENIED" ? await knownTags(customer, target, name) : [];
      const withDigests = (await Promise.all(known.slice(0, MAX_TAGS).map(async (tag) => ({ tag, digest: await tagDigest(target, tag).catch(() => null) })))).filter((tag) => tag.digest !== null);
      images.push(withDigests.length > 0 ? { name, tags: withDigests, moreTags: 0, problem: null } : { name, tags: [], moreTags: 0, problem: error.message });
    }
  }
  return images.sort((a, b) => a.name.localeCompare(b.name));
}

/** Tags the license names without wildcards, then tags of this name pulled recently in the application, newest first; only those the license may pull. */
async function knownTags(customer: PullCustomer, target: Awaited<ReturnType<typeof authorizeRepository>>, name: string): Promise<string[]> {
  const exact = customer.entitlements.rules.flatMap((rule) => rule.tags.filter((tag) => !tag.includes("*")));
  const pulled = await prisma.pullEvent.groupBy({
    by: ["reference"],
    where: { teamId: customer.teamId, applicationId: customer.applicationId, repository: name, action: "manifest", status: { lt: 400 }, reference: { not: { startsWith: "sha256:" } } },
    _max: { createdAt: true },
    orderBy: { _max: { createdAt: "desc" } },
    take: MAX_TAGS,
  });
  const candidates = [...new Set([...exact, ...pulled.flatMap((row) => (row.reference ? [row.reference] : []))])];
  return entitledTags(target, candidates);
}

async function tagDigest(target: Awaited<ReturnType<typeof authorizeRepository>>, tag: string): Promise<string | null> {
  const { response } = await callRegistry(target, `manifests/${tag}`, "HEAD", { accept: MANIFEST_MEDIA_TYPES.join(", ") });
  discard(response);
  const digest = response.headers["docker-content-digest"];
  return response.statusCode === 200 && typeof digest === "string" && /^sha256:[a-f0-9]{64}$/.test(digest) ? digest : null;
}

export interface CustomerPull {
  id: string;
  at: Date;
  action: string;
  repository: string | null;
  reference: string | null;
  status: number;
  bytes: number;
  airGap: boolean;
}

/** The license's own requests of the last 30 days, newest first (at most 200). */
export async function customerPullHistory(teamId: string, customerId: string, now = new Date()): Promise<CustomerPull[]> {
  const rows = await prisma.pullEvent.findMany({
    where: { teamId, customerId, createdAt: { gte: new Date(now.getTime() - 30 * 24 * 60 * 60 * 1000) }, action: { not: "ping" } },
    orderBy: { id: "desc" },
    take: 200,
    select: { id: true, createdAt: true, action: true, repository: true, reference: true, status: true, bytes: true },
  });
  return rows.map((row) => ({ id: String(row.id), at: row.createdAt, action: row.action, repository: row.repository, reference: row.reference, status: row.status, bytes: Number(row.bytes), airGap: row.action === "airgap" || row.action === "airgap_blob" }));
}
