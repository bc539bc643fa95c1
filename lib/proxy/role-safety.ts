import "server-only";
// No confused deputy: an IAM registry is used only after the Test's negative
// check (AWS refusing a token for a subject that is not the team) has passed
// for the registry's current role ARN, at most a day ago. The proxy repeats
// the check itself: in the background once the last pass is older than
// RECHECK_AFTER_MS, and on the request path (one check per registry, shared
// by every waiting request) once it is older than MAX_AGE_MS.
import { parseEcrHostname } from "@/lib/aws/ecr-hostname";
import { assumeRoleWithWebIdentity, createStsClient } from "@/lib/aws/clients";
import { prisma } from "@/lib/db";
import { log } from "@/lib/log";
import { mintStrangerToken } from "@/lib/oidc/web-identity-token";
import { ProxyError } from "@/lib/proxy/errors";
import { parseRegistrySettings } from "@/lib/registries/settings";
import { toCallFailure } from "@/lib/registry-test/failure";
import { getTestEndpoints } from "@/lib/registry-test/service";

export const MAX_AGE_MS = 24 * 3600_000;
export const RECHECK_AFTER_MS = 20 * 3600_000;

export interface RoleSafetyState {
  id: string;
  teamId: string;
  hostname: string;
  settings: unknown;
  negativeCheckRoleArn: string | null;
  negativeCheckPassedAt: Date | null;
  updatedAt: Date;
}

const NOT_CLEARED =
  "The vendor's registry is not cleared for pulls: its AWS role has not passed the portal's safety check (the role must refuse every other team of this portal). Ask your vendor to run Test on the registry's page and follow its advice.";

const inFlight = new Map<string, Promise<Date>>();
/** Passes recorded by this process, so that requests do not wait for a re-read of the row. */
const passedHere = new Map<string, Date>();
export const roleSafetyStats = { checks: 0 };

export async function ensureRoleSafe(registry: RoleSafetyState, now = Date.now()): Promise<void> {
  const roleArn = parseRegistrySettings(registry.settings).roleArn;
  if (!roleArn || registry.negativeCheckRoleArn !== roleArn || !registry.negativeCheckPassedAt) throw new ProxyError("DENIED", NOT_CLEARED);
  const key = `${registry.id}|${roleArn}`;
  const local = passedHere.get(key);
  const passedAt = Math.max(registry.negativeCheckPassedAt.getTime(), local?.getTime() ?? 0);
  const age = now - passedAt;
  if (age < RECHECK_AFTER_MS) return;
  const check = recheck(registry, roleArn, key);
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

function recheck(registry: RoleSafetyState, roleArn: string, key: string): Promise<Date> {
  const existing = inFlight.get(key);
  if (existing) return existing;
  const check = runNegativeCheck(registry, roleArn).finally(() => inFlight.delete(key));
  inFlight.set(key, check);
  return check;
}

async function runNegativeCheck(registry: RoleSafetyState, roleArn: string): Promise<Date> {
  roleSafetyStats.checks++;
  const hostname = parseEcrHostname(registry.hostname);
  if (!hostname.ok) throw new ProxyError("DENIED", NOT_CLEARED);
  const stranger = await mintStrangerToken("registry-pull");
  const sts = createStsClient(hostname.value, getTestEndpoints().sts);
  try {
    await assumeRoleWithWebIdentity(sts, { roleArn, sessionName: "portal-negative-check", webIdentityToken: stranger.token, durationSeconds: 900 }, AbortSignal.timeout(10_000));
  } catch (error) {
    const failure = toCallFailure(error);
    if (failure.kind === "aws" && failure.code === "AccessDenied") {
      const now = new Date();
      passedHere.set(`${registry.id}|${roleArn}`, now);
      await prisma.registry.updateMany({ where: { id: registry.id, teamId: registry.teamId, negativeCheckRoleArn: roleArn }, data: { negativeCheckPassedAt: now, updatedAt: registry.updatedAt } });
      log.info({ registryId: registry.id }, "proxy re-checked the role: it refuses other subjects");
      return now;
    }
    log.warn({ registryId: registry.id, failure: failure.kind }, "proxy could not re-check the role");
    throw error;
  }
  // AWS accepted a stranger: the role is unsafe from now on, here and on the registry's page.
  log.warn({ registryId: registry.id }, "proxy found the role unsafe: it accepts other subjects");
  passedHere.delete(`${registry.id}|${roleArn}`);
  await prisma.registry.updateMany({
    where: { id: registry.id, teamId: registry.teamId },
    // Not an edit of the registry: its "Last changed" stays (as the Test does).
    data: { negativeCheckPassedAt: null, testStatus: "unsafe", lastTestError: "The role trusts every team of this portal. Add the sub condition before using it.", updatedAt: registry.updatedAt },
  });
  throw new ProxyError("DENIED", NOT_CLEARED);
}
