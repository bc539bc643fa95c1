import "server-only";
import { prisma } from "@/lib/db";

/**
 * Whether the proxy may use an IAM registry: the Test's negative check (the
 * role refuses another team's token) passed for its current role ARN. Null
 * for registries without a role. The proxy re-checks it daily itself
 * (lib/proxy/role-safety.ts); this is what the registry page tells the vendor.
 */
export async function iamRoleClearedForPulls(teamId: string, registry: { id: string; authType: string; roleArn: string | null }): Promise<boolean | null> {
  if (registry.authType !== "iam_role" || !registry.roleArn) return null;
  const row = await prisma.registry.findFirst({ where: { id: registry.id, teamId }, select: { negativeCheckRoleArn: true, negativeCheckPassedAt: true } });
  return Boolean(row?.negativeCheckPassedAt && row.negativeCheckRoleArn === registry.roleArn);
}
