import "server-only";
// The registry events, decided from a Test's outcome and recorded in the same
// transaction as the stored result (lib/registry-test/service.ts):
//   failing   a failed test of a registry that had passed (verified or unsafe before);
//   unsafe    the test's own verdict "unsafe" (the negative check found a role
//             or federation that trusts strangers), when it was not unsafe before;
//   recovered a pass after failing or unsafe.
// A failing registry that fails again sends nothing more.
import type { Prisma } from "@/lib/generated/prisma/client";
import { getEnv } from "@/lib/env";
import type { NotificationEventType } from "@/lib/notifications/event-types";
import { recordNotificationEvent } from "@/lib/notifications/outbox";
import type { EventData } from "@/lib/notifications/payloads";
import type { RegistryTestResult } from "@/lib/registry-test/steps";

export function registryTransitionEvent(previousStatus: string, verdict: RegistryTestResult["verdict"]): Extract<NotificationEventType, "registry.failing" | "registry.recovered" | "registry.unsafe"> | null {
  if (verdict === "unsafe") return previousStatus === "unsafe" ? null : "registry.unsafe";
  if (verdict === "failing") return previousStatus === "verified" || previousStatus === "unsafe" ? "registry.failing" : null;
  return previousStatus === "failing" || previousStatus === "unsafe" ? "registry.recovered" : null;
}

/** The registry's page: registries belong to the team and are shown under any application. */
export async function registryPageUrl(tx: Pick<Prisma.TransactionClient, "application">, teamId: string, registryId: string): Promise<string> {
  const app = await tx.application.findFirst({ where: { teamId }, orderBy: { createdAt: "asc" }, select: { slug: true } });
  return app ? `${getEnv().APP_URL}/apps/${app.slug}/registries/${registryId}` : `${getEnv().APP_URL}/apps`;
}

export interface TestedRegistry {
  id: string;
  name: string | null;
  hostname: string;
  provider: string;
  testStatus: string;
  failingSince: Date | null;
}

export async function recordRegistryTestEvent(
  tx: Prisma.TransactionClient,
  teamId: string,
  registry: TestedRegistry,
  result: RegistryTestResult,
  trigger: "manual" | "scheduled",
): Promise<string | null> {
  const type = registryTransitionEvent(registry.testStatus, result.verdict);
  if (!type) return null;
  const failed = result.steps.find((step) => step.status === "failed");
  const data = {
    registry: { id: registry.id, name: registry.name, hostname: registry.hostname, provider: registry.provider, testStatus: result.verdict, url: await registryPageUrl(tx, teamId, registry.id) },
    test: {
      verdict: result.verdict,
      headline: result.headline,
      trigger,
      testedAt: new Date(result.startedAt).toISOString(),
      failedStep: failed ? { id: failed.id, title: failed.title, summary: failed.diagnosis?.summary ?? null, fix: failed.diagnosis?.fix ?? null } : null,
    },
  } satisfies EventData<"registry.failing">;
  if (type === "registry.recovered") return recordNotificationEvent(tx, teamId, type, { ...data, failingSince: registry.failingSince?.toISOString() ?? null });
  return recordNotificationEvent(tx, teamId, type, data);
}
