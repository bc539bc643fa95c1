import "server-only";
// The entitlement checks of a tag-restricted license, at the start of each
// manifest and blob request (the license's repository grant is decided in
// auth.ts): a tag must match the license's patterns; a manifest or blob by
// digest must have been reached through an allowed tag within a token's
// life (lib/entitlements/reach.ts). Tag lists are filtered to the allowed
// tags. Refusals name what the license allows, never what else exists.
import { tagAllowed, type RepositoryGrant } from "@/lib/entitlements/match";
import { digestsNamedBy, recordReach, wasReached, type ReachKey } from "@/lib/entitlements/reach";
import { PROXY_TOKEN_SECONDS, type AuthorizedRepository } from "@/lib/proxy/auth";
import { ProxyError } from "@/lib/proxy/errors";

/** Records what a served manifest lets the license reach; awaited before the manifest is sent. */
export type ManifestReach = (digest: string, body: Buffer | null) => Promise<void>;

type Restricted = AuthorizedRepository & { grant: RepositoryGrant & { customerId: string } };

function reachKey(target: Restricted): ReachKey {
  return { customerId: target.grant.customerId, registryId: target.registry.id, repository: target.upstreamRepository };
}

function allowedTagsText(grant: RepositoryGrant): string {
  return grant.tagPatterns.join(", ");
}

export async function assertManifestEntitled(target: AuthorizedRepository, reference: string, byDigest: boolean): Promise<ManifestReach | null> {
  if (!target.grant || target.grant.allTags) return null;
  const restricted = target as Restricted;
  if (byDigest) {
    if (!(await wasReached(reachKey(restricted), reference))) {
      throw new ProxyError("DENIED", `Your license allows ${target.name} only with the tags ${allowedTagsText(target.grant)}; pull one of those tags (a digest is allowed once reached through an allowed tag).`);
    }
  } else if (!tagAllowed(target.grant, reference)) {
    throw new ProxyError("DENIED", `Your license allows ${target.name} only with the tags ${allowedTagsText(target.grant)}; "${reference}" is not one of them.`);
  }
  return (digest, body) => recordReach(reachKey(restricted), [digest, ...(body ? digestsNamedBy(body) : [])], PROXY_TOKEN_SECONDS * 1000);
}

export async function assertBlobEntitled(target: AuthorizedRepository, digest: string): Promise<void> {
  if (!target.grant || target.grant.allTags) return;
  if (!(await wasReached(reachKey(target as Restricted), digest))) {
    throw new ProxyError("DENIED", `Your license allows ${target.name} only with the tags ${allowedTagsText(target.grant)}; this blob is not part of an image you pulled with one of them.`);
  }
}

export function entitledTags(target: AuthorizedRepository, tags: string[]): string[] {
  const grant = target.grant;
  if (!grant || grant.allTags) return tags;
  return tags.filter((tag) => tagAllowed(grant, tag));
}
