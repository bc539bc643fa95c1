import "server-only";
import { prisma } from "@/lib/db";
import { negativeCheckTargetOf, requiresNegativeCheck } from "@/lib/registries/negative-check-target";
import type { RegistryView } from "@/lib/registries/service";

type ReadinessFields = Pick<RegistryView, "id" | "provider" | "hostname" | "authType" | "roleArn" | "username" | "tenantId" | "clientId" | "projectNumber" | "poolId" | "providerId" | "serviceAccount">;

/**
 * Whether the proxy may use an IAM or keyless registry: the Test's negative
 * check (the role or federation refuses another team's token) passed for its
 * current role ARN or federation target. Null for registries without such a
 * check. The proxy re-checks it daily itself (lib/proxy/role-safety.ts); this
 * is what the registry page tells the vendor.
 */
export async function registryClearedForPulls(teamId: string, registry: ReadinessFields): Promise<boolean | null> {
  if (!requiresNegativeCheck(registry.authType)) return null;
  const { roleArn, username, tenantId, clientId, projectNumber, poolId, providerId, serviceAccount } = registry;
  const settings = Object.fromEntries(Object.entries({ roleArn, username, tenantId, clientId, projectNumber, poolId, providerId, serviceAccount }).filter(([, value]) => value !== null));
  const target = negativeCheckTargetOf({ provider: registry.provider, hostname: registry.hostname, authType: registry.authType, settings });
  if (!target) return false;
  const row = await prisma.registry.findFirst({ where: { id: registry.id, teamId }, select: { negativeCheckTarget: true, negativeCheckPassedAt: true } });
  return Boolean(row?.negativeCheckPassedAt && row.negativeCheckTarget === target);
}
