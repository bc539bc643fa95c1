import "server-only";
// What a finished registry Test leaves for the operator: one log line (verdict,
// duration, the failed step) and the Test metrics. Never a credential, token
// or AWS response body.
import { log } from "@/lib/log";
import { getMetrics } from "@/lib/metrics/metrics";
import type { RegistryTestResult } from "@/lib/registry-test/steps";

export function recordTestTelemetry(test: { teamId: string; registryId: string; authType: string; hostname: string }, result: RegistryTestResult): void {
  const failedStep = result.steps.find((step) => step.status === "failed");
  const metrics = getMetrics();
  metrics.registryTests.inc({ auth_type: test.authType, verdict: result.verdict });
  metrics.registryTestDuration.observe({ auth_type: test.authType }, result.durationMs / 1000);
  const fields = { ...test, verdict: result.verdict, ms: result.durationMs, ...(failedStep ? { failedStep: failedStep.id } : {}) };
  if (result.verdict === "verified") log.info(fields, "registry test finished");
  else log.warn({ ...fields, headline: result.headline }, "registry test finished");
}
