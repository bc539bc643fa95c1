import "server-only";
// The application overview's Attention list: what needs doing now, without
// waiting for mail. Registries serving the application that stopped working,
// unsafe or stale; its customers whose license expires within 7 days; its
// customers refused in the last hour. Team-scoped in every query.
import { prisma } from "@/lib/db";
import { registryStaleAfterMs } from "@/lib/registries/service";

const DAY = 86_400_000;
const HOUR = 3_600_000;

export type AttentionItem =
  | { kind: "registry"; id: string; label: string; problem: "failing" | "unsafe" | "stale"; since: Date | null; detail: string | null }
  | { kind: "license_expiring"; id: string; label: string; expiresAt: Date }
  | { kind: "pulls_denied"; id: string; label: string; count: number };

export async function getApplicationAttention(teamId: string, applicationId: string, now = new Date()): Promise<AttentionItem[]> {
  const staleBefore = new Date(now.getTime() - registryStaleAfterMs());
  const [registries, expiring, denied] = await Promise.all([
    prisma.registry.findMany({
      where: {
        teamId,
        OR: [{ allApplications: true }, { applications: { some: { applicationId } } }],
        // A registry that never passed is "Setup incomplete", not an alarm (lib/registries/status.ts).
        AND: [{ OR: [{ testStatus: "failing", verifiedAt: { not: null } }, { testStatus: "unsafe" }, { testStatus: "verified", lastTestedAt: { lt: staleBefore } }] }],
      },
      orderBy: { createdAt: "asc" },
      take: 20,
      select: { id: true, name: true, hostname: true, testStatus: true, failingSince: true, lastTestedAt: true, lastTestError: true },
    }),
    prisma.customer.findMany({ where: { teamId, applicationId, revokedAt: null, expiresAt: { gt: now, lte: new Date(now.getTime() + 7 * DAY) } }, orderBy: { expiresAt: "asc" }, take: 20, select: { id: true, name: true, expiresAt: true } }),
    prisma.pullEvent.groupBy({ by: ["customerId"], where: { teamId, applicationId, customerId: { not: null }, status: { in: [401, 403] }, createdAt: { gte: new Date(now.getTime() - HOUR) } }, _count: { _all: true }, orderBy: { _count: { customerId: "desc" } }, take: 20 }),
  ]);
  const deniedNames = await prisma.customer.findMany({ where: { teamId, id: { in: denied.map((row) => row.customerId!) } }, select: { id: true, name: true } });
  const nameOf = new Map(deniedNames.map((customer) => [customer.id, customer.name]));
  return [
    ...registries.map((registry): AttentionItem => {
      const problem = registry.testStatus === "verified" ? "stale" : (registry.testStatus as "failing" | "unsafe");
      return { kind: "registry", id: registry.id, label: registry.name ?? registry.hostname, problem, since: problem === "stale" ? registry.lastTestedAt : registry.failingSince, detail: problem === "stale" ? null : registry.lastTestError };
    }),
    ...expiring.map((customer): AttentionItem => ({ kind: "license_expiring", id: customer.id, label: customer.name, expiresAt: customer.expiresAt! })),
    ...denied.filter((row) => nameOf.has(row.customerId!)).map((row): AttentionItem => ({ kind: "pulls_denied", id: row.customerId!, label: nameOf.get(row.customerId!)!, count: row._count._all })),
  ];
}
