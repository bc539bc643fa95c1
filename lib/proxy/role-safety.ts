import "server-only";
// No confused deputy: an IAM registry, or a keyless one (Azure, Quay,
// Google federation), is used only after the Test's negative check (the
// cloud refusing a token for a subject that is not the team) has passed for
// the registry's current role ARN or federation target, at most a day ago.
// The proxy repeats the check itself: in the background once the last pass
// is older than RECHECK_AFTER_MS, and on the request path (one check per
// registry, shared by every waiting request) once it is older than MAX_AGE_MS.
import { parseEcrHostname } from "@/lib/aws/ecr-hostname";
import { STS_AUDIENCE } from "@/lib/aws/trust-policy";
import { assumeRoleWithWebIdentity, createStsClient } from "@/lib/aws/clients";
import { prisma } from "@/lib/db";
import { log } from "@/lib/log";
import { mintStrangerToken } from "@/lib/oidc/web-identity-token";
import { ProxyError } from "@/lib/proxy/errors";
import { negativeCheckTargetOf, requiresNegativeCheck } from "@/lib/registries/negative-check-target";
import { getProvider } from "@/lib/registries/providers";
import { federationSettingsOf, parseRegistrySettings } from "@/lib/registries/settings";
import { getAuthEndpoints } from "@/lib/registry-auth/endpoints";
import { keylessProvider, runNegativeCheck } from "@/lib/registry-auth/federation";
import { registryBaseUrl } from "@/lib/registry-test/endpoints";
import { toCallFailure } from "@/lib/registry-test/failure";
import { getTestEndpoints } from "@/lib/registry-test/service";

export const MAX_AGE_MS = 24 * 3600_000;
export const RECHECK_AFTER_MS = 20 * 3600_000;

export interface RoleSafetyState {
  id: string;
  teamId: string;
  provider: string;
  hostname: string;
  authType: string;
  settings: unknown;
  negativeCheckTarget: string | null;
  negativeCheckPassedAt: Date | null;
  updatedAt: Date;
}

const NOT_CLEARED_ROLE =
  "The vendor's registry is not cleared for pulls: its AWS role has not passed the portal's safety check (the role must refuse every other team of this portal). Ask your vendor to run Test on the registry's page and follow its advice.";
const NOT_CLEARED_FEDERATION =
  "The vendor's registry is not cleared for pulls: its keyless federation has not passed the portal's safety check (it must refuse every other team of this portal). Ask your vendor to run Test on the registry's page and follow its advice.";

const inFlight = new Map<string, Promise<Date>>();
/** Passes recorded by this process, so that requests do not wait for a re-read of the row. */
const passedHere = new Map<string, Date>();
export const roleSafetyStats = { checks: 0 };

/** Resolves when the registry may be used (nothing to check, or a current pass); throws DENIED or UNAVAILABLE otherwise. */
export async function ensureRegistrySafe(registry: RoleSafetyState, repository?: string, now = Date.now()): Promise<void> {
  if (!requiresNegativeCheck(registry.authType)) return;
  const target = checkTargetOf(registry);
  if (!target || registry.negativeCheckTarget !== target || !registry.negativeCheckPassedAt) throw notCleared(registry);
  const key = `${registry.id}|${target}`;
  const local = passedHere.get(key);
  const passedAt = Math.max(registry.negativeCheckPassedAt.getTime(), local?.getTime() ?? 0);
  const age = now - passedAt;
  if (age < RECHECK_AFTER_MS) return;
  const check = recheck(registry, target, key, repository);
  if (age < MAX_AGE_MS) {
    check.catch(() => undefined);
    return;
  }
  try {
    await check;
  } catch (error) {
    if (error instanceof ProxyError) throw error;
    throw new ProxyError("UNAVAILABLE", "The portal could not re-check the vendor's registry's safety today. Try again in a minute.", { "Retry-After": "30" });
  }
}

/**
 * The check's target for a registry row as loaded, worked out (its settings
 * parsed) once per row object rather than on every request: the proxy's
 * registry lookups hand the same object to every request for a second or
 * two, and a later load is a new object.
 */
const targets = new WeakMap<RoleSafetyState, string | null>();

function checkTargetOf(registry: RoleSafetyState): string | null {
  let target = targets.get(registry);
  if (target === undefined) {
    target = negativeCheckTargetOf({ ...registry, settings: parseRegistrySettings(registry.settings) });
    targets.set(registry, target);
  }
  return target;
}

function notCleared(registry: RoleSafetyState): ProxyError {
  return new ProxyError("DENIED", registry.authType === "iam_role" ? NOT_CLEARED_ROLE : NOT_CLEARED_FEDERATION);
}

function recheck(registry: RoleSafetyState, target: string, key: string, repository: string | undefined): Promise<Date> {
  const existing = inFlight.get(key);
  if (existing) return existing;
  const check = runCheck(registry, target, repository).finally(() => inFlight.delete(key));
  inFlight.set(key, check);
  return check;
}

async function runCheck(registry: RoleSafetyState, target: string, repository: string | undefined): Promise<Date> {
  roleSafetyStats.checks++;
  let refused: boolean;
  try {
    refused = registry.authType === "iam_role" ? await strangerRefusedByRole(registry, target) : await strangerRefusedByFederation(registry, repository);
  } catch (error) {
    if (error instanceof ProxyError) throw error;
    log.warn({ registryId: registry.id, failure: toCallFailure(error).kind }, "proxy could not re-check the registry's safety");
    throw error;
  }
  if (refused) {
    const now = new Date();
    passedHere.set(`${registry.id}|${target}`, now);
    await prisma.registry.updateMany({ where: { id: registry.id, teamId: registry.teamId, negativeCheckTarget: target }, data: { negativeCheckPassedAt: now, updatedAt: registry.updatedAt } });
    log.info({ registryId: registry.id, authType: registry.authType }, "proxy re-checked the registry: it refuses other subjects");
    return now;
  }
  // The cloud accepted a stranger: the registry is unsafe from now on, here and on the registry's page.
  log.warn({ registryId: registry.id, authType: registry.authType }, "proxy found the registry unsafe: it accepts other subjects");
  passedHere.delete(`${registry.id}|${target}`);
  await prisma.registry.updateMany({
    where: { id: registry.id, teamId: registry.teamId },
    // Not an edit of the registry: its "Last changed" stays (as the Test does).
    data: {
      negativeCheckPassedAt: null,
      testStatus: "unsafe",
      lastTestError: registry.authType === "iam_role" ? "The role trusts every team of this portal. Add the sub condition before using it." : "The keyless federation trusts every team of this portal. Pin it to your team's subject before using it.",
      updatedAt: registry.updatedAt,
    },
  });
  throw notCleared(registry);
}

/** AWS: AssumeRoleWithWebIdentity with a stranger's token must answer AccessDenied. */
async function strangerRefusedByRole(registry: RoleSafetyState, roleArn: string): Promise<boolean> {
  const hostname = parseEcrHostname(registry.hostname);
  if (!hostname.ok) throw notCleared(registry);
  const stranger = await mintStrangerToken("registry-pull", STS_AUDIENCE);
  const sts = await createStsClient(hostname.value, getTestEndpoints().sts);
  try {
    await assumeRoleWithWebIdentity(sts, { roleArn, sessionName: "portal-negative-check", webIdentityToken: stranger.token, durationSeconds: 900 }, AbortSignal.timeout(10_000));
  } catch (error) {
    const failure = toCallFailure(error);
    if (failure.kind === "aws" && failure.code === "AccessDenied") return true;
    throw error;
  }
  return false;
}

/** Keyless: the provider's exchange (or the registry after it) must refuse a stranger's token. */
async function strangerRefusedByFederation(registry: RoleSafetyState, repository: string | undefined): Promise<boolean> {
  const provider = getProvider(registry.provider);
  const keyless = provider ? keylessProvider(provider) : null;
  if (!provider || !keyless) throw notCleared(registry);
  const endpoints = getAuthEndpoints();
  const outcome = await runNegativeCheck(
    keyless,
    {
      hostname: registry.hostname,
      baseUrl: registryBaseUrl(provider.apiHostname(registry.hostname), endpoints.registryOverrides),
      settings: federationSettingsOf(parseRegistrySettings(registry.settings)),
      endpoints,
      signal: AbortSignal.timeout(10_000),
    },
    "registry-pull",
    repository,
  );
  return outcome.refused;
}
